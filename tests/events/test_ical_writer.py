"""The lean iCalendar writer (``events/ical.py``): RFC 5545 escaping and 75-octet folding, and on
the demo forum, in both languages, the same events as the ``icalendar``-based builder it replaced
(``tests/events/ical_oracle.py``): the whole forum, each event, each session, a personal feed."""

import re
from datetime import timedelta

import icalendar
import pytest
from django.db.models import F
from django.utils import timezone, translation

from delegates import selectors as delegate_selectors
from delegates import services as delegate_services
from delegates.models import RSVP, Registration, Star
from events import exports, ical, selectors
from events import services as event_services
from events.models import Event, ExportFragment, Forum, Session
from tests.events.ical_oracle import oracle_schedule_ical

LANGUAGES = ["en", "zh-hans"]


def test_text_values_escape_backslashes_semicolons_commas_and_line_breaks():
    assert ical.text("a\\b;c,d\ne\r\nf\rg") == "a\\\\b\\;c\\,d\\ne\\nf\\ng"
    assert ical.text("碳中和：绿色发展") == "碳中和：绿色发展"


@pytest.mark.parametrize(
    "tzid",
    [
        "Asia/Shanghai",
        "UTC",
        "Asia/Kolkata",
        "Europe/Berlin",
        "America/New_York",
        "Pacific/Chatham",
    ],
)
def test_the_vtimezone_is_the_one_icalendar_writes(tzid):
    """Written from the component's values (``ical.vtimezone``), byte for byte what
    ``icalendar``'s ``to_ical`` writes: zones without and with summer time, long RDATE lists."""
    written = ical.vtimezone(tzid)
    assert written == icalendar.Timezone.from_tzid(tzid).to_ical()
    assert written.startswith(b"BEGIN:VTIMEZONE\r\nTZID:" + tzid.encode())


@pytest.mark.parametrize(
    "value",
    [
        "short",
        "x" * 300,
        "碳中和与绿色发展" * 20,  # 3-octet characters: never cut inside one
        "é" * 101,
        "😀" * 40,  # 4 octets each
        "x" * 64 + ";" * 20,  # escapes at the fold
        "y" * 65 + "\\" * 30,
        "Opening, remarks; and\nmore " * 12,
    ],
)
def test_folded_lines_are_75_octets_at_most_and_read_back_whole(value):
    line = f"SUMMARY:{ical.text(value)}".encode()
    folded = ical.fold(line)
    physical = folded.split(b"\r\n")
    assert all(len(piece) <= 75 for piece in physical)
    assert all(piece.startswith(b" ") for piece in physical[1:])
    assert all(piece.decode() for piece in physical)  # whole UTF-8 characters in each
    assert not any(piece.endswith(b"\\") for piece in physical[:-1])  # escapes stay whole
    assert b"".join([physical[0], *(piece[1:] for piece in physical[1:])]) == line
    event = icalendar.Event.from_ical(b"BEGIN:VEVENT\r\n" + folded + b"\r\nEND:VEVENT\r\n")
    assert str(event["SUMMARY"]) == value


def _events(content: bytes) -> tuple[icalendar.Calendar, list[icalendar.Event]]:
    calendar = icalendar.Calendar.from_ical(content)
    return calendar, list(calendar.walk("VEVENT"))


def _unescaped(value) -> str:
    """A TEXT value read raw (an X- property) without its RFC 5545 escapes."""
    escapes = {"\\\\": "\\", "\\,": ",", "\\;": ";", "\\n": "\n", "\\N": "\n"}
    text = value.to_ical().decode() if hasattr(value, "to_ical") else str(value)
    return re.sub(r"\\[\\,;nN]", lambda m: escapes[m[0]], text)


def _summary(event: icalendar.Event) -> dict:
    """What a calendar app shows and keys on, as icalendar reads it."""
    return {
        "uid": str(event["UID"]),
        "start": event.decoded("DTSTART"),
        "end": event.decoded("DTEND"),
        "tzid": (event["DTSTART"].params.get("TZID"), event["DTEND"].params.get("TZID")),
        "sequence": int(event["SEQUENCE"]),
        "status": str(event["STATUS"]),
        "summary": str(event["SUMMARY"]),
        "description": str(event["DESCRIPTION"]),
        "location": str(event["LOCATION"]),
        "transp": str(event.get("TRANSP", "")),
        "url": str(event["URL"]),
        "stamp": event.decoded("DTSTAMP"),
    }


def assert_same_calendar(lean: bytes, oracle: bytes) -> int:
    """The two calendars read back as the same events, one by one (and every property of
    each, as icalendar writes it again); the number of events."""
    lean_calendar, lean_events = _events(lean)
    oracle_calendar, oracle_events = _events(oracle)
    for name in ("VERSION", "PRODID", "CALSCALE", "X-WR-TIMEZONE"):
        assert lean_calendar[name] == oracle_calendar[name], name
    # icalendar writes an X- property it does not know raw; the writer escapes it as the TEXT it
    # is (RFC 5545 §3.8.8.2), so "Intelligence, Health" becomes "Intelligence\, Health".
    assert _unescaped(lean_calendar["X-WR-CALNAME"]) == str(oracle_calendar["X-WR-CALNAME"])
    assert [z.to_ical() for z in lean_calendar.walk("VTIMEZONE")] == [
        z.to_ical() for z in oracle_calendar.walk("VTIMEZONE")
    ]
    assert len(lean_events) == len(oracle_events)
    for mine, theirs in zip(lean_events, oracle_events, strict=True):
        assert _summary(mine) == _summary(theirs)
        assert mine.to_ical() == theirs.to_ical()
    return len(lean_events)


def _both(forum, sessions, people, *, name, language) -> tuple[bytes, bytes]:
    return (
        exports.schedule_ical(forum, sessions, people, name=name, language=language),
        oracle_schedule_ical(forum, sessions, people, name=name, language=language),
    )


def _delegate_with_a_busy_agenda(forum):
    """The demo's first approved delegate with 50 stars, 2 seats, a waitlist place and a
    cancelled session: every mark a feed writes."""
    user = (
        Registration.objects.filter(status=Registration.Status.APPROVED, anonymised_at=None)
        .order_by("pk")
        .first()
        .user
    )
    sessions = list(selectors.public_sessions(forum).order_by("starts_at", "pk"))
    for session in sessions[:50]:
        Star.objects.get_or_create(user=user, session=session)
    reservable = [s for s in sessions if s.rsvp_required and not s.is_cancelled]
    later = timezone.now() + timedelta(days=1)
    Session.objects.filter(pk__in=[s.pk for s in reservable[:3]]).update(
        rsvp_closes_at=later,
        starts_at=later + timedelta(hours=1),
        ends_at=later + timedelta(hours=2),
    )
    for session in reservable[:2]:
        RSVP.objects.update_or_create(
            user=user, session=session, defaults={"status": RSVP.Status.CONFIRMED}
        )
    RSVP.objects.update_or_create(
        user=user, session=reservable[2], defaults={"status": RSVP.Status.WAITLISTED}
    )
    Session.objects.filter(pk=sessions[1].pk).update(is_cancelled=True, sequence=3)
    return delegate_services.regenerate_feed(user).token


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_lean_writer_writes_the_oracles_events_on_the_demo_forum(demo_forum, language):
    forum = demo_forum
    token = _delegate_with_a_busy_agenda(forum)
    with translation.override(language):
        sessions, people = selectors.schedule_export(forum)
        whole = assert_same_calendar(
            *_both(forum, sessions, people, name=forum.name, language=language)
        )
        assert whole == len(sessions) > 250
        raw = exports.schedule_ical(forum, sessions, people, name=forum.name, language=language)
        assert b"DTSTART;TZID=Asia/Shanghai:2021" in raw
        assert max(len(line) for line in raw.split(b"\r\n")) <= 75

        for event in Event.objects.filter(forum=forum).published():
            rows, event_people = selectors.schedule_export(forum, event=event)
            assert_same_calendar(
                *_both(forum, rows, event_people, name=event.title, language=language)
            )

        for row in sessions:
            rows, session_people = selectors.schedule_export(forum, code=row["code"])
            title = exports.translator(language)(rows[0], "title")
            assert (
                assert_same_calendar(
                    *_both(forum, rows, session_people, name=title, language=language)
                )
                == 1
            )

        # The feed from the VEVENTs its release prepared, each with the delegate's mark put
        # in: the bytes of the feed built from its rows, which reads as the oracle's.
        Forum.objects.filter(pk=forum.pk).update(cache_version=F("cache_version") + 1)
        assert event_services.prepare_exports(forum.pk)
        feed_forum, rows, feed_people = delegate_selectors.feed_export(token, language)
        assert feed_people == [] and all("vevent" in row for row in rows)
        from_fragments = exports.schedule_ical(
            feed_forum, rows, [], name="My agenda", language=language
        )
        ExportFragment.objects.filter(forum=forum).delete()
        feed_forum, rows, feed_people = delegate_selectors.feed_export(token, language)
        assert feed_people and not any("vevent" in row for row in rows)
        lean, oracle = _both(feed_forum, rows, feed_people, name="My agenda", language=language)
        assert assert_same_calendar(lean, oracle) >= 50
        assert from_fragments == lean
        _calendar, events = _events(lean)
        assert {str(e["STATUS"]) for e in events} == {"CONFIRMED", "TENTATIVE", "CANCELLED"}
        assert any(str(e.get("TRANSP", "")) == "TRANSPARENT" for e in events)
