"""``manage.py roles``: the role × permission matrix, as the README shows it.

Read from the code (every app's ``roles.py``), not from the database: what it prints is what
``ensure_roles()`` gives each group after the next migrate.
"""

from django.core.management.base import BaseCommand

from accounts.roles import role_matrix


class Command(BaseCommand):
    help = "Print the role × permission matrix (a Markdown table) declared in the apps' roles.py."

    def handle(self, *args, **options):
        self.stdout.write(role_matrix())
