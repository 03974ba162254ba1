from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegatesConfig(AppConfig):
    name = "delegates"
    verbose_name = _("Delegates")

    def ready(self):
        from django.contrib import admin

        from . import checks, receivers, rules  # noqa: F401  (system checks, permissions)
        from .segments import register_segments

        register_segments()
        receivers.connect()
        # The admin index links the statistics page (for those allowed to see it).
        admin.site.index_template = "admin/delegates/index.html"
