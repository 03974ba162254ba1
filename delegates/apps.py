from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegatesConfig(AppConfig):
    name = "delegates"
    verbose_name = _("Delegates")

    def ready(self):
        from . import receivers, rules  # noqa: F401  (permissions)
        from .segments import register_segments

        register_segments()
        receivers.connect()
