from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "leads"
    verbose_name = _("Lead capture")

    def ready(self):
        from django.urls import reverse

        from core.registries import (
            DashboardPanel,
            PortalTab,
            RegistrationPanel,
            dashboard_panels,
            portal_tabs,
            registration_panels,
        )

        from . import rules  # noqa: F401  (permissions)
        from .selectors import captured_panel

        portal_tabs.register(
            PortalTab(
                "leads",
                _("Leads"),
                lambda o: reverse("leads:scan", kwargs={"code": o.code}),
                45,
            )
        )
        registration_panels.register(
            RegistrationPanel("leads", "leads/includes/_captured_panel.html", captured_panel, 20)
        )
        dashboard_panels.register(
            DashboardPanel(
                "leads",
                _("Lead capture"),
                "admin/leads/_panel.html",
                permission="leads.view_lead_statistics",
                order=45,
            )
        )
