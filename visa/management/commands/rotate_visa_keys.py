from django.core.management.base import BaseCommand

from visa import services


class Command(BaseCommand):
    help = "Re-encrypt visa requests' passport data with the first key of VISA_FERNET_KEYS."

    def handle(self, *args, **options):
        count = services.rotate_keys()
        self.stdout.write(f"Re-encrypted {count} visa requests with the newest key.")
