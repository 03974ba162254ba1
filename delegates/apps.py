from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegatesConfig(AppConfig):
    name = "delegates"
    verbose_name = _("Delegates")

    def ready(self):
        from . import checks, receivers, rules  # noqa: F401  (system checks, permissions)
        from .extensions import register_extensions
        from .segments import register_segments

        register_segments()
        register_extensions()
        receivers.connect()
        # What a delegate's parts of programme pages read: kept parts go stale on any change.
        from core import page_cache

        from .models import RSVP, Category, Registration, Star

        page_cache.watch_viewers(RSVP, Star, Registration, Category)
