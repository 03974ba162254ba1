from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Programme")

    def ready(self):
        from core import page_cache
        from core.registries import Door, navbar_doors

        page_cache.watch(self)
        navbar_doors.register(Door("schedule", _("Schedule"), "events:schedule", order=10))
        navbar_doors.register(Door("speakers", _("Speakers"), "events:speakers", order=20))
