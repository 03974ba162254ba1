from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitorsConfig(AppConfig):
    name = "exhibitors"
    verbose_name = _("Exhibition")

    def ready(self):
        from core import page_cache
        from core.registries import Door, Landing, PortalTab, landings, navbar_doors, portal_tabs

        from . import caching, segments

        segments.register_segments()
        caching.connect()
        page_cache.watch(self)
        navbar_doors.register(Door("exhibitors", _("Exhibitors"), "exhibitors:directory", order=30))
        landings.register(
            Landing(
                "exhibitor",
                "exhibitors:portal",
                lambda user: user.exhibitor_memberships.exists(),
                order=20,
            )
        )
        for tab in (
            PortalTab("edit", _("Edit the profile"), lambda o: o.urls.edit, 10, admins_only=True),
            PortalTab("members", _("Members"), lambda o: o.urls.members, 20, admins_only=True),
            PortalTab("apply", _("Apply for a booth"), lambda o: o.urls.apply, 30),
        ):
            portal_tabs.register(tab)
