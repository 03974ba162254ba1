"""iCalendar, JSON and CSV renderings of the schedule (fed by selectors, query nothing)."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC
from zoneinfo import ZoneInfo

import orjson
from django.conf import settings
from django.utils import timezone, translation

from core.countries import country_name

from . import ical
from .models import language_prefix

UID_DOMAIN = "zgcforum"


@dataclass(frozen=True)
class Mark:
    """How one person's calendar shows a session (the caller decides; a cancelled session is
    CANCELLED whatever it says): its STATUS, what to add to the session's SEQUENCE, and whether
    it blocks time (``busy=False``: TRANSP:TRANSPARENT)."""

    status: str = "CONFIRMED"
    sequence: int = 0
    busy: bool = True


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def translator(language: str):
    """``translated(row, field)``: a translated field of an export row as modeltranslation reads
    it in ``language``: that language's value, else the other language's."""
    first, second = ("_zh_hans", "_en") if language == "zh-hans" else ("_en", "_zh_hans")

    def translated(row: dict, field: str) -> str:
        return row[field + first] or row[field + second] or ""

    return translated


def _people_names(people) -> dict[int, tuple[list[str], list[str]]]:
    """``{session id: (speakers, moderators)}`` as ``Speaker.__str__`` names them, from the
    ``selectors.schedule_export`` people rows (ordered by name, so each list is too)."""
    names: dict[int, tuple[list[str], list[str]]] = {}
    for session_id, _pk, _slug, name, name_zh, _aff_en, _aff_zh, _country, moderates in people:
        person = f"{name} ({name_zh})" if name_zh else name
        names.setdefault(session_id, ([], []))[1 if moderates else 0].append(person)
    return names


def _when(moment, tz, zoned: bool, tzid: str) -> str:
    """A DATE-TIME property's parameters and value: the wall time in the forum's zone with its
    TZID, or UTC when the forum's zone is UTC."""
    if zoned:
        return f";TZID={tzid}:{ical.local(moment.astimezone(tz))}"
    return f":{ical.utc(moment.astimezone(UTC))}"


def schedule_ical(forum, sessions, people, *, name: str, language: str) -> bytes:
    """One VEVENT per session, times in the forum's zone with its VTIMEZONE; stable UIDs.

    ``sessions`` and ``people`` are the plain rows of ``selectors.schedule_export`` (no model
    instances; ``selectors.ICAL_FIELDS`` are the session fields read, plus an optional
    ``mark``); translated fields fall back to the other language as modeltranslation does.
    Written as content lines by ``events.ical`` (properties in ``icalendar``'s order, so the
    bytes are those ``icalendar`` would write).

    A row may instead hold its session's VEVENT as the release prepared it (``vevent``,
    ``ExportFragment.vevent``, with the session's ``sequence`` and ``is_cancelled`` and a
    ``mark``): it goes in as it is, with the mark put in (``marked``).
    """
    built = vevents(
        forum, [row for row in sessions if "vevent" not in row], people, language=language
    )
    blocks = (
        marked(row["vevent"], row["sequence"], row["is_cancelled"], row["mark"])
        if "vevent" in row
        else next(built)
        for row in sessions
    )
    return calendar(forum, blocks, name=name)


def marked(vevent: str, sequence: int, cancelled: bool, mark: Mark) -> str:
    """A VEVENT ``vevents`` wrote without a mark (``ExportFragment.vevent``) as it writes it
    with ``mark``: its SEQUENCE raised, its STATUS the mark's (unless cancelled), TRANSP after
    it for a mark that does not block time. Each is a whole content line of its own; a folded
    line goes on with CRLF and a space, so no text of the event can pass for one."""
    if mark.sequence:
        vevent = vevent.replace(
            f"\r\nSEQUENCE:{sequence}\r\n", f"\r\nSEQUENCE:{sequence + mark.sequence}\r\n", 1
        )
    status = "CANCELLED" if cancelled else ical.text(mark.status)
    if status == "CONFIRMED" and mark.busy:
        return vevent
    transp = "" if mark.busy else "\r\nTRANSP:TRANSPARENT"
    was = "CANCELLED" if cancelled else "CONFIRMED"
    return vevent.replace(
        f"\r\nSTATUS:{was}\r\n", f"\r\n{ical.folded(f'STATUS:{status}')}{transp}\r\n", 1
    )


def calendar(forum, blocks, *, name: str) -> bytes:
    """A calendar of ``blocks``, VEVENTs as ``vevents`` writes them (or as they were stored
    in ``ExportFragment.vevent``)."""
    out = ical.Writer()
    line = out.line
    line("BEGIN:VCALENDAR")
    line("VERSION:2.0")
    line("PRODID:-//ZGC Forum//Schedule//EN")
    line("CALSCALE:GREGORIAN")
    line(f"X-WR-CALNAME:{ical.text(name)}")
    line(f"X-WR-TIMEZONE:{ical.text(forum.timezone)}")
    out.raw(ical.vtimezone(forum.timezone))  # before the events that name it
    for block in blocks:
        out.lines_folded(block)
    out.line("END:VCALENDAR")
    return bytes(out)


def vevents(forum, sessions, people, *, language: str):
    """Each session's VEVENT, its content lines folded and joined by CRLF (without a last
    one), in the order of ``sessions``; what many events share (stamp, times, places,
    sections) is written once."""
    translated = translator(language)
    tz = ZoneInfo(forum.timezone)
    zoned = forum.timezone not in ("UTC", "Etc/UTC")
    stamp = ical.utc((forum.schedule_changed_at or timezone.now()).astimezone(UTC))
    names = _people_names(people)
    nobody: tuple[list, list] = ([], [])
    site = absolute(language_prefix())
    folded, text = ical.folded, ical.text
    # Content lines many events share (times, places, sections), escaped and folded once.
    starts: dict = {}
    ends: dict = {}
    places: dict = {}
    categories: dict = {}
    for row in sessions:
        start, end, room = row["starts_at"], row["ends_at"], row["room_id"]
        if start not in starts:
            starts[start] = folded(f"DTSTART{_when(start, tz, zoned, forum.timezone)}")
        if end not in ends:
            ends[end] = folded(f"DTEND{_when(end, tz, zoned, forum.timezone)}")
        if room not in places:
            place = f"{translated(row, 'room__name')}, {translated(row, 'room__venue__name')}"
            places[room] = folded(f"LOCATION:{text(place)}")
        section = translated(row, "event__section__name")
        if section not in categories:
            categories[section] = folded(f"CATEGORIES:{text(section)}")
        speaking, moderating = names.get(row["pk"], nobody)
        description = translated(row, "event__title")
        if speaking or moderating:
            description += "\n" + ", ".join([*speaking, *moderating])
        sequence = row["sequence"]
        status = "CANCELLED" if row["is_cancelled"] else "CONFIRMED"
        transparent = False
        mark = row.get("mark")
        if mark is not None:
            sequence += mark.sequence
            status = "CANCELLED" if row["is_cancelled"] else text(mark.status)
            transparent = not mark.busy
        code = row["code"]
        summary = folded(f"SUMMARY:{text(translated(row, 'title'))}")
        uid = folded(f"UID:{text(code)}@{UID_DOMAIN}")
        about = folded(f"DESCRIPTION:{text(description)}")
        url = folded(f"URL:{site}/sessions/{code}/")  # Session.urls.public
        transp = "\r\nTRANSP:TRANSPARENT" if transparent else ""
        # One block of content lines per event, in icalendar's order of properties.
        yield (
            f"BEGIN:VEVENT\r\n{summary}\r\n{starts[start]}\r\n{ends[end]}\r\n"
            f"DTSTAMP:{stamp}\r\n{uid}\r\nSEQUENCE:{sequence}\r\n{categories[section]}\r\n"
            f"{about}\r\n{places[room]}\r\n{folded(f'STATUS:{status}')}{transp}\r\n"
            f"{url}\r\nEND:VEVENT"
        )


def schedule_json(
    forum, sessions, people, *, release_number: int, language: str, releases=()
) -> dict:
    """The document described by ``events/schema/schedule.schema.json``, normalized: events,
    rooms and speakers once each at the top, sessions referring to them by slug or id.

    ``sessions`` and ``people`` are the plain rows of ``selectors.schedule_export`` (no model
    instances: a ten-times forum holds ~2,900 sessions); translated fields fall back to the
    other language as modeltranslation does, URLs are those of the models' ``urls``.
    """
    order = ("zh_hans", "en") if language == "zh-hans" else ("en", "zh_hans")

    def translated(row, field: str) -> str:
        return row[f"{field}_{order[0]}"] or row[f"{field}_{order[1]}"]

    site = absolute(language_prefix())
    speakers: dict[int, dict] = {}
    # Country names in the document's language, switched on once (not once per country).
    with translation.override(language):
        countries = {code: country_name(code) or None for code in {str(p[7] or "") for p in people}}
    roles: dict[int, tuple[list, list]] = {}  # session id: (speaker slugs, moderator slugs)
    for session_id, pk, slug, name, name_zh, aff_en, aff_zh, country, moderates in people:
        if pk not in speakers:
            country_code = str(country or "")
            affiliation = (aff_zh, aff_en) if order[0] == "zh_hans" else (aff_en, aff_zh)
            speakers[pk] = {
                "slug": slug,
                "name": name,
                "name_zh": name_zh or None,
                "affiliation": affiliation[0] or affiliation[1] or None,
                "country": country_code or None,
                "country_name": countries[country_code],
                "url": f"{site}/speakers/{slug}/",
            }
        roles.setdefault(session_id, ([], []))[1 if moderates else 0].append(slug)
    events: dict = {}
    rooms: dict = {}
    moments: dict = {}  # datetime: ISO 8601 (sessions share their start and end times)
    rows = []
    nobody: tuple[list, list] = ([], [])
    for row in sessions:
        if row["event_id"] not in events:
            events[row["event_id"]] = {
                "slug": row["event__slug"],
                "title": translated(row, "event__title"),
                "type": row["event__type"],
                "section": row["event__section__slug"],
                "host": translated(row, "event__host"),
                "public": row["event__is_public"],
                "url": f"{site}/events/{row['event__slug']}/",
            }
        room = row["room_id"]
        if room not in rooms:
            rooms[room] = (
                (row["room__venue__position"], row["room__position"], room),
                {
                    "id": room,
                    "name": translated(row, "room__name"),
                    "venue": translated(row, "room__venue__name"),
                    "floor": row["room__floor"] or None,
                    "capacity": row["room__capacity"],
                },
            )
        speaking, moderating = roles.get(row["pk"], nobody)
        start, end = row["starts_at"], row["ends_at"]
        if start not in moments:
            moments[start] = start.isoformat()
        if end not in moments:
            moments[end] = end.isoformat()
        rows.append(
            {
                "code": row["code"],
                "event": row["event__slug"],
                "title": translated(row, "title"),
                "type": row["type"],
                "starts_at": moments[start],
                "ends_at": moments[end],
                "room": room,
                "language": row["language"],
                "interpretation": row["interpretation"],
                "livestream_url": row["livestream_url"] or None,
                "capacity": row["capacity"],
                "rsvp_required": row["rsvp_required"],
                "cancelled": row["is_cancelled"],
                "sequence": row["sequence"],
                "speakers": speaking,
                "moderators": moderating,
                "url": f"{site}/sessions/{row['code']}/",
            }
        )
    return {
        **_json_head(forum, release_number=release_number, language=language, releases=releases),
        "events": list(events.values()),
        "rooms": [room for _key, room in sorted(rooms.values(), key=lambda item: item[0])],
        "speakers": list(speakers.values()),
        "sessions": rows,
    }


def _json_head(forum, *, release_number: int, language: str, releases) -> dict:
    """The document's members before its events: the forum, the version and its releases."""
    site = absolute(language_prefix())
    return {
        "forum": {
            "edition": forum.edition,
            "name": forum.name,
            "starts_on": forum.starts_on.isoformat(),
            "ends_on": forum.ends_on.isoformat(),
            "timezone": forum.timezone,
        },
        "version": release_number,
        "releases": [
            {
                "version": release.number,
                "released_at": release.released_at.isoformat(),
                "note_en": release.comment_en or None,
                "note_zh_hans": release.comment_zh_hans or None,
                "url": f"{site}/schedule/changes/#release-{release.number}",
            }
            for release in releases
        ],
        "language": language,
    }


def json_from_fragments(
    forum, fragments: dict[str, list[str]], *, release_number: int, language: str, releases
) -> bytes:
    """``/api/schedule.json`` from ``selectors.json_fragments``: the head written here, then
    the events, rooms, speakers and sessions as they were prepared (each a JSON object written
    by ``dumps``): byte for byte ``dumps(schedule_json(…))``."""
    head = dumps(
        _json_head(forum, release_number=release_number, language=language, releases=releases)
    )
    parts = [head[:-1]]  # without its closing brace
    for kind in ("event", "room", "speaker", "session"):
        parts += [f',"{kind}s":['.encode(), ",".join(fragments.get(kind, [])).encode(), b"]"]
    return b"".join([*parts, b"}"])


def dumps(document) -> bytes:
    """``document`` as compact UTF-8 JSON: byte for byte ``json.dumps(document,
    ensure_ascii=False, separators=(",", ":")).encode()``, written by orjson."""
    return orjson.dumps(document)


CSV_COLUMNS = [
    "code",
    "event",
    "section",
    "title_en",
    "title_zh_hans",
    "type",
    "starts_at",
    "ends_at",
    "venue",
    "room",
    "language",
    "interpretation",
    "capacity",
    "rsvp_required",
    "cancelled",
    "published",
    "speakers",
    "moderators",
]


def sessions_csv(sessions) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for s in sessions:
        writer.writerow(
            [
                s.code,
                s.event.title_en,
                s.event.section.name_en,
                s.title_en,
                s.title_zh_hans,
                s.type,
                timezone.localtime(s.starts_at).isoformat(),
                timezone.localtime(s.ends_at).isoformat(),
                s.room.venue.name_en,
                s.room.name_en,
                s.language,
                int(s.interpretation),
                s.capacity or "",
                int(s.rsvp_required),
                int(s.is_cancelled),
                int(s.event.is_published),
                "; ".join(str(p) for p in s.speakers.all()),
                "; ".join(str(p) for p in s.moderators.all()),
            ]
        )
    return "\ufeff" + out.getvalue()  # BOM: spreadsheet programs then read the Chinese right
