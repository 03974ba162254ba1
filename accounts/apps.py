from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import middleware, roles

        # A staff session's idle clock starts at login (no session write on the first page).
        user_logged_in.connect(middleware.start_idle_clock)

        # Every app's migrations are done by the time post_migrate fires, so all permissions exist.
        post_migrate.connect(roles.ensure_roles_after_migrate, sender=self)
