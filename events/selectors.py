"""Reads of the programme, returning rows ready for templates and exports."""

from collections import OrderedDict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Event, Forum, Release, Room, Section, Session, Speaker, Theme


def current_forum() -> Forum | None:
    """The newest published forum edition, or None before any is published."""
    return Forum.objects.filter(is_published=True).order_by("-edition").first()


def forum_sections(forum: Forum) -> list[Section]:
    return list(forum.sections.order_by("position", "pk"))


def venue_figures() -> dict:
    return Room.objects.aggregate(rooms=Count("pk"), venues=Count("venue", distinct=True))


def programme_figures(forum: Forum) -> dict:
    """Published events, sessions (not cancelled) and their speakers, in three counts."""
    sessions = Session.objects.published().active().filter(event__forum=forum)
    return {
        "events": Event.objects.published().filter(forum=forum).count(),
        "sessions": sessions.count(),
        "speakers": Speaker.objects.filter(
            Exists(sessions.filter(speakers=OuterRef("pk")))
            | Exists(sessions.filter(moderators=OuterRef("pk")))
        ).count(),
    }


def public_sessions(forum: Forum) -> QuerySet[Session]:
    """Published sessions of the forum, cancelled ones included, with what pages show."""
    return (
        Session.objects.published()
        .filter(event__forum=forum)
        .select_related("event__section", "room__venue")
        .prefetch_related(
            Prefetch("speakers", queryset=Speaker.objects.order_by("name", "pk")),
            Prefetch("moderators", queryset=Speaker.objects.order_by("name", "pk")),
        )
        .order_by("starts_at", "room__venue__position", "room__position", "pk")
    )


def day_bounds(forum: Forum, day: date) -> tuple[datetime, datetime]:
    tz = ZoneInfo(forum.timezone)
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, start + timedelta(days=1)


def sessions_on(sessions: QuerySet[Session], forum: Forum, day: date) -> QuerySet[Session]:
    start, end = day_bounds(forum, day)
    return sessions.filter(starts_at__gte=start, starts_at__lt=end)


def default_day(forum: Forum, today: date | None = None) -> date:
    """Today while the forum runs, else its first day."""
    today = today or timezone.localdate(timezone=ZoneInfo(forum.timezone))
    return today if forum.starts_on <= today <= forum.ends_on else forum.starts_on


def time_slots(sessions) -> list[tuple[datetime, list]]:
    """Sessions (or their cards) grouped by their start time, in order."""
    slots: OrderedDict = OrderedDict()
    for session in sessions:
        start = session["starts_at"] if isinstance(session, dict) else session.starts_at
        slots.setdefault(start, []).append(session)
    return list(slots.items())


def session_cards(sessions) -> list[dict]:
    """What a session card shows, as plain values: templates then render without lookups.

    Labels are translated once per call rather than once per card (the day page shows hundreds).
    """
    types = {k: str(v) for k, v in Session.Type.choices}
    languages = {k: str(v) for k, v in Session.Language.choices}
    interpretation, rsvp = str(_("Interpretation")), str(_("RSVP required"))
    invitation = str(_("By invitation"))
    cards = []
    for s in sessions:
        start, end = timezone.localtime(s.starts_at), timezone.localtime(s.ends_at)
        event, room = s.event, s.room
        badges = [types[s.type], languages[s.language]]
        flags = []
        if s.interpretation:
            flags.append(("text-bg-info", interpretation))
        if s.rsvp_required:
            flags.append(("text-bg-warning", rsvp))
        if not event.is_public:
            flags.append(("text-bg-secondary", invitation))
        cards.append(
            {
                "code": s.code,
                "url": s.urls.public,
                "ical": s.urls.ical,
                "title": s.title,
                "cancelled": s.is_cancelled,
                "starts_at": s.starts_at,
                "start_iso": start.isoformat(),
                "end_iso": end.isoformat(),
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
                "place": f"{room.name}, {room.venue.name}",
                "event_url": event.urls.public,
                "event_title": event.title,
                "section": event.section.name,
                "section_slug": event.section.slug,
                "speakers": [(p.urls.public, p.local_name) for p in s.speakers.all()],
                "moderators": [(p.urls.public, p.local_name) for p in s.moderators.all()],
                "badges": badges,
                "flags": flags,
            }
        )
    return cards


def room_grid(sessions) -> dict:
    """A day as a table: rooms as columns, start times as rows."""
    sessions = list(sessions)
    rooms = sorted(
        {s.room_id: s.room for s in sessions}.values(),
        key=lambda r: (r.venue.position, r.position, r.pk),
    )
    index = {room.pk: i for i, room in enumerate(rooms)}
    rows = []
    for start, group in time_slots(sessions):
        cells = [[] for _room in rooms]
        for session in group:
            cells[index[session.room_id]].append(session)
        rows.append((start, cells))
    return {"rooms": rooms, "rows": rows}


def public_event(forum: Forum, slug: str) -> Event | None:
    return (
        Event.objects.published()
        .filter(forum=forum, slug=slug)
        .select_related("section", "venue")
        .prefetch_related("themes")
        .first()
    )


def public_session(forum: Forum, code: str) -> Session | None:
    return (
        public_sessions(forum).filter(code=code).prefetch_related("themes", "event__themes").first()
    )


def public_speakers(forum: Forum) -> QuerySet[Speaker]:
    """Speakers and moderators of the forum's published sessions."""
    sessions = Session.objects.published().filter(event__forum=forum)
    return Speaker.objects.filter(
        Exists(sessions.filter(speakers=OuterRef("pk")))
        | Exists(sessions.filter(moderators=OuterRef("pk")))
    ).order_by("name", "pk")


def speaker_sessions(forum: Forum, speaker: Speaker) -> list[Session]:
    return list(
        public_sessions(forum).filter(Q(speakers=speaker) | Q(moderators=speaker)).distinct()
    )


def section_events(forum: Forum, section: Section) -> QuerySet[Event]:
    return (
        Event.objects.published()
        .filter(forum=forum, section=section)
        .select_related("venue")
        .annotate(session_count=Count("sessions", filter=Q(sessions__is_cancelled=False)))
        .order_by("position", "pk")
    )


def filter_choices(forum: Forum) -> dict:
    """Choices of the schedule filters: three queries whatever the size of the programme."""
    return {
        "sections": list(forum.sections.order_by("position", "pk")),
        "themes": list(Theme.objects.order_by("position", "pk")),
        "rooms": list(
            Room.objects.filter(
                Exists(Session.objects.filter(room=OuterRef("pk"), event__forum=forum))
            )
            .select_related("venue")
            .order_by("venue__position", "position", "pk")
        ),
    }


def releases(forum: Forum) -> list[Release]:
    return list(forum.releases.order_by("-number"))


def release_snapshot(forum: Forum) -> dict:
    """{code: times, room and title} of every published session: what a release freezes."""
    rows = (
        Session.objects.published()
        .filter(event__forum=forum)
        .select_related("room__venue")
        .order_by("starts_at", "pk")
    )
    # Rooms by natural key, not primary key: a snapshot means the same on any database.
    return {
        s.code: {
            "title_en": s.title_en,
            "title_zh_hans": s.title_zh_hans,
            "starts_at": s.starts_at.isoformat(),
            "ends_at": s.ends_at.isoformat(),
            "room": f"{s.room.venue.slug}/{s.room.slug}",
            "room_en": s.room.name_en,
            "room_zh_hans": s.room.name_zh_hans,
            "cancelled": s.is_cancelled,
        }
        for s in rows
    }


def speakers_for_host(user) -> QuerySet[Speaker]:
    """Speakers an event host may edit: those of their events' sessions, and those they added."""
    managed = Session.objects.filter(event__managers=user)
    return Speaker.objects.filter(
        Q(added_by=user)
        | Exists(managed.filter(speakers=OuterRef("pk")))
        | Exists(managed.filter(moderators=OuterRef("pk")))
    )


def organizer_rows(forum: Forum):
    """Every session of the forum, published or not, for the organizers' CSV."""
    return (
        Session.objects.filter(event__forum=forum)
        .select_related("event__section", "room__venue")
        .prefetch_related("speakers", "moderators")
        .order_by("starts_at", "pk")
    )
