from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Programme")

    def ready(self):
        from core import page_cache
        from core.registries import DashboardPanel, Door, dashboard_panels, navbar_doors

        page_cache.watch(self)
        navbar_doors.register(Door("schedule", _("Schedule"), "events:schedule", order=10))
        navbar_doors.register(Door("speakers", _("Speakers"), "events:speakers", order=20))
        dashboard_panels.register(
            DashboardPanel(
                "events-release",
                _("Schedule releases"),
                "admin/events/_release_panel.html",
                permission="events.release_schedule",
                order=-10,
            )
        )
