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
