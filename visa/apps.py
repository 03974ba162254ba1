from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisaConfig(AppConfig):
    name = "visa"
    verbose_name = _("Visa invitation letters")

    def ready(self):
        from . import checks, rules  # noqa: F401  (system checks, permissions)
        from .extensions import register_extensions

        register_extensions()
