"""The icalendar-based builder the exports used before ``events.ical``: kept as the oracle the
lean writer is checked against (``test_ical_writer.py``), and as the measure of what it saved.

Unchanged but for its name and the imports: a tree of ``icalendar`` components serialized by
``to_ical``.
"""

from datetime import UTC
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone
from icalendar import vCategory, vDDDTypes, vInt, vText, vUri

from events.exports import UID_DOMAIN, _people_names, absolute, translator
from events.models import language_prefix


@lru_cache(maxsize=8)
def _vtimezone(tzid: str) -> icalendar.Timezone:
    return icalendar.Timezone.from_tzid(tzid)


def oracle_schedule_ical(forum, sessions, people, *, name: str, language: str) -> bytes:
    """One VEVENT per session, times in the forum's zone with its VTIMEZONE; stable UIDs.

    ``sessions`` and ``people`` are the plain rows of ``selectors.schedule_export`` (no model
    instances); translated fields fall back to the other language as modeltranslation does.
    Property values are handed to icalendar already typed (as ``Component.add`` would make
    them), and those many events share (stamp, times, rooms, sections, statuses) made once.
    """
    translated = translator(language)
    tz = ZoneInfo(forum.timezone)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//ZGC Forum//Schedule//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", forum.timezone)
    cal.add_component(_vtimezone(forum.timezone))  # before the events that name it
    stamp = vDDDTypes((forum.schedule_changed_at or timezone.now()).astimezone(UTC))
    status = {False: vText("CONFIRMED"), True: vText("CANCELLED")}
    names = _people_names(people)
    nobody: tuple[list, list] = ([], [])
    site = absolute(language_prefix())
    times: dict = {}
    sequences: dict = {}
    places: dict = {}
    categories: dict = {}
    for row in sessions:
        start, end, room = row["starts_at"], row["ends_at"], row["room_id"]
        if start not in times:
            times[start] = vDDDTypes(start.astimezone(tz))
        if end not in times:
            times[end] = vDDDTypes(end.astimezone(tz))
        if room not in places:
            places[room] = vText(
                f"{translated(row, 'room__name')}, {translated(row, 'room__venue__name')}"
            )
        section = translated(row, "event__section__name")
        if section not in categories:
            categories[section] = vCategory([section])
        sequence = row["sequence"]
        if sequence not in sequences:
            sequences[sequence] = vInt(sequence)
        speaking, moderating = names.get(row["pk"], nobody)
        description = translated(row, "event__title")
        if speaking or moderating:
            description += "\n" + ", ".join([*speaking, *moderating])
        ev = icalendar.Event()
        ev["UID"] = vText(f"{row['code']}@{UID_DOMAIN}")
        ev["DTSTAMP"] = stamp
        ev["DTSTART"] = times[start]
        ev["DTEND"] = times[end]
        ev["SUMMARY"] = vText(translated(row, "title"))
        mark = row.get("mark")
        if mark is None:
            ev["SEQUENCE"] = sequences[sequence]
            ev["STATUS"] = status[row["is_cancelled"]]
        else:
            ev["SEQUENCE"] = vInt(sequence + mark.sequence)
            ev["STATUS"] = status[True] if row["is_cancelled"] else vText(mark.status)
            if not mark.busy:
                ev["TRANSP"] = vText("TRANSPARENT")
        ev["LOCATION"] = places[room]
        ev["URL"] = vUri(f"{site}/sessions/{row['code']}/")  # Session.urls.public
        ev["DESCRIPTION"] = vText(description)
        ev["CATEGORIES"] = categories[section]
        cal.add_component(ev)
    return cal.to_ical()
