"""What delegates offers on other apps' pages: session buttons, a navbar door, an admin panel."""

from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.registries import (
    DashboardPanel,
    Door,
    SessionAction,
    dashboard_panels,
    navbar_doors,
    session_actions,
)


def _reservations_note(session) -> str:
    if not session.rsvp_required:
        return ""
    deadline = timezone.localtime(session.rsvp_deadline)
    return gettext(
        "Reservations close on %(date)s at %(time)s. When the session is full you join the "
        "waitlist."
    ) % {
        "date": formats.date_format(deadline, "DATE_FORMAT"),
        "time": formats.time_format(deadline, "H:i"),
    }


def register_extensions() -> None:
    session_actions.register(
        SessionAction(
            "star",
            _("Add to my agenda"),
            "delegates:star",
            order=10,
            on_card=True,
            icon="bi-star",
            login_label=_("Log in to add to your agenda"),
        )
    )
    session_actions.register(
        SessionAction(
            "rsvp",
            _("Reserve a seat"),
            "delegates:rsvp",
            order=20,
            primary=True,
            login_label=_("Log in to reserve a seat"),
            next_url_name="delegates:agenda",
            applies=lambda session: session.rsvp_required and not session.is_cancelled,
            note=_reservations_note,
        )
    )
    session_actions.register(
        SessionAction(
            "agenda", _("My agenda"), "delegates:agenda", order=30, post=False, with_code=False
        )
    )
    navbar_doors.register(Door("delegates", _("Delegates"), "delegates:register", order=40))
    dashboard_panels.register(
        DashboardPanel(
            "delegates-statistics",
            _("Attendance"),
            "admin/delegates/_statistics_panel.html",
            permission="delegates.view_statistics",
        )
    )
