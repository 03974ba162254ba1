"""Reads of the programme, returning rows ready for templates and exports."""

import hashlib
import json
from collections import OrderedDict, namedtuple
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core import prepared

from . import statements
from .models import (
    Event,
    ExportFragment,
    Forum,
    Release,
    Room,
    Section,
    Session,
    Speaker,
    Theme,
    Venue,
    WorkingChange,
    language_prefix,
)


def current_forum() -> Forum | None:
    """The newest published forum edition, or None before any is published.

    Every programme page asks first: a statement written from the table (the ORM's compilation
    of the same query cost ~0.5 ms CPU a request).
    """
    meta = Forum._meta
    published, edition = (meta.get_field(name).column for name in ("is_published", "edition"))
    found = statements.instances(
        Forum,
        f"SELECT {statements.columns(Forum)} FROM {meta.db_table} WHERE {published} = %s"
        f" ORDER BY {edition} DESC LIMIT 1",
        [True],
    )
    return found[0] if found else None


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


def day_counts(sessions: QuerySet[Session], forum: Forum) -> dict[date, int]:
    """How many of ``sessions`` start on each day of the forum (its time zone): one query."""
    from django.db.models.functions import TruncDate

    rows = (
        sessions.order_by()
        .annotate(day=TruncDate("starts_at", tzinfo=ZoneInfo(forum.timezone)))
        .values("day")
        .annotate(n=Count("pk", distinct=True))
    )
    return {row["day"]: row["n"] for row in rows}


def by_day(cards: list[dict]) -> list[tuple[date, list]]:
    """Cards (in time order) grouped by their day, each day's cards by start time."""
    days: OrderedDict = OrderedDict()
    for card in cards:
        days.setdefault(card["day"], []).append(card)
    return [(day, time_slots(day_cards)) for day, day_cards in days.items()]


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


def _translated(row: dict, field: str, languages: tuple[str, str]) -> str:
    """modeltranslation's fallback on a ``values()`` row: the active language, then the other."""
    return row[f"{field}_{languages[0]}"] or row[f"{field}_{languages[1]}"]


CARD_FIELDS = (
    "pk", "code", "title_en", "title_zh_hans", "type", "language", "starts_at", "ends_at",
    "interpretation", "rsvp_required", "is_cancelled", "event__slug", "event__title_en",
    "event__title_zh_hans", "event__is_public", "event__section__slug",
    "event__section__name_en", "event__section__name_zh_hans", "room__name_en",
    "room__name_zh_hans", "room__venue__name_en", "room__venue__name_zh_hans",
)  # fmt: skip


def _people_sql(count: int) -> str:
    """The cards' speakers and moderators: one row per (session, person), both relations as one
    UNION ALL ordered by name, written from the tables (its ORM compilation, a ``values_list``
    union, cost ~1.5 ms CPU a page, ten times the statement's own work here).

    On PostgreSQL the ids are one array parameter: one prepared statement whatever their
    number, which PostgreSQL keeps a generic plan of (with a list of ids it planned each run).
    The array is joined as a table (``unnest``), each id looked up in the relation's index: with
    ``session_id = ANY(…)`` the generic plan scanned the whole relation, comparing each row with
    every id (1.4 → 1.1 ms a day page of a ten-times forum, 0.7 → 0.6 ms at the demo's size).
    """
    speaker = Speaker._meta.db_table
    parts = []
    for through, moderates in ((Session.speakers.through, 0), (Session.moderators.through, 1)):
        if connection.vendor == "postgresql":
            source = (
                f"unnest(%s::bigint[]) i(id) JOIN {through._meta.db_table} t ON t.session_id = i.id"
            )
            match = ""
        else:
            source = f"{through._meta.db_table} t"
            match = f" WHERE t.session_id IN ({', '.join(['%s'] * count)})"
        parts.append(
            f"SELECT t.session_id, p.name, p.id, p.slug, p.name_zh, {moderates} AS moderates"
            f" FROM {source} JOIN {speaker} p ON p.id = t.speaker_id{match}"
        )
    return " UNION ALL ".join(parts) + " ORDER BY 2, 3"


def _people(session_ids, prefix: str, chinese: bool) -> tuple[dict, dict]:
    """Speakers and moderators of the sessions, ``{session id: [(url, name), …]}`` each, by name.

    One query (a UNION of both relations) whatever the number of sessions.
    """
    speakers: dict[int, list] = {}
    moderators: dict[int, list] = {}
    if not session_ids:
        return speakers, moderators
    ids = [list(session_ids)] if connection.vendor == "postgresql" else list(session_ids)
    rows, _columns = statements.fetch(_people_sql(len(session_ids)), [*ids, *ids])
    for session_id, name, _pk, slug, name_zh, moderates in rows:
        # The URL of Speaker.urls.public and the name of Speaker.local_name.
        person = (f"{prefix}/speakers/{slug}/", name_zh if chinese and name_zh else name)
        (moderators if moderates else speakers).setdefault(session_id, []).append(person)
    return speakers, moderators


# The relations CARD_FIELDS follow from a session, and the alias of each table in _card_sql.
_CARD_ALIASES = {"": "s", "event": "e", "event__section": "c", "room": "r", "room__venue": "v"}
_card_sql: dict[tuple, tuple] = {}  # per (database vendor, filter): (statement, converters)


def _build_card_sql(kind: str) -> tuple[str, list]:
    """``public_sessions(forum).values(*CARD_FIELDS)`` of a day (``kind`` "day") or of a
    speaker's sessions ("speaker"), written once from ``_meta``: the ORM's compilation of the
    five joined tables (and of a speaker's two ``EXISTS``) cost more CPU than PostgreSQL's
    work. Also returns each column's converters, the ORM's (SQLite returns text for datetimes)."""
    meta = {"": Session._meta}
    for path in _CARD_ALIASES:
        if path:
            *head, last = path.split("__")
            meta[path] = meta["__".join(head)].get_field(last).related_model._meta
    selected = []  # (alias, field) of each card column
    for name in CARD_FIELDS:
        *head, last = name.split("__")
        path = "__".join(head)
        field = meta[path].pk if last == "pk" else meta[path].get_field(last)
        selected.append((_CARD_ALIASES[path], field))
    columns = [f"{alias}.{field.column}" for alias, field in selected]
    converters = statements.converters(selected)
    joins = [f"{Session._meta.db_table} s"]
    for path, alias in list(_CARD_ALIASES.items())[1:]:
        *head, last = path.split("__")
        source = "__".join(head)
        fk = meta[source].get_field(last).column
        joins.append(
            f"JOIN {meta[path].db_table} {alias} ON {alias}.id = {_CARD_ALIASES[source]}.{fk}"
        )
    forum, event = Forum._meta, Event._meta
    e_forum, e_published = (event.get_field(f).column for f in ("forum", "is_published"))
    starts_at = Session._meta.get_field("starts_at").column
    position = Room._meta.get_field("position").column
    if kind == "day":
        where, limit = f"s.{starts_at} >= %s AND s.{starts_at} < %s", " LIMIT %s OFFSET %s"
    else:
        # The speaker's sessions read from the speaker's rows of both relations (by their
        # index): with "EXISTS … OR EXISTS …" PostgreSQL read every session of the forum and
        # probed both relations for each (0.4 ms at the demo's size, ten times that at scale 10).
        where, limit = (
            "s.id IN ("
            + " UNION ".join(
                f"SELECT session_id FROM {through._meta.db_table} WHERE speaker_id = %s"
                for through in (Session.speakers.through, Session.moderators.through)
            )
            + ")",
            "",
        )
    statement = (
        f"SELECT {', '.join(columns)} FROM {' '.join(joins)}"
        f" JOIN {forum.db_table} f ON f.id = e.{e_forum}"
        f" WHERE e.{e_forum} = %s AND e.{e_published} = %s"
        f" AND f.{forum.get_field('is_published').column} = %s AND ({where})"
        f" ORDER BY s.{starts_at}, v.{Venue._meta.get_field('position').column}, r.{position}, s.id"
        f"{limit}"
    )
    return statement, converters


def _card_rows(kind: str, params: list) -> list[dict]:
    """Rows as ``values(*CARD_FIELDS)`` gives them, from ``_build_card_sql(kind)``."""
    key = (connection.vendor, kind)
    found = _card_sql.get(key)
    if found is None:
        found = _card_sql[key] = _build_card_sql(kind)
    statement, converters = found
    rows, _columns = statements.fetch(statement, params)
    return [
        dict(zip(CARD_FIELDS, statements.convert(row, converters), strict=True)) for row in rows
    ]


def speaker_cards(forum: Forum, speaker: Speaker) -> list[dict]:
    """``session_cards(speaker_sessions(forum, speaker))``: two statements."""
    return session_cards(_card_rows("speaker", [forum.pk, True, True, speaker.pk, speaker.pk]))


def day_card_page(forum: Forum, day: date, number: int, per_page: int):
    """``card_page(sessions_on(public_sessions(forum), forum, day), …)`` for a day without
    filters, every page read by the statement written from the tables: ``per_page`` + 1 rows
    from the page's first, so that a day that fits on page 1 needs no ``COUNT(*)``; a longer
    day (a ten-times forum) counts its sessions for the paginator."""
    from django.core.paginator import Paginator

    start, end = (connection.ops.adapt_datetimefield_value(t) for t in day_bounds(forum, day))
    params = [forum.pk, True, True, start, end, per_page + 1, (number - 1) * per_page]
    rows = _card_rows("day", params)
    if number == 1 and len(rows) <= per_page:
        return Paginator(rows, per_page), session_cards(rows)
    ((count,),), _columns = statements.fetch(_day_count_sql(), [start, end, forum.pk, True, True])
    # What the page shows of its paginator is the count and the pages: a range of that length.
    paginator = Paginator(range(count), per_page)
    if number > paginator.num_pages:
        return paginator, None
    return paginator, session_cards(rows[:per_page])


@cache
def _day_count_sql() -> str:
    """How many public sessions start in a day, ``sessions_on(public_sessions(forum), …)
    .count()`` written from ``_meta`` and prepared: the ORM compiled and planned its count on
    every request (~1.5 ms on a ten-times forum's day of ~600 sessions, ~0.7 ms this way)."""
    session, event, forum = Session._meta, Event._meta, Forum._meta
    starts_at, event_id = (session.get_field(f).column for f in ("starts_at", "event"))
    e_forum, e_published = (event.get_field(f).column for f in ("forum", "is_published"))
    return (
        f"SELECT COUNT(*) FROM {session.db_table} s"
        f" WHERE s.{starts_at} >= %s AND s.{starts_at} < %s AND EXISTS (SELECT 1"
        f" FROM {event.db_table} e JOIN {forum.db_table} f ON f.id = e.{e_forum}"
        f" WHERE e.id = s.{event_id} AND e.{e_forum} = %s AND e.{e_published} = %s"
        f" AND f.{forum.get_field('is_published').column} = %s)"
    )


def session_cards(sessions: QuerySet[Session] | list[dict]) -> list[dict]:
    """What a session card shows, as plain values: templates then render without lookups.

    Rows come as ``values()`` (no model instances; or given, as ``_card_rows`` reads them) and
    labels are translated once per call, not once per card: the day page shows a hundred cards.
    Two queries whatever the number of cards.
    """
    language = get_language() or settings.LANGUAGE_CODE
    languages = ("zh_hans", "en") if language == "zh-hans" else ("en", "zh_hans")
    prefix = language_prefix()
    if isinstance(sessions, list):
        rows = sessions
    else:
        rows = list(sessions.prefetch_related(None).values(*CARD_FIELDS))
    ids = [row["pk"] for row in rows]
    speakers, moderators = _people(ids, prefix, language == "zh-hans")
    types = {k: str(v) for k, v in Session.Type.choices}
    languages_spoken = {k: str(v) for k, v in Session.Language.choices}
    interpretation, rsvp = str(_("Interpretation")), str(_("RSVP required"))
    invitation = str(_("By invitation"))
    place = str(_("%(room)s, %(venue)s"))
    tz = timezone.get_current_timezone()
    cards = []
    for row in rows:
        start, end = row["starts_at"].astimezone(tz), row["ends_at"].astimezone(tz)
        flags = []
        if row["interpretation"]:
            flags.append(("text-bg-info", interpretation))
        if row["rsvp_required"]:
            flags.append(("text-bg-warning", rsvp))
        if not row["event__is_public"]:
            flags.append(("text-bg-secondary", invitation))
        # URLs as Session.urls and Event.urls build them, without an instance per row.
        url, event_url = (
            f"{prefix}/sessions/{row['code']}/",
            f"{prefix}/events/{row['event__slug']}/",
        )
        cards.append(
            {
                "code": row["code"],
                "url": url,
                "ical": f"{url}session.ics",
                "title": _translated(row, "title", languages),
                "cancelled": row["is_cancelled"],
                "starts_at": row["starts_at"],
                "day": start.date(),  # in the forum's time zone: lists over several days group by it
                "start_iso": start.isoformat(),
                "end_iso": end.isoformat(),
                "start": f"{start.hour:02d}:{start.minute:02d}",
                "end": f"{end.hour:02d}:{end.minute:02d}",
                "place": place
                % {
                    "room": _translated(row, "room__name", languages),
                    "venue": _translated(row, "room__venue__name", languages),
                },
                "event_url": event_url,
                "event_title": _translated(row, "event__title", languages),
                "section": _translated(row, "event__section__name", languages),
                "section_slug": row["event__section__slug"],
                "speakers": speakers.get(row["pk"], []),
                "moderators": moderators.get(row["pk"], []),
                "badges": [types[row["type"]], languages_spoken[row["language"]]],
                "flags": flags,
            }
        )
    return cards


def card_page(sessions: QuerySet[Session], number: int, per_page: int):
    """(``Paginator`` of ``sessions``, the cards of page ``number`` or None past the last page).

    Page 1 reads one card more than a page holds: when they all fit, that is the count, and the
    ``COUNT(*)`` a paginator runs first is saved (a day of the demo fits on one page).
    """
    from django.core.paginator import Paginator

    paginator = Paginator(sessions, per_page)
    if number == 1:
        cards = session_cards(sessions[: per_page + 1])
        if len(cards) <= per_page:
            paginator.count = len(cards)  # a cached_property: the count query is not run
            return paginator, cards
        return paginator, cards[:per_page]
    if number > paginator.num_pages:
        return paginator, None
    return paginator, session_cards(paginator.page(number).object_list)


EXPORT_FIELDS = (
    "pk", "code", "title_en", "title_zh_hans", "type", "starts_at", "ends_at", "language",
    "interpretation", "livestream_url", "capacity", "rsvp_required", "is_cancelled", "sequence",
    "event_id", "event__slug", "event__title_en", "event__title_zh_hans", "event__type",
    "event__section__slug", "event__section__name_en", "event__section__name_zh_hans",
    "event__host_en", "event__host_zh_hans", "event__is_public",
    "room_id", "room__name_en", "room__name_zh_hans", "room__floor", "room__capacity",
    "room__position", "room__venue__name_en", "room__venue__name_zh_hans",
    "room__venue__position",
)  # fmt: skip
# What an iCalendar export reads of a session (``exports.schedule_ical``): half the columns.
ICAL_FIELDS = (
    "pk", "code", "title_en", "title_zh_hans", "starts_at", "ends_at", "is_cancelled",
    "sequence", "event__title_en", "event__title_zh_hans", "event__section__name_en",
    "event__section__name_zh_hans", "room_id", "room__name_en", "room__name_zh_hans",
    "room__venue__name_en", "room__venue__name_zh_hans",
)  # fmt: skip
# One row per (session, person): the person's fields, then False (speaks) or True (moderates).
EXPORT_PEOPLE_FIELDS = (
    "session_id", "speaker_id", "speaker__slug", "speaker__name", "speaker__name_zh",
    "speaker__affiliation_en", "speaker__affiliation_zh_hans", "speaker__country",
)  # fmt: skip


# The tables an export row joins, by the relation that reaches them from the session.
_EXPORT_ALIASES = {"event": "e", "section": "c", "room": "r", "venue": "v"}


def export_column(path: str) -> str:
    """``alias.column`` of an ``EXPORT_FIELDS`` path, e.g. ``room__venue__name_en`` →
    ``v.name_en``; the session is ``s``, its event ``e``, section ``c``, room ``r``, venue
    ``v`` (the exports' statements, and the agenda feed's in ``delegates.selectors``)."""
    *hops, name = path.split("__")
    model, alias = Session, "s"
    for hop in hops:
        model, alias = model._meta.get_field(hop).related_model, _EXPORT_ALIASES[hop]
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    return f"{alias}.{field.column}"


def _published(head: str, joins: str = "") -> str:
    """``FROM head … WHERE`` over the published sessions of one forum (``public_sessions``:
    their event published, as ``SessionQuerySet.published`` says; that the forum itself is
    published the caller checks on the row it holds, which spares a join to plan and run);
    ``head`` ends with the session's table aliased ``s``, ``joins`` adds tables after the
    event (``e``)."""
    session, event = Session._meta, Event._meta
    e_forum, e_published = (event.get_field(f).column for f in ("forum", "is_published"))
    return (
        f" FROM {head} JOIN {event.db_table} e ON e.id = s.{session.get_field('event').column}"
        f"{joins} WHERE e.{e_forum} = %s AND e.{e_published} = %s"
    )


def _export_filter(by: str | None) -> str:
    """The statement's extra condition: only one event's sessions, or one session."""
    if by is None:
        return ""
    return f" AND s.{Session._meta.get_field('event' if by == 'event' else 'code').column} = %s"


@cache
def _export_sessions_sql(by: str | None, fields: tuple[str, ...]) -> str:
    """``fields`` (of ``EXPORT_FIELDS``) of the published sessions in ``public_sessions``'
    order: one statement written once from ``_meta`` (the ORM's ``values()`` over five joined
    tables, compiled and iterated through modeltranslation's queryset, took most of a whole
    export's time)."""
    session, event, room = Session._meta, Event._meta, Room._meta
    section, venue = Section._meta, room.get_field("venue").related_model._meta
    joins = (
        f" JOIN {section.db_table} c ON c.id = e.{event.get_field('section').column}"
        f" JOIN {room.db_table} r ON r.id = s.{session.get_field('room').column}"
        f" JOIN {venue.db_table} v ON v.id = r.{room.get_field('venue').column}"
    )
    columns = ", ".join(export_column(path) for path in fields)
    order = ", ".join(
        export_column(path)
        for path in ("starts_at", "room__venue__position", "room__position", "pk")
    )
    return (
        f"SELECT {columns}{_published(f'{session.db_table} s', joins)}{_export_filter(by)}"
        f" ORDER BY {order}"
    )


@cache
def _export_people_sql(by: str | None) -> str:
    """``EXPORT_PEOPLE_FIELDS`` + (moderates,) of the same sessions, ordered by name: both
    relations as one (a UNION ALL, then joined once to the sessions: no list of session ids
    to send, and half the tables for PostgreSQL to plan). Parameters: ``_export_params``."""
    session, speaker = Session._meta, Speaker._meta
    names = [path.removeprefix("speaker__") for path in EXPORT_PEOPLE_FIELDS[2:]]
    columns = ", ".join(f"p.{speaker.get_field(name).column}" for name in names)
    relations = " UNION ALL ".join(
        f"SELECT session_id, speaker_id, {moderates} AS moderates FROM {through._meta.db_table}"
        for through, moderates in (
            (Session.speakers.through, "FALSE"),
            (Session.moderators.through, "TRUE"),
        )
    )
    head = (
        f"({relations}) t JOIN {speaker.db_table} p ON p.id = t.speaker_id"
        f" JOIN {session.db_table} s ON s.id = t.session_id"
    )
    by_name = 3 + names.index("name")  # positions count from 1: session, speaker, then names
    return (
        f"SELECT t.session_id, t.speaker_id, {columns}, t.moderates{_published(head)}"
        f"{_export_filter(by)} ORDER BY {by_name}, 2"
    )


def _export_params(forum: Forum, event: Event | None, code: str | None) -> list:
    params = [forum.pk, True]
    if event is not None:
        params.append(event.pk)
    elif code is not None:
        params.append(code)
    return params


def _aware(rows: list[tuple], positions: tuple[int, ...]) -> list[tuple]:
    """The rows with their DATE-TIMEs in UTC: SQLite's driver hands them back naive (as the ORM's
    converters would have fixed); PostgreSQL's already are."""
    if not rows or rows[0][positions[0]].tzinfo is not None:
        return rows
    fixed = []
    for row in rows:
        row = list(row)
        for i in positions:
            row[i] = row[i].replace(tzinfo=UTC)
        fixed.append(tuple(row))
    return fixed


def export_sessions(
    forum: Forum,
    *,
    event: Event | None = None,
    code: str | None = None,
    fields: tuple[str, ...] = EXPORT_FIELDS,
) -> list[dict]:
    """The ``schedule_export`` session rows alone, with ``fields`` (``ICAL_FIELDS`` are all the
    iCalendar exports read): one statement (a session's .ics asks it first, to answer 404
    before anything is built)."""
    if not forum.is_published:  # SessionQuerySet.published: the forum too
        return []
    by = "event" if event is not None else "code" if code is not None else None
    with connection.cursor() as cursor:
        # Prepared on PostgreSQL: planning the four joins cost about as much as running them.
        prepared.execute(
            cursor, _export_sessions_sql(by, fields), _export_params(forum, event, code)
        )
        times = (fields.index("starts_at"), fields.index("ends_at"))
        rows = _aware(cursor.fetchall(), times)
    return [dict(zip(fields, row, strict=True)) for row in rows]


def export_people(
    forum: Forum, *, event: Event | None = None, code: str | None = None
) -> list[tuple]:
    """The ``schedule_export`` people rows of the same sessions alone: one statement."""
    if not forum.is_published:  # SessionQuerySet.published: the forum too
        return []
    by = "event" if event is not None else "code" if code is not None else None
    params = _export_params(forum, event, code)
    with connection.cursor() as cursor:
        prepared.execute(cursor, _export_people_sql(by), params)
        return cursor.fetchall()


def schedule_export(
    forum: Forum,
    *,
    event: Event | None = None,
    code: str | None = None,
    fields: tuple[str, ...] = EXPORT_FIELDS,
) -> tuple[list[dict], list[tuple]]:
    """What the JSON and iCalendar exports hold, as plain values: two statements whatever the
    number of sessions, each written once from ``_meta`` and read as tuples.

    The published sessions of ``public_sessions`` (same order; only those of ``event``, or the
    one of ``code``, when given) as dicts of ``fields``, and their speakers and moderators
    as ``EXPORT_PEOPLE_FIELDS + (moderates,)`` tuples ordered by name (one UNION of both
    relations).
    """
    rows = export_sessions(forum, event=event, code=code, fields=fields)
    if not rows:
        return [], []
    return rows, export_people(forum, event=event, code=code)


def export_event(forum: Forum, slug: str) -> Event | None:
    """The forum's published event of this slug, for its .ics (title and id): one statement
    without the event page's section, venue and themes."""
    event, forum_meta = Event._meta, Forum._meta
    e_forum, e_slug, e_published = (
        event.get_field(name).column for name in ("forum", "slug", "is_published")
    )
    found = Event.objects.raw(
        f"SELECT e.* FROM {event.db_table} e JOIN {forum_meta.db_table} f ON f.id = e.{e_forum}"
        f" WHERE e.{e_forum} = %s AND e.{e_slug} = %s AND e.{e_published} = %s"
        f" AND f.{forum_meta.get_field('is_published').column} = %s",
        [forum.pk, slug, True, True],
    )
    return next(iter(found), None)


def _fragments_where() -> str:
    """The fragments of one forum, language, version and site (``_fragment_params``)."""
    meta = ExportFragment._meta
    return (
        f" FROM {meta.db_table} WHERE {meta.get_field('forum').column} = %s AND language = %s"
        " AND version = %s AND site = %s"
    )


def _fragment_params(forum: Forum, language: str) -> list:
    return [forum.pk, language, forum.cache_version, settings.SITE_URL]


def json_fragments(forum: Forum, language: str) -> dict[str, list[str]]:
    """The JSON of the events, rooms, speakers and sessions of the forum's current version, in
    their order in ``/api/schedule.json``: ``{kind: [json, …]}``, one statement. Empty when
    the version's fragments are not written yet: the caller then builds from scratch."""
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        prepared.execute(
            cursor,
            f"SELECT kind, json{_fragments_where()} ORDER BY position",
            _fragment_params(forum, language),
        )
        for kind, body in cursor.fetchall():
            found.setdefault(kind, []).append(body)
    return found


def vevent_fragments(forum: Forum, language: str, *, event: Event | None = None) -> list[str]:
    """The VEVENTs of the forum's (or one event's) sessions of the current version, in the
    calendars' order: one statement. Empty when the version's fragments are not written yet
    (or the event has no session)."""
    sql = f"SELECT vevent{_fragments_where()} AND kind = %s"
    params = [*_fragment_params(forum, language), ExportFragment.Kind.SESSION]
    if event is not None:
        sql += f" AND {ExportFragment._meta.get_field('event').column} = %s"
        params.append(event.pk)
    with connection.cursor() as cursor:
        prepared.execute(cursor, sql + " ORDER BY position", params)
        return [row[0] for row in cursor.fetchall()]


def session_pages(forum: Forum) -> list[tuple[Session, list[Speaker], list[Speaker]]]:
    """Every published session of the forum with what its page shows (event, section, room,
    venue, themes) and its speakers and moderators by name, in ``public_sessions``' order: what
    ``services.prepare_exports`` renders each session's page from. Five queries."""
    sessions = public_sessions(forum).prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("position", "pk"))
    )
    return [(s, list(s.speakers.all()), list(s.moderators.all())) for s in sessions]


@cache
def _page_fragment_sql() -> str:
    """``current_session``'s session and forum, joined with the session's prepared page of the
    forum's current version (``ExportFragment.page``), written once from ``_meta``."""
    forum, event, session, fragment = Forum._meta, Event._meta, Session._meta, ExportFragment._meta
    f_published, f_edition, f_version = (
        forum.get_field(name).column for name in ("is_published", "edition", "cache_version")
    )
    e_forum, e_published = (event.get_field(name).column for name in ("forum", "is_published"))
    fr_forum = fragment.get_field("forum").column
    return (
        f"SELECT fr.page_title, fr.page FROM {forum.db_table} f"
        f" JOIN {event.db_table} e ON e.{e_forum} = f.id"
        f" JOIN {session.db_table} s ON s.{session.get_field('event').column} = e.id"
        f" JOIN {fragment.db_table} fr ON fr.{fr_forum} = f.id AND fr.object_id = s.id"
        f" WHERE f.id = (SELECT id FROM {forum.db_table} WHERE {f_published} = %s"
        f" ORDER BY {f_edition} DESC LIMIT 1) AND f.{f_published} = %s AND e.{e_published} = %s"
        f" AND s.{session.get_field('code').column} = %s AND fr.kind = %s AND fr.language = %s"
        f" AND fr.version = f.{f_version} AND fr.site = %s AND fr.page <> ''"
    )


def session_page_fragment(code: str, language: str) -> tuple[str, str] | None:
    """The prepared title and content (escaped HTML) of the current forum's published session
    ``code`` in ``language``, as ``ExportFragment`` holds them: one statement. None when there is
    no such session, or its forum's current version is not prepared yet: the caller then builds
    the page (``current_session``)."""
    params = [True, True, True, code, ExportFragment.Kind.SESSION, language, settings.SITE_URL]
    rows, _columns = statements.fetch(_page_fragment_sql(), params)
    return rows[0] if rows else None


@cache
def _speaker_page_sql() -> str:
    """The current forum's published speaker of a slug with their prepared page (the
    ``ExportFragment.page`` of their speaker fragment) and their sessions' prepared cards, one
    row a card in the forum's order, written once from ``_meta``. Both relations are read from
    the speaker's rows (by their index) as one ``UNION ALL``: a session the speaker both speaks
    in and moderates comes twice (``speaker_page_fragments`` keeps it once)."""
    forum, session, fragment, speaker = (
        Forum._meta,
        Session._meta,
        ExportFragment._meta,
        Speaker._meta,
    )
    f_published, f_edition, f_version = (
        forum.get_field(name).column for name in ("is_published", "edition", "cache_version")
    )
    fr_forum = fragment.get_field("forum").column
    mine = " UNION ALL ".join(
        f"SELECT session_id, speaker_id FROM {through._meta.db_table}"
        for through in (Session.speakers.through, Session.moderators.through)
    )

    def prepared(alias: str) -> str:
        return (
            f"{alias}.{fr_forum} = f.id AND {alias}.kind = %s AND {alias}.language = %s"
            f" AND {alias}.version = f.{f_version} AND {alias}.site = %s"
        )

    return (
        f"SELECT sp.page_title, sp.page, fr.object_id, s.{session.get_field('starts_at').column},"
        f" fr.card_day, fr.card FROM {forum.db_table} f"
        f" JOIN {speaker.db_table} p ON p.{speaker.get_field('slug').column} = %s"
        f" JOIN {fragment.db_table} sp ON {prepared('sp')} AND sp.object_id = p.id"
        f" JOIN ({mine}) m ON m.speaker_id = p.id"
        f" JOIN {fragment.db_table} fr ON {prepared('fr')} AND fr.object_id = m.session_id"
        f" JOIN {session.db_table} s ON s.id = m.session_id"
        f" WHERE f.id = (SELECT id FROM {forum.db_table} WHERE {f_published} = %s"
        f" ORDER BY {f_edition} DESC LIMIT 1) AND f.{f_published} = %s"
        " AND sp.page <> '' AND fr.card <> '' ORDER BY fr.position"
    )


def speaker_page_fragments(slug: str, language: str) -> tuple[str, str, list] | None:
    """The current forum's published speaker ``slug`` as the release prepared their page in
    ``language``: its title, its head (``ExportFragment.page``, the speaker's own part) and the
    cards of their sessions in the forum's order, each ``(day, its long day, html)`` (the day
    in the current time zone, as ``session_cards`` tells it): one statement. None when there is
    no such speaker, or the forum's current version is not prepared yet: the caller then
    builds the page (``current_speaker``, ``speaker_cards``)."""
    kind = ExportFragment.Kind
    site = settings.SITE_URL
    params = [slug, kind.SPEAKER, language, site, kind.SESSION, language, site, True, True]
    rows, _columns = statements.fetch(_speaker_page_sql(), params)
    if not rows:
        return None
    convert = _starts_converters(connection.vendor)
    tz = timezone.get_current_timezone()
    cards, seen = [], set()
    for _title, _head, session_id, starts_at, day, card in rows:
        if session_id in seen:
            continue  # spoken in and moderated
        seen.add(session_id)
        for function in convert:
            starts_at = function(starts_at, None, connection)
        cards.append((starts_at.astimezone(tz).date(), day, card))
    return rows[0][0], rows[0][1], cards


@cache
def _starts_converters(vendor: str) -> list:
    """The ORM's converters of a session's start on this database (SQLite returns text)."""
    return statements.converters([("s", Session._meta.get_field("starts_at"))])[0]


ExportRelease = namedtuple("ExportRelease", "number released_at comment_en comment_zh_hans")


def export_releases(forum: Forum) -> list[ExportRelease]:
    """The forum's releases, newest first, as ``/api/schedule.json`` lists them: four columns,
    without the snapshots and changes no export reads."""
    meta = Release._meta
    number, released_at, comment_en, comment_zh, forum_column = (
        meta.get_field(name).column
        for name in ("number", "released_at", "comment_en", "comment_zh_hans", "forum")
    )
    with connection.cursor() as cursor:
        prepared.execute(
            cursor,
            f"SELECT {number}, {released_at}, {comment_en}, {comment_zh} FROM {meta.db_table}"
            f" WHERE {forum_column} = %s ORDER BY {number} DESC",
            [forum.pk],
        )
        return [ExportRelease(*row) for row in _aware(cursor.fetchall(), (1,))]


GRID_STEP = timedelta(minutes=5)  # one grid row; a box spans its duration in rows


def room_grid(sessions, tz) -> dict:
    """A day as a time-proportional grid: rooms as columns, one row per five minutes from the
    first hour; each session placed at (column, first row, rows spanned). Also each room's
    sessions as a list (the phone layout)."""
    sessions = list(sessions)
    rooms = sorted(
        {s.room_id: s.room for s in sessions}.values(),
        key=lambda r: (r.venue.position, r.position, r.pk),
    )
    if not sessions:
        return {"rooms": [], "boxes": [], "times": [], "by_room": [], "bounds": None}
    column = {room.pk: i + 2 for i, room in enumerate(rooms)}  # column 1 is the time axis
    first = min(s.starts_at for s in sessions).astimezone(tz)
    origin = first.replace(minute=0, second=0, microsecond=0)
    last = max(s.ends_at for s in sessions).astimezone(tz)

    def row(moment) -> int:  # row 1 holds the rooms' names
        return 2 + int((moment.astimezone(tz) - origin) / GRID_STEP)

    boxes = [
        {
            "session": s,
            "column": column[s.room_id],
            "row": row(s.starts_at),
            "span": max(1, row(s.ends_at) - row(s.starts_at)),
        }
        for s in sessions
    ]
    times, moment = [], origin
    while moment < last:
        times.append({"at": moment, "row": row(moment)})
        moment += timedelta(minutes=30)
    by_room = [(room, [s for s in sessions if s.room_id == room.pk]) for room in rooms]
    return {
        "rooms": [(room, column[room.pk]) for room in rooms],
        "boxes": boxes,
        "times": times,
        "by_room": by_room,
        "bounds": (origin, last, len(rooms) + 2),  # for the "now" line (``grid_now``)
    }


def grid_now(bounds, now, tz) -> dict | None:
    """Where the "now" line crosses a day's grid (``room_grid``'s ``bounds``): its row, the
    column it ends before and the time shown; None outside the grid's hours."""
    if bounds is None:
        return None
    origin, last, end_column = bounds
    if not origin <= now < last:
        return None
    return {
        "row": 2 + int((now - origin) / GRID_STEP),
        "end_column": end_column,
        "at": now.astimezone(tz),
    }


def public_event(forum: Forum, slug: str) -> Event | None:
    return (
        Event.objects.published()
        .filter(forum=forum, slug=slug)
        .select_related("section", "venue")
        .prefetch_related("themes")
        .first()
    )


# The session page's row: each model with the relation that reaches it from one already read.
_SESSION_PAGE_MODELS = (
    (Session, "s", None),
    (Event, "e", ("s", "event")),
    (Section, "c", ("e", "section")),
    (Room, "r", ("s", "room")),
    (Venue, "v", ("r", "venue")),
    (Theme, "t", None),  # LEFT JOINed through the session's themes: one row a theme
)
# ``current_session`` reads the forum too, before the themes: the newest published one.
_CURRENT_SESSION_MODELS = (*_SESSION_PAGE_MODELS[:-1], (Forum, "f", None), (Theme, "t", None))
_session_page_sql: dict[tuple, tuple] = {}  # per (vendor, current): (statement, converters, starts)


def _build_session_page_sql(current: bool = False) -> tuple[str, list, list]:
    """``public_sessions(forum).filter(code=…)`` with its event, section, room, venue and themes,
    written once from ``_meta``: the ORM's select_related over five tables and the themes'
    prefetch cost ~3 ms CPU to compile, for 1 ms of PostgreSQL's work. ``current``: the forum
    is the newest published one (``current_forum``), its columns read too. Also returns, for
    each column, the converters the ORM would apply (SQLite returns datetimes as text), and
    where each model's columns begin."""
    models = _CURRENT_SESSION_MODELS if current else _SESSION_PAGE_MODELS
    selected = [
        (alias, field) for model, alias, _via in models for field in model._meta.concrete_fields
    ]
    columns = [f"{alias}.{field.column}" for alias, field in selected]
    converters = statements.converters(selected)
    meta = {model: model._meta for model, _alias, _via in models}
    joins = [f"{meta[Session].db_table} s"]
    for model, alias, via in _SESSION_PAGE_MODELS[1:-1]:
        source, relation = via
        source_model = next(m for m, a, _v in _SESSION_PAGE_MODELS if a == source)
        column = source_model._meta.get_field(relation).column
        joins.append(f"JOIN {meta[model].db_table} {alias} ON {alias}.id = {source}.{column}")
    forum = Forum._meta
    f_published, f_edition = (forum.get_field(f).column for f in ("is_published", "edition"))
    e_forum, e_published = (meta[Event].get_field(f).column for f in ("forum", "is_published"))
    themes = Session.themes.through._meta.db_table
    which = (
        f"(SELECT id FROM {forum.db_table} WHERE {f_published} = %s"
        f" ORDER BY {f_edition} DESC LIMIT 1)"
        if current
        else "%s"
    )
    statement = (
        f"SELECT {', '.join(columns)} FROM {' '.join(joins)}"
        f" JOIN {forum.db_table} f ON f.id = e.{e_forum}"
        f" LEFT JOIN {themes} st ON st.session_id = s.id"
        f" LEFT JOIN {meta[Theme].db_table} t ON t.id = st.theme_id"
        f" WHERE s.{meta[Session].get_field('code').column} = %s AND e.{e_forum} = {which}"
        f" AND e.{e_published} = %s AND f.{f_published} = %s"
        f" ORDER BY t.{meta[Theme].get_field('position').column}, t.id"
    )
    starts, start = [], 0  # where each model's columns begin in the row
    for model, _alias, _via in models:
        starts.append(start)
        start += len(model._meta.concrete_fields)
    return statement, converters, starts


def _instance(model, row: tuple, start: int, converters: list, db: str):
    """``model`` as ``from_db`` builds it from the row's columns at ``start``, converted as the
    ORM would; None when they are NULL (a LEFT JOIN that found nothing)."""
    fields = model._meta.concrete_fields
    end = start + len(fields)
    if row[start] is None:
        return None
    values = statements.convert(row[start:end], converters[start:end])
    return model.from_db(db, [f.attname for f in fields], values)


def _session_page(code: str, forum: Forum | None) -> tuple[Forum, Session] | None:
    current = forum is None
    key = (connection.vendor, current)
    found = _session_page_sql.get(key)
    if found is None:
        found = _session_page_sql[key] = _build_session_page_sql(current)
    statement, converters, starts = found
    rows, _columns = statements.fetch(statement, [code, True if current else forum.pk, True, True])
    if not rows:
        return None
    db = connection.alias
    models = _CURRENT_SESSION_MODELS if current else _SESSION_PAGE_MODELS
    session, event, section, room, venue, *rest = (
        _instance(model, rows[0], at, converters, db)
        for (model, _alias, _via), at in zip(models[:-1], starts, strict=False)
    )
    forum = rest[0] if current else forum
    Event.section.field.set_cached_value(event, section)
    Event.forum.field.set_cached_value(event, forum)
    Room.venue.field.set_cached_value(room, venue)
    Session.event.field.set_cached_value(session, event)
    Session.room.field.set_cached_value(session, room)
    themes = [_instance(Theme, row, starts[-1], converters, db) for row in rows]
    themes = [theme for theme in themes if theme is not None]
    # As prefetch_related("themes") leaves it: ``session.themes.all()`` reads this list.
    cached = session.themes.get_queryset()
    cached._result_cache, cached._prefetch_done = themes, True
    session._prefetched_objects_cache = {"themes": cached}
    return forum, session


def public_session(forum: Forum, code: str) -> Session | None:
    """The session page's session with its event, section, room, venue and themes (one query);
    its people come from ``session_people``."""
    found = _session_page(code, forum)
    return found[1] if found else None


def current_session(code: str) -> tuple[Forum, Session] | None:
    """``(current_forum(), public_session(current_forum(), code))`` in one statement: the
    session page's first query, without asking for the forum on its own. None when there is no
    published forum or no such session in it."""
    return _session_page(code, None)


def _session_people_sql() -> str:
    """One statement over both relations, read from the session's rows of each (by their
    index), a row for each person and role; written once from the models' table names
    (compiling the ORM's two ``Exists`` cost more than running the statement)."""
    speaks, moderates = (
        Session.speakers.through._meta.db_table,
        Session.moderators.through._meta.db_table,
    )
    return (
        f"SELECT {statements.columns(Speaker, 'p')}, x.moderates FROM (SELECT speaker_id,"
        f" 0 AS moderates FROM {speaks} WHERE session_id = %s UNION ALL SELECT speaker_id,"
        f" 1 FROM {moderates} WHERE session_id = %s) x JOIN {Speaker._meta.db_table} p"
        " ON p.id = x.speaker_id ORDER BY p.name, p.id"
    )


def session_people(session: Session) -> tuple[list[Speaker], list[Speaker]]:
    """(speakers, moderators) of the session, each by name: one query for both relations
    (two prefetches had cost a round trip each). A person who speaks and moderates is in both."""
    people = statements.instances(Speaker, _session_people_sql(), [session.pk] * 2)
    return [p for p in people if not p.moderates], [p for p in people if p.moderates]


def public_speakers(forum: Forum) -> QuerySet[Speaker]:
    """Speakers and moderators of the forum's published sessions."""
    sessions = Session.objects.published().filter(event__forum=forum)
    return Speaker.objects.filter(
        Exists(sessions.filter(speakers=OuterRef("pk")))
        | Exists(sessions.filter(moderators=OuterRef("pk")))
    ).order_by("name", "pk")


def _public_speaker_sql() -> str:
    """``public_speakers(forum).filter(slug=…).first()`` written once from the tables: the
    ORM's two ``EXISTS`` over four joined tables cost ~2 ms CPU to compile for one row.
    "Published" as ``SessionQuerySet.published``: the event and its forum are published."""
    session, event, forum = Session._meta, Event._meta, Forum._meta
    s_event = session.get_field("event").column
    e_forum, e_published = (event.get_field(f).column for f in ("forum", "is_published"))
    f_published = forum.get_field("is_published").column
    speaker = Speaker._meta
    slug = speaker.get_field("slug").column
    exists = [
        f"EXISTS (SELECT 1 FROM {through._meta.db_table} t JOIN {session.db_table} s"
        f" ON s.id = t.session_id JOIN {event.db_table} e ON e.id = s.{s_event}"
        f" JOIN {forum.db_table} f ON f.id = e.{e_forum} WHERE t.speaker_id = p.id"
        f" AND e.{e_published} = %s AND f.{f_published} = %s AND e.{e_forum} = %s)"
        for through in (Session.speakers.through, Session.moderators.through)
    ]
    return (
        f"SELECT {statements.columns(Speaker, 'p')} FROM {speaker.db_table} p WHERE p.{slug} = %s"
        f" AND ({exists[0]} OR {exists[1]}) LIMIT 1"
    )


def public_speaker(forum: Forum, slug: str) -> Speaker | None:
    """The speaker or moderator of a published session of the forum with this slug, or None."""
    params = [slug, *([True, True, forum.pk] * 2)]
    found = statements.instances(Speaker, _public_speaker_sql(), params)
    return found[0] if found else None


_current_speaker_sql: dict[str, tuple[str, list]] = {}  # vendor → (statement, converters)


def current_speaker(slug: str) -> tuple[Forum, Speaker] | None:
    """``(current_forum(), public_speaker(current_forum(), slug))`` in one statement: the
    speaker page's first query, without asking for the forum on its own. None when there is no
    published forum or no such speaker of its published sessions."""
    found = _current_speaker_sql.get(connection.vendor)
    if found is None:
        meta = Forum._meta
        published, edition = (meta.get_field(n).column for n in ("is_published", "edition"))
        # public_speaker's statement, the forum's id taken from the current forum's row
        e_forum = Event._meta.get_field("forum").column
        speaker = _public_speaker_sql()
        select = f"SELECT {statements.columns(Speaker, 'p')} FROM"
        if speaker.count(f" AND e.{e_forum} = %s)") != 2 or not speaker.startswith(select):
            raise RuntimeError("public_speaker's statement is not the one current_speaker reads")
        speaker = speaker.replace(f" AND e.{e_forum} = %s)", f" AND e.{e_forum} = c.id)")
        speaker = speaker.replace(
            select,
            f"SELECT {statements.columns(Forum, 'c')}, {statements.columns(Speaker, 'p')} FROM"
            f" (SELECT {statements.columns(Forum)} FROM {meta.db_table} WHERE {published} = %s"
            f" ORDER BY {edition} DESC LIMIT 1) c,",
        )
        fields = [("c", f) for f in meta.concrete_fields]
        fields += [("p", f) for f in Speaker._meta.concrete_fields]
        found = _current_speaker_sql[connection.vendor] = (speaker, statements.converters(fields))
    statement, converters = found
    rows, _columns = statements.fetch(statement, [True, slug, *([True, True] * 2)])
    if not rows:
        return None
    forum = _instance(Forum, rows[0], 0, converters, connection.alias)
    speaker = _instance(
        Speaker, rows[0], len(Forum._meta.concrete_fields), converters, connection.alias
    )
    return forum, speaker


def speaker_sessions(forum: Forum, speaker: Speaker) -> QuerySet[Session]:
    """The forum's published sessions where the speaker speaks or moderates, each once."""
    return public_sessions(forum).filter(
        Exists(Session.speakers.through.objects.filter(session_id=OuterRef("pk"), speaker=speaker))
        | Exists(
            Session.moderators.through.objects.filter(session_id=OuterRef("pk"), speaker=speaker)
        )
    )


def section_events(forum: Forum, section: Section) -> QuerySet[Event]:
    return (
        Event.objects.published()
        .filter(forum=forum, section=section)
        .select_related("venue")
        .annotate(session_count=Count("sessions", filter=Q(sessions__is_cancelled=False)))
        .order_by("position", "pk")
    )


def _filter_choices_sql() -> str:
    """The three lists as one UNION, written once from the models' tables and columns: the
    ORM's compilation of three annotated querysets cost more than the statement's run."""

    def columns(model, *names):
        return [model._meta.get_field(name).column for name in names]

    def table(model):
        return model._meta.db_table

    session, event = Session._meta, Event._meta
    section_forum, section_position, section_slug, *section_names = columns(
        Section, "forum", "position", "slug", "name_en", "name_zh_hans"
    )
    theme_position, theme_slug, *theme_names = columns(
        Theme, "position", "slug", "name_en", "name_zh_hans"
    )
    room_venue, room_position, room_slug, *room_names = columns(
        Room, "venue", "position", "slug", "name_en", "name_zh_hans"
    )
    venue_position, venue_slug, *venue_names = columns(
        Room._meta.get_field("venue").related_model, "position", "slug", "name_en", "name_zh_hans"
    )
    session_room, session_event = (session.get_field(f).column for f in ("room", "event"))
    event_forum = event.get_field("forum").column
    venue = table(Room._meta.get_field("venue").related_model)
    return (
        f"SELECT 0 AS kind, {section_position} AS sort1, 0 AS sort2, id, {section_slug},"
        f" {section_names[0]}, {section_names[1]}, '' AS v1, '' AS v2, '' AS v3"
        f" FROM {table(Section)} WHERE {section_forum} = %s"
        f" UNION ALL SELECT 1, {theme_position}, 0, id, {theme_slug}, {theme_names[0]},"
        f" {theme_names[1]}, '', '', '' FROM {table(Theme)}"
        f" UNION ALL SELECT 2, v.{venue_position}, r.{room_position}, r.id, r.{room_slug},"
        f" r.{room_names[0]}, r.{room_names[1]}, v.{venue_slug}, v.{venue_names[0]},"
        f" v.{venue_names[1]} FROM {table(Room)} r JOIN {venue} v ON v.id = r.{room_venue}"
        f" WHERE EXISTS (SELECT 1 FROM {session.db_table} s JOIN {event.db_table} e"
        f" ON e.id = s.{session_event} WHERE s.{session_room} = r.id AND e.{event_forum} = %s)"
        " ORDER BY 1, 2, 3, 4"
    )


def filter_choices(forum: Forum) -> dict:
    """Choices of the schedule filters, as (value, label) pairs in the active language: the
    forum's sections, every theme, the rooms (with their venue) the forum's sessions use.

    One statement whatever the size of the programme (a UNION of the three lists: each list
    had cost a round trip, more than reading its few rows), labels as the models' ``__str__``
    give them under modeltranslation's fallback (the active language, then the other).
    """
    rows, _columns = statements.fetch(_filter_choices_sql(), [forum.pk, forum.pk])
    chinese = get_language() == "zh-hans"
    choices: dict = {"sections": [], "themes": [], "venues": {}, "rooms": []}

    def label(en: str, zh: str) -> str:
        return (zh or en) if chinese else (en or zh)

    for kind, _s1, _s2, pk, slug, name_en, name_zh, venue_slug, venue_en, venue_zh in rows:
        name = label(name_en, name_zh)
        if kind == 0:
            choices["sections"].append((slug, name))
        elif kind == 1:
            choices["themes"].append((slug, name))
        else:
            venue = label(venue_en, venue_zh)
            choices["venues"].setdefault(venue_slug, venue)
            choices["rooms"].append((str(pk), f"{venue} · {name}"))  # Room.__str__
    choices["venues"] = list(choices["venues"].items())
    return choices


def releases(forum: Forum) -> list[Release]:
    """The forum's releases, newest first, without their snapshots (every session's times and
    room per release: most of the rows' bytes, read by no page or export)."""
    return list(forum.releases.defer("snapshot").order_by("-number"))


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


# --- The working programme: what a release would change ------------------------------------

# Kinds of change a diff row may carry, in the order the Release page shows them.
CHANGE_KINDS = (
    "added",
    "moved",
    "cancelled",
    "restored",
    "retitled",
    "speakers",
    "capacity",
    "details",
    "event_retitled",
    "published",
    "unpublished",
    "event_details",
)
# Who hears of what: these kinds mail the people following a session; the others nobody
# (capacity: promotions from the waitlist mail themselves; description and details: no one).
NOTIFYING_KINDS = frozenset(
    {"moved", "cancelled", "restored", "retitled", "speakers", "event_retitled", "unpublished"}
)
SLOT_FIELDS = ("starts_at", "ends_at", "room")
TITLE_FIELDS = ("title_en", "title_zh_hans")
PEOPLE_FIELDS = ("speakers", "moderators")
SEAT_FIELDS = ("capacity", "rsvp_required", "rsvp_closes_at")
EVENT_FIELDS = WorkingChange.EVENT_FIELDS


def _session_kinds(values: dict, live: dict | None) -> list[str]:
    if live is None:
        return ["added"]
    changed = {name for name, value in values.items() if live.get(name) != value}
    kinds = []
    if changed & set(SLOT_FIELDS):
        kinds.append("moved")
    if "is_cancelled" in changed:
        kinds.append("cancelled" if values["is_cancelled"] else "restored")
    if changed & set(TITLE_FIELDS):
        kinds.append("retitled")
    if changed & set(PEOPLE_FIELDS):
        kinds.append("speakers")
    if changed & set(SEAT_FIELDS):
        kinds.append("capacity")
    if changed - {*SLOT_FIELDS, *TITLE_FIELDS, *PEOPLE_FIELDS, *SEAT_FIELDS, "is_cancelled"}:
        kinds.append("details")
    return kinds


def _event_kinds(values: dict, live: dict) -> list[str]:
    changed = {name for name, value in values.items() if live.get(name) != value}
    kinds = []
    if changed & set(TITLE_FIELDS):
        kinds.append("event_retitled")
    if "is_published" in changed:
        kinds.append("published" if values["is_published"] else "unpublished")
    if changed - {*TITLE_FIELDS, "is_published"}:
        kinds.append("event_details")
    return kinds


def live_session_values(session: Session, people: dict | None = None) -> dict:
    """A session's versioned fields as the working programme stores them (JSON)."""
    from .services import to_json

    values = {
        name: to_json(getattr(session, f"{name}_id" if name == "room" else name))
        for name in (*_session_scalar_fields(), "is_cancelled")
    }
    if people is not None:
        values.update(people)
    return values


def _session_scalar_fields():
    from .services import SESSION_FIELDS

    return SESSION_FIELDS


def _m2m_ids(session_ids) -> dict[int, dict[str, list[int]]]:
    """{session id: {"speakers": [...], "moderators": [...], "themes": [...]}} in three queries."""
    result = {pk: {"speakers": [], "moderators": [], "themes": []} for pk in session_ids}
    for name in ("speakers", "moderators", "themes"):
        through = getattr(Session, name).through
        column = {"speakers": "speaker_id", "moderators": "speaker_id", "themes": "theme_id"}[name]
        for session_id, other in through.objects.filter(session_id__in=session_ids).values_list(
            "session_id", column
        ):
            result[session_id][name].append(other)
    for people in result.values():
        for ids in people.values():
            ids.sort()
    return result


class WorkingDiff:
    """The working changes of a forum against the released (live) rows, grouped by day."""

    def __init__(self, forum: Forum, rows: list[dict]):
        self.forum = forum
        self.rows = rows
        payload = [[row["id"], row["kinds"], row["before"], row["after"]] for row in rows] + [
            forum.release_number
        ]
        self.hash = hashlib.sha256(
            json.dumps(payload, sort_keys=True, default=str).encode()
        ).hexdigest()

    def __len__(self):
        return len(self.rows)

    def by_day(self) -> list[tuple]:
        """[(day or None for event-wide rows, [rows])], days in order, event rows first."""
        groups: dict = {}
        for row in self.rows:
            groups.setdefault(row["day"], []).append(row)
        return sorted(groups.items(), key=lambda item: (item[0] is not None, item[0] or date.min))

    def by_author(self) -> list[tuple]:
        """[(event title, [rows])] of edits made by event hosts (not the programme team)."""
        groups: dict = {}
        for row in self.rows:
            if row["by_host"]:
                groups.setdefault(row["event_title"], []).append(row)
        return sorted(groups.items())


def _display(values: dict, rooms: dict, speakers: dict) -> dict:
    """What a person reads of a session's state: title, slot, room, people, seats."""
    room = rooms.get(values.get("room"))
    return {
        "title_en": values.get("title_en") or values.get("title_zh_hans") or "",
        "title_zh_hans": values.get("title_zh_hans") or values.get("title_en") or "",
        "starts_at": values.get("starts_at"),
        "ends_at": values.get("ends_at"),
        "room_en": room.name_en if room else "",
        "room_zh_hans": (room.name_zh_hans or room.name_en) if room else "",
        "speakers": [speakers[pk] for pk in values.get("speakers", []) if pk in speakers],
        "moderators": [speakers[pk] for pk in values.get("moderators", []) if pk in speakers],
        "capacity": values.get("capacity"),
        "cancelled": bool(values.get("is_cancelled")),
    }


def working_diff(forum: Forum, *, change_ids=None) -> WorkingDiff:
    """Every working change of ``forum`` (or those of ``change_ids``) as render-ready rows.

    Constant queries: the changes, their sessions and events, the sessions' people and themes,
    the rooms and speakers named, the hosts who made them.
    """
    from .models import WorkingChange
    from .rules import is_programme_team

    changes = list(
        WorkingChange.objects.filter(forum=forum)
        .select_related("event", "session", "changed_by")
        .order_by("pk")
    )
    if change_ids is not None:
        wanted = {int(pk) for pk in change_ids}
        changes = [c for c in changes if c.pk in wanted]
    session_ids = [c.session_id for c in changes if c.session_id]
    people = _m2m_ids(session_ids)
    live = {
        c.session_id: live_session_values(c.session, people[c.session_id])
        for c in changes
        if c.session_id
    }
    room_ids, speaker_ids = set(), set()
    for c in changes:
        for values in (c.values, live.get(c.session_id, {})):
            if values.get("room"):
                room_ids.add(values["room"])
            speaker_ids.update(values.get("speakers", []), values.get("moderators", []))
    rooms = Room.objects.select_related("venue").in_bulk(room_ids)
    speakers = {s.pk: str(s) for s in Speaker.objects.filter(pk__in=speaker_ids)}
    hosts = {}
    authors = {c.changed_by_id for c in changes if c.changed_by_id}
    if authors:
        from django.contrib.auth import get_user_model

        for user in get_user_model().objects.filter(pk__in=authors).prefetch_related("groups"):
            hosts[user.pk] = not is_programme_team(user)
    released_events = set(
        Session.objects.filter(
            event_id__in=[c.event_id for c in changes if c.kind == c.Kind.EVENT],
            released_in__isnull=False,
        ).values_list("event_id", flat=True)
    )
    tz = ZoneInfo(forum.timezone)
    rows = []
    for c in changes:
        if c.kind == c.Kind.EVENT:
            before = {name: _event_value(c.event, name) for name in EVENT_FIELDS}
            after = {**before, **c.values}
            kinds = _event_kinds(c.values, before)
            day, released = None, c.event_id in released_events
            title = after.get("title_en") or before.get("title_en")
            code = ""
        else:
            current = live.get(c.session_id)
            after_values = {**(current or {}), **c.values}
            kinds = _session_kinds(c.values, current)
            before = _display(current, rooms, speakers) if current else None
            after = _display(after_values, rooms, speakers)
            starts_at = datetime.fromisoformat(after_values["starts_at"])
            day = starts_at.astimezone(tz).date()
            released = bool(c.session_id and c.session.released_in is not None)
            title = after["title_en"]
            code = c.session.code if c.session_id else c.code
        rows.append(
            {
                "id": c.pk,
                "kind": c.kind,
                "kinds": [k for k in CHANGE_KINDS if k in kinds],
                "notifies": bool(set(kinds) & NOTIFYING_KINDS),
                "code": code,
                "session_id": c.session_id,
                "event_id": c.event_id,
                "event_title": str(c.event),
                "title": title,
                "day": day,
                "before": before,
                "after": after,
                "released": released,
                "by": c.changed_by.get_username() if c.changed_by_id else "",
                "by_host": hosts.get(c.changed_by_id, False),
                "changed_at": c.changed_at,
            }
        )
    rows.sort(
        key=lambda r: (r["day"] or date.min, (r["after"] or {}).get("starts_at") or "", r["id"])
    )
    return WorkingDiff(forum, rows)


def _event_value(event: Event, name: str):
    from .services import to_json

    return to_json(getattr(event, "venue_id" if name == "venue" else name))


def release_sessions(forum: Forum, rows) -> dict[int, list[int]]:
    """{diff row id: ids of the live sessions whose followers it concerns} (an event's: all)."""
    event_ids = [row["event_id"] for row in rows if row["kind"] == "event"]
    by_event: dict[int, list[int]] = {}
    for session_id, event_id in Session.objects.filter(event_id__in=event_ids).values_list(
        "pk", "event_id"
    ):
        by_event.setdefault(event_id, []).append(session_id)
    result = {}
    for row in rows:
        if not row["notifies"]:
            result[row["id"]] = []
        elif row["kind"] == "event":
            result[row["id"]] = by_event.get(row["event_id"], [])
        else:
            result[row["id"]] = [row["session_id"]] if row["session_id"] else []
    return result


def release_audience(forum: Forum, rows) -> dict:
    """{row id: {language: people}, "total": {language: people}}: who a release would mail,
    asked of the apps that mail (``signals.release_audience``), never imported here."""
    from .signals import release_audience as signal

    sessions = release_sessions(forum, rows)
    people: dict = {row_id: {} for row_id in sessions}  # row id: {email: language}
    for _receiver, answer in signal.send(sender=Forum, forum=forum, sessions=sessions):
        for row_id, found in (answer or {}).items():
            people.setdefault(row_id, {}).update(found)
    total: dict = {}
    counts = {}
    for row_id, found in people.items():
        counts[row_id] = _per_language(found)
        total.update(found)
    counts["total"] = _per_language(total)
    return counts


def _per_language(found: dict) -> dict:
    counts: dict = {}
    for language in found.values():
        counts[language] = counts.get(language, 0) + 1
    return dict(sorted(counts.items()))
