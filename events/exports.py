"""iCalendar, JSON and CSV renderings of the schedule (fed by selectors, query nothing)."""

import csv
import io
from datetime import UTC
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

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


def schedule_json(forum, sessions, *, release_number: int, language: str) -> dict:
    """The document described by ``events/schema/schedule.schema.json``."""
    events: dict = {}
    rows = []
    for s in sessions:
        e = s.event
        if e.pk not in events:
            events[e.pk] = {
                "slug": e.slug,
                "title": e.title,
                "type": e.type,
                "section": e.section.slug,
                "host": e.host,
                "public": e.is_public,
                "url": absolute(e.urls.public),
            }
        rows.append(
            {
                "code": s.code,
                "event": e.slug,
                "title": s.title,
                "type": s.type,
                "starts_at": s.starts_at.isoformat(),
                "ends_at": s.ends_at.isoformat(),
                "room": {"id": s.room_id, "name": s.room.name, "venue": s.room.venue.name},
                "language": s.language,
                "interpretation": s.interpretation,
                "livestream_url": s.livestream_url or None,
                "capacity": s.capacity,
                "rsvp_required": s.rsvp_required,
                "cancelled": s.is_cancelled,
                "sequence": s.sequence,
                "speakers": [
                    {"slug": p.slug, "name": p.name, "name_zh": p.name_zh} for p in s.speakers.all()
                ],
                "moderators": [
                    {"slug": p.slug, "name": p.name, "name_zh": p.name_zh}
                    for p in s.moderators.all()
                ],
                "url": absolute(s.urls.public),
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
