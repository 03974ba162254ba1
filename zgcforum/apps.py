from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site at the top: settings, URLs, the home page, the admin index, ``seed_demo``."""

    name = "zgcforum"
    verbose_name = "ZGC Forum"

    def ready(self):
        from core.registries import Landing, landings

        # Organizers, hosts and desk staff work in the admin.
        landings.register(Landing("staff", "admin:index", lambda user: user.is_staff, order=10))
