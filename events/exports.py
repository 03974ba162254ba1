"""iCalendar, JSON and CSV renderings of the schedule (fed by selectors, query nothing)."""

import csv
import io
from datetime import UTC
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from .models import language_prefix

UID_DOMAIN = "zgcforum"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@lru_cache(maxsize=8)
def _vtimezone(tzid: str) -> icalendar.Timezone:
    """The VTIMEZONE of a zone, worked out once per process (it scans the zone's transitions:
    a sixth of the time of a whole-forum export). Only ever serialized, never changed."""
    return icalendar.Timezone.from_tzid(tzid)


def sessions_ical(forum, sessions, *, name: str) -> bytes:
    """One VEVENT per session, times in the forum's zone with its VTIMEZONE; stable UIDs."""
    tz = ZoneInfo(forum.timezone)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//ZGC Forum//Schedule//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", forum.timezone)
    cal.add_component(_vtimezone(forum.timezone))  # before the events that name it
    stamp = (forum.schedule_changed_at or timezone.now()).astimezone(UTC)
    for s in sessions:
        ev = icalendar.Event()
        ev.add("uid", f"{s.code}@{UID_DOMAIN}")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", s.starts_at.astimezone(tz))
        ev.add("dtend", s.ends_at.astimezone(tz))
        ev.add("summary", s.title)
        ev.add("sequence", s.sequence)
        ev.add("status", "CANCELLED" if s.is_cancelled else "CONFIRMED")
        ev.add("location", f"{s.room.name}, {s.room.venue.name}")
        ev.add("url", absolute(s.urls.public))
        people = [str(p) for p in [*s.speakers.all(), *s.moderators.all()]]
        description = s.event.title
        if people:
            description += "\n" + ", ".join(people)
        ev.add("description", description)
        ev.add("categories", [s.event.section.name])
        cal.add_component(ev)
    return cal.to_ical()


def schedule_json(forum, sessions, people, *, release_number: int, language: str) -> dict:
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
    roles: dict[int, tuple[list, list]] = {}  # session id: (speaker slugs, moderator slugs)
    for session_id, pk, slug, name, name_zh, aff_en, aff_zh, country, moderates in people:
        if pk not in speakers:
            affiliation = (aff_zh, aff_en) if order[0] == "zh_hans" else (aff_en, aff_zh)
            speakers[pk] = {
                "slug": slug,
                "name": name,
                "name_zh": name_zh or None,
                "affiliation": affiliation[0] or affiliation[1] or None,
                "country": str(country or "") or None,
                "url": f"{site}/speakers/{slug}/",
            }
        roles.setdefault(session_id, ([], []))[1 if moderates else 0].append(slug)
    events: dict = {}
    rooms: dict = {}
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
        rows.append(
            {
                "code": row["code"],
                "event": row["event__slug"],
                "title": translated(row, "title"),
                "type": row["type"],
                "starts_at": row["starts_at"].isoformat(),
                "ends_at": row["ends_at"].isoformat(),
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
        "forum": {
            "edition": forum.edition,
            "name": forum.name,
            "starts_on": forum.starts_on.isoformat(),
            "ends_on": forum.ends_on.isoformat(),
            "timezone": forum.timezone,
        },
        "version": release_number,
        "language": language,
        "events": list(events.values()),
        "rooms": [room for _key, room in sorted(rooms.values(), key=lambda item: item[0])],
        "speakers": list(speakers.values()),
        "sessions": rows,
    }


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
