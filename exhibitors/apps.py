from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _acts_for_an_exhibitor():
    from django.db.models import Exists, OuterRef

    from .models import Membership

    return Exists(Membership.objects.filter(user=OuterRef("pk")))


def is_exhibitor(user) -> bool:
    """Whether the user acts for an exhibitor (navbar, landing): loaded with the user."""
    from core.registries import user_flag

    return user_flag(user, "exhibitor")


class ExhibitorsConfig(AppConfig):
    name = "exhibitors"
    verbose_name = _("Exhibition")

    def ready(self):
        from core import page_cache
        from core.registries import (
            DashboardPanel,
            Door,
            Landing,
            PortalTab,
            UserFlag,
            dashboard_panels,
            landings,
            navbar_doors,
            portal_tabs,
            user_flags,
        )

        from . import caching, segments

        user_flags.register(UserFlag("exhibitor", _acts_for_an_exhibitor))
        segments.register_segments()
        caching.connect()
        page_cache.watch(self)
        navbar_doors.register(Door("exhibitors", _("Exhibitors"), "exhibitors:directory", order=30))
        navbar_doors.register(
            Door(
                "portal",
                _("Exhibitor portal"),
                "exhibitors:portal",
                order=30,
                visible=is_exhibitor,
                personal=True,
            )
        )
        landings.register(
            Landing(
                "exhibitor",
                "exhibitors:portal",
                is_exhibitor,
                order=20,
            )
        )
        for tab in (
            PortalTab("edit", _("Edit the profile"), lambda o: o.urls.edit, 10, admins_only=True),
            PortalTab("members", _("Members"), lambda o: o.urls.members, 20, admins_only=True),
            PortalTab("apply", _("Apply for a booth"), lambda o: o.urls.apply, 30),
            PortalTab("exhibits", _("Exhibits"), lambda o: o.urls.exhibits, 40),
            PortalTab("staff", _("Stand staff"), lambda o: o.urls.staff, 50, admins_only=True),
            PortalTab("documents", _("Documents"), lambda o: o.urls.documents, 60),
            PortalTab("fees", _("Fees and fapiao"), lambda o: o.urls.fees, 70),
        ):
            portal_tabs.register(tab)
        dashboard_panels.register(
            DashboardPanel(
                "exhibitors-portal",
                _("Exhibitor portal"),
                "admin/exhibitors/_portal_panel.html",
                permission="exhibitors.view_document",
                order=40,
            )
        )
