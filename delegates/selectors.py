"""Reads for delegates pages, exports and segments: render-ready rows."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import Event, Forum, Session

from .models import RSVP, AgendaFeed, Category, Delegation, DelegationMember, Registration, Star


def open_categories() -> QuerySet[Category]:
    return Category.objects.filter(access=Category.Access.OPEN)


def registration_of(user) -> Registration | None:
    """The person's registration with what their page shows, or None."""
    return (
        Registration.objects.select_related("category", "invitation")
        .filter(user_id=user.pk)
        .first()
    )


def membership_of(user) -> DelegationMember | None:
    return (
        DelegationMember.objects.select_related("delegation__coordinator")
        .filter(user_id=user.pk)
        .first()
    )


def open_places_for(user) -> list[DelegationMember]:
    """Delegation places offered to the person's address and not yet taken."""
    return list(
        DelegationMember.objects.select_related("delegation__coordinator").filter(
            email__iexact=user.email, user__isnull=True
        )
    )


def delegation_members(delegation: Delegation) -> list[DelegationMember]:
    """Members with their registration (or None) under ``member.registration_row``."""
    members = list(delegation.members.select_related("user").order_by("pk"))
    registrations = {
        r.user_id: r
        for r in Registration.objects.select_related("category").filter(
            user_id__in=[m.user_id for m in members if m.user_id]
        )
    }
    for member in members:
        member.registration_row = registrations.get(member.user_id)
    return members


def personal_data(user) -> dict:
    """Everything held about one person, as JSON-ready data (PIPL art. 45)."""
    registration = registration_of(user)
    membership = membership_of(user)
    coordinated = Delegation.objects.filter(coordinator_id=user.pk).first()
    data = {
        "account": {
            "email": user.email,
            "name": user.name,
            "name_zh": user.name_zh,
            "language": user.language,
            "receives_announcements": user.receives_announcements,
            "date_joined": user.date_joined.isoformat(),
            "email_verified_at": user.email_verified_at.isoformat()
            if user.email_verified_at
            else None,
        },
        "registration": None,
        "delegation_membership": None,
        "coordinated_delegation": None,
    }
    if registration is not None:
        r = registration
        data["registration"] = {
            "category": r.category.name,
            "status": r.status,
            "name": r.name,
            "name_zh": r.name_zh,
            "organization": r.organization,
            "title": r.title,
            "country": r.country.code,
            "photo": r.photo.name or None,
            "dietary_needs": r.dietary_needs,
            "accessibility_needs": r.accessibility_needs,
            "invitation_code": r.invitation.code if r.invitation else None,
            "terms_accepted_at": r.terms_accepted_at.isoformat(),
            "sensitive_consent_at": _iso(r.sensitive_consent_at),
            "rejection_reason": r.rejection_reason,
            "reviewed_at": _iso(r.reviewed_at),
            "deletion_requested_at": _iso(r.deletion_requested_at),
            "registered_at": r.created_at.isoformat(),
        }
    if membership is not None:
        data["delegation_membership"] = {
            "delegation": membership.delegation.name,
            "coordinator": membership.delegation.coordinator.name,
            "invited_as": membership.email,
            "accepted_at": _iso(membership.accepted_at),
        }
    data["agenda"] = {
        "starred_sessions": list(
            Star.objects.filter(user_id=user.pk)
            .order_by("created_at", "pk")
            .values_list("session__code", flat=True)
        ),
        "rsvps": [
            {"session": code, "status": status, "reserved_at": at.isoformat()}
            for code, status, at in RSVP.objects.filter(user_id=user.pk)
            .order_by("created_at", "pk")
            .values_list("session__code", "status", "created_at")
        ],
        "calendar_feed": AgendaFeed.objects.filter(user_id=user.pk).exists(),
    }
    if coordinated is not None:
        data["coordinated_delegation"] = {
            "name": coordinated.name,
            "kind": coordinated.kind,
            "country": coordinated.country.code or None,
        }
    return data


def _iso(value):
    return value.isoformat() if value else None


# --- Announcement segments ------------------------------------------------------------------


def _users_with(**filters):
    from accounts.models import User

    return User.objects.filter(
        is_active=True,
        registration__anonymised_at__isnull=True,
        **{f"registration__{k}": v for k, v in filters.items()},
    )


def users_by_category(category: str):
    return _users_with(category__slug=category)


def users_by_country(country: str):
    return _users_with(country=country)


def users_by_status(status: str):
    return _users_with(status=status)


def users_by_delegation(delegation):
    from accounts.models import User

    return User.objects.filter(is_active=True, delegation_membership__delegation_id=delegation)


def category_choices() -> list[tuple[str, str]]:
    return [(c.slug, c.name) for c in Category.objects.all()]


def country_choices() -> list[tuple[str, str]]:
    """The countries and territories delegates come from, by name."""
    from .countries import forum_countries

    codes = Registration.objects.order_by().values_list("country", flat=True).distinct()
    return sorted(((code, forum_countries.name(code)) for code in codes), key=lambda c: str(c[1]))


def delegation_choices() -> list[tuple[str, str]]:
    return [(str(d.pk), d.name) for d in Delegation.objects.all()]


REGISTRANT_STATUSES = [
    ("confirmed", _("confirmed seat")),
    ("waitlisted", _("on the waitlist")),
    ("starred", _("on their agenda")),
]


def _registrants(status: str, **session_filter):
    from accounts.models import User

    if status == "starred":
        q = {f"stars__session__{k}": v for k, v in session_filter.items()}
    else:
        q = {f"rsvps__session__{k}": v for k, v in session_filter.items()}
        q["rsvps__status"] = status
    return User.objects.filter(is_active=True, **q)


def users_registered_for_event(event, status: str):
    return _registrants(status, event_id=event)


def users_registered_for_session(status: str, session: str = ""):
    return _registrants(status, code=session.strip())


def event_choices() -> list[tuple[str, str]]:
    return [
        (str(e.pk), e.title) for e in Event.objects.published().order_by("forum", "position", "pk")
    ]


# --- My agenda ------------------------------------------------------------------------------


def is_approved_delegate(user) -> bool:
    return Registration.objects.filter(
        user_id=user.pk, status=Registration.Status.APPROVED, anonymised_at__isnull=True
    ).exists()


@dataclass
class AgendaRow:
    session: Session
    starred: bool
    rsvp_status: str | None
    position: int | None
    overlaps: bool = False

    @property
    def confirmed(self) -> bool:
        return self.rsvp_status == RSVP.Status.CONFIRMED

    @property
    def waitlisted(self) -> bool:
        return self.rsvp_status == RSVP.Status.WAITLISTED


@dataclass
class AgendaDay:
    day: date
    rows: list[AgendaRow] = field(default_factory=list)


def _agenda_sessions(user_id: int) -> QuerySet[Session]:
    mine = Q(pk__in=Star.objects.filter(user_id=user_id).values("session_id")) | Q(
        pk__in=RSVP.objects.filter(user_id=user_id).values("session_id")
    )
    return (
        Session.objects.published()
        .filter(mine)
        .select_related("event__forum", "event__section", "room__venue")
        .order_by("starts_at", "ends_at", "pk")
    )


def agenda(user) -> list[AgendaDay]:
    """The delegate's starred and reserved sessions by day; rows overlapping another marked."""
    sessions = list(_agenda_sessions(user.pk))
    ids = [s.pk for s in sessions]
    starred = set(
        Star.objects.filter(user_id=user.pk, session_id__in=ids).values_list(
            "session_id", flat=True
        )
    )
    ranked = (
        RSVP.objects.filter(session_id__in=ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("session_id"), F("status")],
                order_by=[F("created_at").asc(), F("pk").asc()],
            )
        )
        .filter(user_id=user.pk)
        .values_list("session_id", "status", "rank")
    )
    rsvps = {sid: (status, rank) for sid, status, rank in ranked}
    rows = []
    for s in sessions:
        status, rank = rsvps.get(s.pk, (None, None))
        rows.append(
            AgendaRow(
                session=s,
                starred=s.pk in starred,
                rsvp_status=status,
                position=rank if status == RSVP.Status.WAITLISTED else None,
            )
        )
    live = [r for r in rows if not r.session.is_cancelled]
    for i, a in enumerate(live):
        for b in live[i + 1 :]:
            if b.session.starts_at >= a.session.ends_at:
                break
            a.overlaps = b.overlaps = True
    days: dict[date, AgendaDay] = {}
    for row in rows:
        day = timezone.localtime(row.session.starts_at).date()
        days.setdefault(day, AgendaDay(day)).rows.append(row)
    return list(days.values())


def feed_of(user) -> AgendaFeed | None:
    return AgendaFeed.objects.filter(user_id=user.pk).first()


def feed_sessions(token: str) -> tuple[Forum, list[Session]] | None:
    """The forum and sessions of the agenda a feed token opens (cancelled ones included)."""
    feed = AgendaFeed.objects.filter(token=token).only("user_id").first()
    if feed is None:
        return None
    sessions = list(_agenda_sessions(feed.user_id).prefetch_related("speakers", "moderators"))
    forum = sessions[0].event.forum if sessions else Forum.objects.order_by("-edition").first()
    return (forum, sessions) if forum is not None else None


def session_rsvps(session: Session) -> list[RSVP]:
    """A session's RSVPs, confirmed then waitlisted, each waitlisted with ``position``."""
    rows = list(
        RSVP.objects.filter(session_id=session.pk)
        .select_related("user")
        .order_by("-status", "created_at", "pk")  # "waitlisted" sorts after "confirmed" reversed
    )
    rows.sort(key=lambda r: (r.status != RSVP.Status.CONFIRMED, r.created_at, r.pk))
    n = 0
    for r in rows:
        if r.status == RSVP.Status.WAITLISTED:
            n += 1
            r.position = n
        else:
            r.position = None
    return rows


def seat_counts() -> QuerySet:
    """Sessions with ``confirmed`` and ``waitlisted`` counts, for the admin list."""
    return Session.objects.annotate(
        confirmed=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.CONFIRMED)),
        waitlisted=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.WAITLISTED)),
    )
