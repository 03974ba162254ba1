"""What visa offers on other apps' pages: a panel on My registration, one on the admin index."""

from django.utils.translation import gettext_lazy as _

from core.registries import (
    DashboardPanel,
    RegistrationPanel,
    dashboard_panels,
    registration_panels,
)


def _panel_context(request, registration):
    from . import selectors

    letter_request = selectors.request_of(registration)
    if letter_request is None and registration.status != registration.Status.APPROVED:
        return None
    return {"letter_request": letter_request, "registration": registration}


def register_extensions() -> None:
    registration_panels.register(
        RegistrationPanel("visa", "visa/_registration_panel.html", _panel_context, order=10)
    )
    dashboard_panels.register(
        DashboardPanel(
            "visa-statistics",
            _("Visa invitation letters"),
            "admin/visa/_statistics_panel.html",
            permission="visa.view_statistics",
        )
    )
