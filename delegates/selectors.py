"""Reads for delegates pages, exports and segments: render-ready rows."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import prepared
from core.countries import country_name, forum_positions, in_forum_order
from events.exports import Mark
from events.models import Event, ExportFragment, Forum, Session, Speaker
from events.selectors import ICAL_FIELDS, export_column

from .models import (
    RSVP,
    AgendaFeed,
    Badge,
    Category,
    CheckIn,
    Delegation,
    DelegationMember,
    Registration,
    Scan,
    Star,
)


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
        "badges": [],
        "check_ins": [],
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
            "country_name": country_name(r.country.code),
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
        data["badges"] = [
            {"issued_at": _iso(b.issued_at), "revoked_at": _iso(b.revoked_at)}
            for b in r.badges.order_by("issued_at", "pk")
        ]
        data["check_ins"] = [
            {
                "at": c.created_at.isoformat(),
                "event": c.event.title if c.event else None,
                "session": c.session.title if c.session else None,
            }
            for c in r.check_ins.select_related("event", "session").order_by("created_at", "pk")
        ]
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
            "country_name": country_name(coordinated.country.code) or None,
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
    """The countries and territories delegates come from, in the forum list's order."""
    codes = Registration.objects.order_by().values_list("country", flat=True).distinct()
    return in_forum_order(codes)


def delegation_choices() -> list[tuple[str, str]]:
    return [(str(d.pk), d.name) for d in Delegation.objects.all()]


# --- Badges, desk and statistics --------------------------------------------------------------


def badge_registration(registration_id: int) -> Registration:
    return Registration.objects.select_related("category").get(pk=registration_id)


DESK_LOOKUP_LIMIT = 10


def desk_lookup(query: str) -> list[Registration]:
    """Approved people whose name or e-mail holds ``query`` (at most ``DESK_LOOKUP_LIMIT``), with
    their valid badge (``valid_badges``), for the desk when a badge is missing or unreadable."""
    query = query.strip()
    if len(query) < 2:
        return []
    return list(
        Registration.objects.approved()
        .filter(anonymised_at__isnull=True)
        .filter(
            Q(name__icontains=query) | Q(name_zh__icontains=query) | Q(user__email__icontains=query)
        )
        .select_related("category", "user")
        .prefetch_related(
            Prefetch(
                "badges",
                queryset=Badge.objects.filter(revoked_at__isnull=True),
                to_attr="valid_badges",
            )
        )
        .order_by("name", "pk")[:DESK_LOOKUP_LIMIT]
    )


def desk_scopes():
    """The latest forum's events with their sessions (by start), for the desk's scope picker: one
    group per event, each session named with its day and time."""
    from events.models import Event, Forum, Session

    forum = Forum.objects.order_by("-edition").first()
    if forum is None:
        return []
    events = list(
        Event.objects.filter(forum=forum)
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=Session.objects.filter(is_cancelled=False)
                .only("pk", "code", "title", "starts_at", "event_id")
                .order_by("starts_at", "pk"),
            )
        )
        .only("pk", "title")
        .order_by("position", "pk")
    )
    return events


def photos_scanned_by(user, *, within=timedelta(hours=1)) -> QuerySet[Registration]:
    """Registrations whose badge ``user`` scanned lately: the only photos a desk may open."""
    since = timezone.now() - within
    return Registration.objects.filter(
        badges__scans__scanned_by=user, badges__scans__scanned_at__gte=since
    ).distinct()


def recent_scans(*, by, limit: int = 5) -> list[Scan]:
    """The desk person's last scans, newest first, with the person scanned."""
    return list(
        Scan.objects.filter(scanned_by=by)
        .select_related("badge__registration")
        .order_by("-scanned_at", "-pk")[:limit]
    )


def _admin(name: str, **params) -> str:
    from django.urls import reverse
    from django.utils.http import urlencode

    url = reverse(f"admin:delegates_{name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _bars(rows: list[dict], key: str = "n") -> list[dict]:
    """Adds ``pct`` (0–100 of the largest value) for the SVG bar charts."""
    top = max((r[key] or 0 for r in rows), default=0)
    for r in rows:
        r["pct"] = round(100 * (r[key] or 0) / top, 1) if top else 0
    return rows


@dataclass
class Table:
    """One statistics table: its columns, its rows, and a bar chart of one column."""

    slug: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[dict] = field(default_factory=list)
    chart: str = ""  # the key charted, or ""

    @property
    def has_data(self) -> bool:
        """Something to chart: at least one non-zero value."""
        return any(row.get(self.chart) for row in self.rows)

    @property
    def chart_rows(self) -> list[dict]:
        """The rows the bar chart shows: the largest 20 values."""
        return sorted(self.rows, key=lambda r: -(r.get(self.chart) or 0))[:20]

    def csv_rows(self):
        yield [label for _key, label in self.columns]
        for row in self.rows:
            yield ["" if row.get(key) is None else row[key] for key, _label in self.columns]


def attendance_sessions() -> Table:
    from django.urls import reverse

    from events.models import Session

    # Two counts over two joins: distinct, or each multiplies the other.
    sessions = (
        Session.objects.select_related("event", "room")
        .annotate(
            checked_in=Count("check_ins", distinct=True),
            confirmed=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.CONFIRMED), distinct=True),
        )
        .order_by("starts_at", "pk")
    )
    rows = [
        {
            "label": f"{s.event.title} · {s.title}",
            "starts_at": timezone.localtime(s.starts_at).strftime("%Y-%m-%d %H:%M"),
            "checked_in": s.checked_in,
            "confirmed": s.confirmed if s.rsvp_required else None,
            "capacity": s.capacity if s.capacity is not None else s.room.capacity,
            "checked_in_url": _admin("checkin", session__exact=s.pk),
            "confirmed_url": (
                reverse("admin:delegates_sessionseats_change", args=[s.pk])
                if s.rsvp_required
                else ""
            ),
        }
        for s in sessions
    ]
    return Table(
        "sessions",
        _("Attendance per session"),
        [
            ("label", _("Session")),
            ("starts_at", _("Starts at")),
            ("checked_in", _("Checked in")),
            ("confirmed", _("Seats reserved")),
            ("capacity", _("Capacity")),
        ],
        rows,
    )


def attendance_events() -> Table:
    from events.models import Event

    events = Event.objects.select_related("forum").annotate(
        checked_in=Count("check_ins", filter=Q(check_ins__session__isnull=True)),
        in_sessions=Count(
            "check_ins__registration", filter=Q(check_ins__session__isnull=False), distinct=True
        ),
    )
    rows = [
        {
            "label": e.title,
            "forum": e.forum.edition,
            "checked_in": e.checked_in,
            "in_sessions": e.in_sessions,
            "checked_in_url": _admin("checkin", event__exact=e.pk, session__isnull="True"),
            "in_sessions_url": _admin("checkin", event__exact=e.pk, session__isnull="False"),
        }
        for e in events.order_by("forum", "position", "pk")
    ]
    return Table(
        "events",
        _("Attendance per event"),
        [
            ("label", _("Event")),
            ("forum", _("Forum")),
            ("checked_in", _("Checked in at the door")),
            ("in_sessions", _("People checked in to its sessions")),
        ],
        _bars(rows, "checked_in"),
        chart="checked_in",
    )


def delegates_by_country() -> Table:
    """Most registrations first; equal counts in the forum list's order (China first)."""
    counts = (
        Registration.objects.order_by()
        .values("country")
        .annotate(
            n=Count("pk", distinct=True),
            approved=Count("pk", filter=Q(status=Registration.Status.APPROVED), distinct=True),
            checked_in=Count(
                "check_ins",
                filter=Q(check_ins__event__isnull=True, check_ins__session__isnull=True),
            ),
        )
    )
    rows = [
        {
            "label": country_name(c["country"]),
            "code": c["country"],
            "n": c["n"],
            "approved": c["approved"],
            "checked_in": c["checked_in"],
            "n_url": _admin("registration", country__exact=c["country"]),
            "approved_url": _admin(
                "registration", country__exact=c["country"], status__exact="approved"
            ),
        }
        for c in counts
    ]
    position = forum_positions()
    rows.sort(key=lambda r: (-r["n"], position.get(r["code"], len(position))))
    return Table(
        "countries",
        _("Delegates by country or territory"),
        [
            ("label", _("Country or territory")),
            ("code", _("Code")),
            ("n", _("Registrations")),
            ("approved", _("Approved")),
            ("checked_in", _("Checked in at the forum")),
        ],
        _bars(rows),
        chart="n",
    )


def delegates_by_category() -> Table:
    categories = Category.objects.annotate(
        n=Count("registrations", distinct=True),
        approved=Count(
            "registrations",
            filter=Q(registrations__status=Registration.Status.APPROVED),
            distinct=True,
        ),
    ).order_by("position", "pk")
    rows = [
        {
            "label": c.name,
            "n": c.n,
            "approved": c.approved,
            "n_url": _admin("registration", category__exact=c.pk),
            "approved_url": _admin("registration", category__exact=c.pk, status__exact="approved"),
        }
        for c in categories
    ]
    return Table(
        "categories",
        _("Delegates by category"),
        [("label", _("Category")), ("n", _("Registrations")), ("approved", _("Approved"))],
        _bars(rows),
        chart="n",
    )


def delegates_by_status() -> Table:
    counts = dict(
        Registration.objects.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    rows = [
        {
            "label": str(label),
            "n": counts.get(value, 0),
            "n_url": _admin("registration", status__exact=value),
        }
        for value, label in Registration.Status.choices
    ]
    return Table(
        "status",
        _("Delegates by approval state"),
        [("label", _("Status")), ("n", _("Registrations"))],
        _bars(rows),
        chart="n",
    )


def check_ins_per_day() -> Table:
    days = (
        CheckIn.objects.order_by()
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            n=Count("pk"),
            forum=Count("pk", filter=Q(event__isnull=True, session__isnull=True)),
        )
        .order_by("day")
    )
    rows = [
        {
            "label": d["day"].isoformat(),
            "n": d["n"],
            "forum": d["forum"],
            "n_url": _admin("checkin", created_at__date=d["day"].isoformat()),
        }
        for d in days
    ]
    return Table(
        "days",
        _("Check-ins per day"),
        [("label", _("Day")), ("n", _("Check-ins")), ("forum", _("At the forum entrance"))],
        _bars(rows),
        chart="n",
    )


@dataclass
class Figure:
    """One headline figure: a label, its value and, when one matches it exactly, its admin list."""

    slug: str
    label: str
    value: int
    url: str = ""


def headline_figures() -> list[Figure]:
    """The forum's headline figures, the statistics page's opening: four queries at any size."""
    from events.models import Session
    from exhibitors.models import Application

    today = timezone.localdate()
    people = Registration.objects.order_by().aggregate(
        registered=Count("pk"),
        approved=Count("pk", filter=Q(status=Registration.Status.APPROVED)),
        countries=Count("country", distinct=True),
    )
    check_ins = CheckIn.objects.order_by().aggregate(
        people=Count(
            "registration",
            filter=Q(event__isnull=True, session__isnull=True),
            distinct=True,
        ),
        today=Count("pk", filter=Q(created_at__date=today)),
    )
    # The current forum's programme as the public sees it (the newest published edition).
    current = Forum.objects.filter(is_published=True).order_by("-edition").values("pk")[:1]
    sessions = Session.objects.published().active().filter(event__forum=Subquery(current)).count()
    exhibitors = (
        Application.objects.approved().order_by().aggregate(n=Count("organization", distinct=True))
    )["n"]
    return [
        Figure(
            "registered", _("Delegates registered"), people["registered"], _admin("registration")
        ),
        Figure(
            "approved",
            _("Delegates approved"),
            people["approved"],
            _admin("registration", status__exact=Registration.Status.APPROVED),
        ),
        Figure("checked-in", _("Delegates checked in at the forum"), check_ins["people"]),
        Figure("countries", _("Countries and territories"), people["countries"], "#countries"),
        Figure("sessions", _("Sessions in the programme"), sessions),
        Figure("exhibitors", _("Exhibitors approved"), exhibitors),
        Figure(
            "today",
            _("Check-ins today"),
            check_ins["today"],
            _admin("checkin", created_at__date=today.isoformat()),
        ),
    ]


TABLES = {
    "events": attendance_events,
    "sessions": attendance_sessions,
    "countries": delegates_by_country,
    "categories": delegates_by_category,
    "status": delegates_by_status,
    "days": check_ins_per_day,
}


def statistics() -> list[Table]:
    """Every statistics table, in page order."""
    return [build() for build in TABLES.values()]


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


def _when(moment) -> str:
    """A session's start as the desk and the pickers show it: "09-25 14:30", forum time."""
    return timezone.localtime(moment).strftime("%m-%d %H:%M") if moment else ""


def event_labels() -> dict[int, str]:
    """Published events (in programme order) named so that no two read alike.

    The title; where titles repeat, the first session's day and time, then the venue, then the
    first session's room, and the slug only if all of these are still equal. One query.
    """
    first = Session.objects.filter(event=OuterRef("pk")).order_by("starts_at", "pk")
    events = list(
        Event.objects.published()
        .annotate(
            first_start=Subquery(first.values("starts_at")[:1]),
            first_room=Subquery(first.values("room__name")[:1]),
        )
        .select_related("venue")
        .only("pk", "title", "slug", "venue__name")
        .order_by("forum", "position", "pk")
    )
    labels = {e.pk: e.title for e in events}
    tiebreaks = (
        lambda e: _when(e.first_start),
        lambda e: e.venue.name if e.venue else "",
        lambda e: e.first_room or "",
        lambda e: e.slug,
    )
    for tiebreak in tiebreaks:
        seen: dict[str, int] = {}
        for label in labels.values():
            seen[label] = seen.get(label, 0) + 1
        for e in events:
            extra = tiebreak(e)
            if seen[labels[e.pk]] > 1 and extra:
                labels[e.pk] = f"{labels[e.pk]} · {extra}"
    return labels


def event_choices() -> list[tuple[str, str]]:
    return [(str(pk), label) for pk, label in event_labels().items()]


def session_choices() -> list[tuple[str, str, str]]:
    """Sessions of published events as (code, label, event label): grouped by event in the
    recipient picker, each named with its day and time (and its event, so a search finds it)."""
    events = event_labels()
    sessions = (
        Session.objects.published()
        .only("code", "title", "starts_at", "is_cancelled", "event_id")
        .order_by("starts_at", "pk")
    )
    by_event: dict[int, list] = {pk: [] for pk in events}
    for s in sessions:
        by_event[s.event_id].append(s)
    choices = []
    for pk, event in events.items():
        for s in by_event[pk]:
            title = f"{s.title} ({_('cancelled')})" if s.is_cancelled else s.title
            choices.append((s.code, f"{event} — {_when(s.starts_at)} · {title}", event))
    return choices


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
    state: "ViewerState | None" = None

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


def with_waitlist_positions(rsvps: QuerySet[RSVP]) -> QuerySet[RSVP]:
    """``rsvps`` with ``waitlist_position``: 1 for the first waitlisted of its session, None for a seat.

    The waitlist's order, the one promotion follows too: reserved at, then id. Counted in one correlated subquery, not a window over the rows given, so the
    positions stay right whatever ``rsvps`` is filtered on (one person's, one session's).
    """
    in_line_up_to = (
        RSVP.objects.waitlisted()
        .filter(session_id=OuterRef("session_id"))
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lte=OuterRef("pk"))
        )
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return rsvps.annotate(
        waitlist_position=Case(
            When(status=RSVP.Status.WAITLISTED, then=Subquery(in_line_up_to)), default=None
        )
    )


def agenda(user) -> list[AgendaDay]:
    """The delegate's starred and reserved sessions by day; rows overlapping another marked."""
    sessions = list(_agenda_sessions(user.pk))
    # The state every card of a session shows (stars, seat, waitlist place, seats left).
    states = viewer_states(user, [s.code for s in sessions]) or {}
    rows = []
    for s in sessions:
        state = states.get(s.code)
        rows.append(
            AgendaRow(
                session=s,
                starred=bool(state and state.starred),
                rsvp_status=state.rsvp_status if state else None,
                position=state.position if state else None,
                state=state,
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


@cache
def _feed_sql() -> str:
    """The published sessions a feed token's delegate starred or reserved, in the agenda's
    order: each session's VEVENT as the release prepared it (``ExportFragment.vevent`` of its
    forum's current version, in the feed's language, for this site), else the columns the
    calendar builds it from (``ICAL_FIELDS``; their texts are NULL beside a prepared VEVENT, so
    a prepared feed reads no text twice); then the RSVP's status and promotion and the forum's
    zone and last change. Parameters: the token twice, the site, the language. The agenda's
    session ids come first (a UNION of the person's stars and RSVPs, over their ``(user,
    session)`` indexes), so the statement reads only those sessions whatever the size of the
    forum."""
    session, event, forum = Session._meta.db_table, Event._meta.db_table, Forum._meta.db_table
    section = Event._meta.get_field("section").related_model
    room = Session._meta.get_field("room").related_model
    venue = room._meta.get_field("venue").related_model
    rsvp, star, feed = RSVP._meta.db_table, Star._meta.db_table, AgendaFeed._meta.db_table
    fragment = ExportFragment._meta
    columns = [
        f"CASE WHEN fr.vevent IS NULL THEN {export_column(path)} END"
        if path in _FEED_TEXTS
        else export_column(path)
        for path in ICAL_FIELDS
    ]
    version = Forum._meta.get_field("cache_version").column
    me = f"(SELECT user_id FROM {feed} WHERE token = %s)"
    return f"""
        SELECT fr.vevent, {", ".join(columns)}, mine.status, mine.promoted_at,
            f.timezone, f.schedule_changed_at, f.id
        FROM (
            SELECT user_id, session_id FROM {star} WHERE user_id = {me}
            UNION
            SELECT user_id, session_id FROM {rsvp} WHERE user_id = {me}
        ) m
        JOIN {session} s ON s.id = m.session_id
        JOIN {event} e ON e.id = s.event_id
        JOIN {forum} f ON f.id = e.forum_id
        JOIN {section._meta.db_table} c ON c.id = e.section_id
        JOIN {room._meta.db_table} r ON r.id = s.room_id
        JOIN {venue._meta.db_table} v ON v.id = r.venue_id
        LEFT JOIN {rsvp} mine ON mine.session_id = s.id AND mine.user_id = m.user_id
        LEFT JOIN {fragment.db_table} fr ON fr.{fragment.get_field("forum").column} = f.id
            AND fr.version = f.{version} AND fr.site = %s AND fr.language = %s
            AND fr.kind = '{ExportFragment.Kind.SESSION.value}' AND fr.object_id = s.id
        WHERE e.is_published AND f.is_published
        ORDER BY s.starts_at, s.ends_at, s.id
    """  # noqa: S608 (table and column names from the models; the token is a parameter)


# The texts a prepared VEVENT already holds (both languages of each): what the feed's statement
# reads only for a session whose VEVENT is not prepared.
_FEED_TEXTS = frozenset(
    path for path in ICAL_FIELDS if path.endswith(("_en", "_zh_hans")) or path == "code"
)


def _feed_people_sql(vendor: str, count: int) -> str:
    """The sessions' speakers and moderators as ``schedule_export`` gives them:
    ``EXPORT_PEOPLE_FIELDS`` then moderates, ordered by name then id (``Speaker``'s order)."""
    speaker = Speaker._meta.db_table

    def source(through) -> str:
        # On PostgreSQL the ids are one array joined as a table, each looked up in the
        # relation's index: with "session_id = ANY(…)" the generic plan read the whole
        # relation, comparing each row with every id (events.selectors._people_sql).
        if vendor == "postgresql":
            return f"unnest(%s::bigint[]) i(id) JOIN {through} t ON t.session_id = i.id"
        return f"{through} t"

    ids = "" if vendor == "postgresql" else f" WHERE t.session_id IN ({', '.join(['%s'] * count)})"
    return (
        " UNION ALL ".join(
            f"SELECT t.session_id, p.id, p.slug, p.name, p.name_zh, p.affiliation_en,"
            f" p.affiliation_zh_hans, p.country, {moderates} AS moderates"
            f" FROM {source(through._meta.db_table)} JOIN {speaker} p ON p.id = t.speaker_id"
            f"{ids}"
            for through, moderates in (
                (Session.speakers.through, 0),
                (Session.moderators.through, 1),
            )
        )
        + " ORDER BY 4, 2"
    )  # noqa: S608 (table names from the models; ids are parameters)


def feed_export(token: str, language: str) -> tuple[Forum, list[dict], list[tuple]] | None:
    """What the agenda feed of ``token`` holds in ``language``, as
    ``events.selectors.schedule_export`` gives a programme's (plain rows for
    ``events.exports.schedule_ical``): its forum (the first session's; the latest edition for
    an empty agenda), the published sessions the delegate starred or reserved (cancelled ones
    included), each with its ``mark``, and their people. None for an unknown token.

    A session whose VEVENT its release prepared comes as that (``vevent``, with its
    ``sequence`` and ``is_cancelled``: the calendar puts the mark in); the others come as the
    columns to build it from, with their people. One statement when every VEVENT is prepared,
    two otherwise, whatever the number of sessions.

    The mark: a confirmed seat CONFIRMED, a waitlist place TENTATIVE, a star alone
    TRANSPARENT. SEQUENCE adds to the session's own 1 for a reservation and 1 more for a
    promotion, so a calendar takes the new STATUS when a seat is reserved or a waitlist place
    becomes one.
    """
    with connection.cursor() as cursor:
        # Prepared: planning these eight tables took ~1.9 ms, three times running them.
        prepared.execute(cursor, _feed_sql(), [token, token, settings.SITE_URL, language])
        found = cursor.fetchall()
    if not found:
        if not AgendaFeed.objects.filter(token=token).exists():
            return None
        forum = Forum.objects.order_by("-edition").first()
        return (forum, [], []) if forum is not None else None
    # SQLite's driver reads datetimes back naive (booleans it converts by their declared type).
    moments = ("starts_at", "ends_at")
    count = len(ICAL_FIELDS) + 1
    rows = []
    for values in found:
        vevent = values[0]
        mark = _feed_mark(values[count], values[count + 1])
        if vevent is not None:
            rows.append(
                {
                    "vevent": vevent,
                    "sequence": values[_SEQUENCE],
                    "is_cancelled": values[_CANCELLED],
                    "mark": mark,
                }
            )
            continue
        row = dict(zip(ICAL_FIELDS, values[1:count], strict=True))
        for name in moments:
            row[name] = _aware(row[name])
        row["mark"] = mark
        rows.append(row)
    zone, changed_at, forum_id = found[0][-3:]
    # Only what the calendar reads, as a row of the database (``from_db``): keyword arguments
    # made modeltranslation fill each translated field's default (~0.3 ms).
    forum = Forum.from_db(
        connection.alias,
        ["id", "timezone", "schedule_changed_at"],
        [forum_id, zone, _aware(changed_at)],
    )
    ids = list(dict.fromkeys(row["pk"] for row in rows if "vevent" not in row))
    if not ids:
        return forum, rows, []
    vendor = connection.vendor
    with connection.cursor() as cursor:
        prepared.execute(
            cursor,
            _feed_people_sql(vendor, len(ids)),
            [ids, ids] if vendor == "postgresql" else [*ids, *ids],
        )
        people = [(*person[:-1], bool(person[-1])) for person in cursor.fetchall()]
    return forum, rows, people


# Where a row of ``_feed_sql`` holds the session's sequence and cancellation (after its VEVENT).
_SEQUENCE, _CANCELLED = (1 + ICAL_FIELDS.index(name) for name in ("sequence", "is_cancelled"))


def _feed_mark(status: str | None, promoted_at) -> Mark:
    if status is None:  # starred only: on the calendar, but not time the delegate holds
        return Mark(status="CONFIRMED", sequence=0, busy=False)
    if status == RSVP.Status.WAITLISTED:
        return Mark(status="TENTATIVE", sequence=1)
    return Mark(status="CONFIRMED", sequence=2 if promoted_at else 1)


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


@dataclass
class ViewerState:
    """One session as one logged-in delegate sees it on a card or its page."""

    code: str
    title_en: str
    title_zh_hans: str
    cancelled: bool
    rsvp_required: bool
    closed: bool  # reservations closed (the deadline passed)
    invited: bool  # the delegate's category may reserve (open events: everyone)
    seats_left: int  # 0 when full
    waiting: int  # length of the waitlist
    deadline: datetime | None = None  # reservations close then (RSVP sessions)
    starred: bool = False
    rsvp_status: str | None = None
    position: int | None = None

    @property
    def confirmed(self) -> bool:
        return self.rsvp_status == RSVP.Status.CONFIRMED

    @property
    def waitlisted(self) -> bool:
        return self.rsvp_status == RSVP.Status.WAITLISTED


def _viewer_states_sql(vendor: str, n_codes: int) -> str:
    """The one statement of ``viewer_states``: the registration's category, then each published
    session of the codes with its seats taken, waitlist, invitation, star and the user's RSVP
    with its waitlist place (counted in the waitlist's order: reserved at, then id).

    No row at all: the user has no approved registration. One row with no session: none of the
    codes is published. Parameters: the user id, then the codes (one array on PostgreSQL, one
    placeholder each elsewhere). The star and the RSVP are joined (each unique per user and
    session): an EXISTS over stars was planned as a scan of every star, and joining the
    session's tables instead of a derived table doubled PostgreSQL's planning time."""
    session, event, forum = Session._meta.db_table, Event._meta.db_table, Forum._meta.db_table
    room = Session._meta.get_field("room").related_model._meta.db_table
    rsvp, star = RSVP._meta.db_table, Star._meta.db_table
    registration = Registration._meta.db_table
    invitations = Category.events.through._meta.db_table
    codes = "= ANY(%s)" if vendor == "postgresql" else f"IN ({', '.join(['%s'] * n_codes)})"
    confirmed, waitlisted = RSVP.Status.CONFIRMED.value, RSVP.Status.WAITLISTED.value
    approved = Registration.Status.APPROVED.value
    return f"""
        SELECT s.code, s.title_en, s.title_zh_hans, s.is_cancelled, s.rsvp_required,
            CASE WHEN s.rsvp_required THEN COALESCE(s.rsvp_closes_at, s.starts_at) END,
            s.capacity, s.room_capacity,
            CASE WHEN s.rsvp_required THEN (SELECT COUNT(*) FROM {rsvp} t
              WHERE t.session_id = s.id AND t.status = '{confirmed}') END AS taken,
            CASE WHEN s.rsvp_required THEN (SELECT COUNT(*) FROM {rsvp} t
              WHERE t.session_id = s.id AND t.status = '{waitlisted}') END AS waiting,
            s.is_public OR EXISTS (SELECT 1 FROM {invitations} i
              WHERE i.category_id = reg.category_id AND i.event_id = s.event_id) AS invited,
            mine.status,
            CASE WHEN mine.status = '{waitlisted}' THEN (
              SELECT COUNT(*) FROM {rsvp} w
               WHERE w.session_id = s.id AND w.status = '{waitlisted}'
                 AND (w.created_at < mine.created_at
                      OR (w.created_at = mine.created_at AND w.id <= mine.id))
            ) END AS position,
            st.id IS NOT NULL AS starred
        FROM (
            SELECT r.category_id, r.user_id FROM {registration} r
             WHERE r.user_id = %s AND r.status = '{approved}' AND r.anonymised_at IS NULL
        ) reg
        LEFT JOIN (
            SELECT s.id, s.code, s.title_en, s.title_zh_hans, s.is_cancelled, s.rsvp_required,
                s.rsvp_closes_at, s.starts_at, s.capacity, s.event_id,
                rm.capacity AS room_capacity, e.is_public
              FROM {session} s
              JOIN {event} e ON e.id = s.event_id
              JOIN {forum} f ON f.id = e.forum_id
              JOIN {room} rm ON rm.id = s.room_id
             WHERE e.is_published AND f.is_published AND s.code {codes}
        ) s ON 1 = 1
        LEFT JOIN {rsvp} mine ON mine.session_id = s.id AND mine.user_id = reg.user_id
        LEFT JOIN {star} st ON st.session_id = s.id AND st.user_id = reg.user_id
    """  # noqa: S608 (table names and choices from the models; values are parameters)


def _aware(value):
    """A datetime read by a raw cursor (SQLite: naive UTC, perhaps a string) made aware."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


def viewer_states(user, codes, *, now=None) -> dict[str, ViewerState] | None:
    """The published sessions of ``codes`` as ``user`` sees them; None when the user is no
    approved delegate (no agenda, no seats). One SQL statement, whatever the number of
    sessions, stars and reservations (a day page holds a hundred cards)."""
    codes = list(codes)
    vendor = connection.vendor
    sql = _viewer_states_sql(vendor, len(codes))
    params = [user.pk, *([codes] if vendor == "postgresql" else codes)]
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql, params)  # planning it cost more than running it
        rows = cursor.fetchall()
    if not rows:
        return None
    now = now or timezone.now()
    states = {}
    for (
        code, title_en, title_zh_hans, cancelled, rsvp_required, deadline, capacity, room_seats,
        taken, waiting, invited, status, position, starred,
    ) in rows:  # fmt: skip
        if code is None:  # the registration's row, no session published
            continue
        if rsvp_required:  # seats, waitlist and deadline matter only where seats are reserved
            deadline = _aware(deadline)
            limit = min(capacity, room_seats) if capacity is not None else room_seats
            closed, seats_left = now >= deadline, max((limit or 0) - taken, 0)
        else:
            closed, seats_left, waiting = False, 0, 0
        states[code] = ViewerState(
            code=code,
            title_en=title_en or "",
            title_zh_hans=title_zh_hans or "",
            cancelled=bool(cancelled),
            rsvp_required=bool(rsvp_required),
            closed=closed,
            invited=bool(invited),
            seats_left=seats_left,
            waiting=waiting,
            deadline=deadline,
            starred=bool(starred),
            rsvp_status=status,
            position=position,
        )
    return states
