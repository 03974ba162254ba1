"""What delegates offers on other apps' pages: session buttons, a navbar door, an admin panel."""

from django.contrib.auth.models import Permission
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.registries import (
    DashboardPanel,
    Door,
    Landing,
    SessionAction,
    SessionViewer,
    UserFlag,
    dashboard_panels,
    landings,
    navbar_doors,
    session_actions,
    session_viewers,
    user_flag,
    user_flags,
)


def _registered():
    from .models import Registration

    return Exists(Registration.objects.filter(user=OuterRef("pk")))


def _scans_badges():
    """Superusers, and users given "scan badges" directly or through a group."""
    scan = Permission.objects.filter(codename="scan_badges", content_type__app_label="delegates")
    granted = Exists(scan.filter(Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk"))))
    return ExpressionWrapper(Q(is_superuser=True) | Q(granted), output_field=BooleanField())


def is_registered(user) -> bool:
    return user_flag(user, "registered")


def is_door_staff(user) -> bool:
    return user_flag(user, "scans_badges")


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


def _render_viewer(request, codes, *, page=False) -> dict[str, str]:
    from .cards import render_viewer

    return render_viewer(request, codes, page=page)


def register_extensions() -> None:
    user_flags.register(UserFlag("registered", _registered))
    user_flags.register(UserFlag("scans_badges", _scans_badges))
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
            applies=lambda session: session.rsvp_required and not session.is_cancelled,
            note=_reservations_note,
        )
    )
    session_viewers.register(SessionViewer("delegates", _render_viewer))
    session_actions.register(
        SessionAction(
            "agenda", _("My agenda"), "delegates:agenda", order=30, post=False, with_code=False
        )
    )
    # The forum registration for whoever has none yet; a delegate's own pages once registered.
    navbar_doors.register(
        Door(
            "delegates",
            _("Register for the forum"),
            "delegates:register",
            order=40,
            visible=lambda user: not is_registered(user),
        )
    )
    navbar_doors.register(
        Door("registration", _("My registration"), "delegates:mine", 10, is_registered, True)
    )
    navbar_doors.register(
        Door("agenda", _("My agenda"), "delegates:agenda", 20, is_registered, True)
    )
    navbar_doors.register(
        Door("desk", _("Check-in desk"), "delegates:desk", 40, is_door_staff, True)
    )
    # After login: the desk for door staff (organizers land in the admin first), a delegate on
    # their registration (exhibitors land in the portal first).
    landings.register(Landing("desk", "delegates:desk", is_door_staff, order=15))
    landings.register(Landing("delegate", "delegates:mine", is_registered, order=30))
    dashboard_panels.register(
        DashboardPanel(
            "delegates-statistics",
            _("Attendance"),
            "admin/delegates/_statistics_panel.html",
            permission="delegates.view_statistics",
        )
    )
