from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitorsConfig(AppConfig):
    name = "exhibitors"
    verbose_name = _("Exhibition")

    def ready(self):
        from zgcforum import page_cache

        from . import caching, segments

        segments.register_segments()
        caching.connect()
        page_cache.watch(self)
