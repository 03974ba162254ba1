from django.core.management.base import BaseCommand

from delegates import services


class Command(BaseCommand):
    help = "Give speakers (with an email) and exhibitor staff (within the allowance) registrations."

    def handle(self, *args, **options):
        speakers = services.register_speakers()
        staff = services.register_exhibitor_staff()
        self.stdout.write(f"{speakers} speaker and {staff} exhibitor staff registrations made.")
