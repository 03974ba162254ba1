"""The agenda feed's rows, read by two raw statements, are those the Session instances it used to
build gave (the ORM path below is the oracle), and its calendar the same bytes, on SQLite and
PostgreSQL: stars, seats, a waitlist place, a promotion, a cancelled session, people in both
roles, and nothing of another delegate's or of an unpublished event."""

import pytest
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from delegates import selectors, services
from delegates.models import RSVP, Star
from events import exports
from events import services as event_services
from events.models import ExportFragment, Forum, Session
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.events import EventFactory, ForumFactory, SessionFactory, SpeakerFactory, at

pytestmark = pytest.mark.django_db


def session_rows(sessions, marks: dict | None = None) -> tuple[list[dict], list[tuple]]:
    """The ``selectors.schedule_export`` rows (sessions, people) of Session instances
    (``event__section`` and ``room__venue`` selected, speakers and moderators prefetched),
    each session row with its ``mark`` (session id: ``Mark``; None: as the programme)."""
    rows, people = [], []
    marks = marks or {}
    for s in sessions:
        rows.append(
            {
                "pk": s.pk,
                "code": s.code,
                "title_en": s.title_en,
                "title_zh_hans": s.title_zh_hans,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "sequence": s.sequence,
                "is_cancelled": s.is_cancelled,
                "event__title_en": s.event.title_en,
                "event__title_zh_hans": s.event.title_zh_hans,
                "event__section__name_en": s.event.section.name_en,
                "event__section__name_zh_hans": s.event.section.name_zh_hans,
                "room_id": s.room_id,
                "room__name_en": s.room.name_en,
                "room__name_zh_hans": s.room.name_zh_hans,
                "room__venue__name_en": s.room.venue.name_en,
                "room__venue__name_zh_hans": s.room.venue.name_zh_hans,
                "mark": marks.get(s.pk),
            }
        )
        for moderates, persons in ((False, s.speakers.all()), (True, s.moderators.all())):
            people.extend(
                (s.pk, p.pk, p.slug, p.name, p.name_zh, p.affiliation_en,
                 p.affiliation_zh_hans, p.country, moderates)
                for p in persons
            )  # fmt: skip
    return rows, people


def _oracle(user) -> tuple[Forum, list[dict], list[tuple]]:
    """The feed's forum, rows and people as the Session instances gave them."""
    mine = RSVP.objects.filter(session_id=OuterRef("pk"), user_id=user.pk)
    starred_or_reserved = Q(stars__user=user) | Q(rsvps__user=user)
    sessions = list(
        Session.objects.published()
        .filter(pk__in=Session.objects.filter(starred_or_reserved).values("pk"))
        .select_related("event__forum", "event__section", "room__venue")
        .annotate(
            rsvp_status=Subquery(mine.values("status")[:1]),
            rsvp_promoted=Subquery(mine.values("promoted_at")[:1]),
        )
        .prefetch_related("speakers", "moderators")
        .order_by("starts_at", "ends_at", "pk")
    )
    marks = {s.pk: selectors._feed_mark(s.rsvp_status, s.rsvp_promoted) for s in sessions}
    rows, people = session_rows(sessions, marks)
    return sessions[0].event.forum, rows, people


@pytest.fixture
def busy_agenda():
    """A delegate who starred, reserved, waits, was promoted, and a cancelled session."""
    person, other = approved_delegate(), approved_delegate()
    ana = SpeakerFactory(name="Ana <b>Li</b>", name_zh="李安娜")
    bo = SpeakerFactory(name="Bo Chen", name_zh="")
    starred = SessionFactory(
        title_en="Starred; with, commas", starts_at=at(0, 9), speakers=[bo, ana], moderators=[bo]
    )
    cancelled = SessionFactory(starts_at=at(0, 10))
    seated = rsvp_session(5, starts_at=at(1, 9), ends_at=at(1, 10), speakers=[ana])
    full = rsvp_session(1, starts_at=at(1, 9), ends_at=at(1, 11))
    promoted = rsvp_session(1, starts_at=at(2, 14), ends_at=at(2, 15))
    hidden = SessionFactory(event=EventFactory(is_published=False), starts_at=at(0, 9))
    theirs = SessionFactory(starts_at=at(3, 9))
    for session in (starred, cancelled, seated):
        services.star_session(session, user=person)
    Star.objects.create(user=person, session=hidden)  # starred before it was withdrawn
    services.star_session(theirs, user=other)
    services.reserve_seat(seated, user=person)
    services.star_session(seated, user=person)  # starred and reserved: one event
    services.reserve_seat(full, user=other)
    services.reserve_seat(full, user=person)  # waitlisted
    services.reserve_seat(promoted, user=other)
    services.reserve_seat(promoted, user=person)
    services.cancel_rsvp(promoted, user=other)  # the seat goes to the person
    Session.objects.filter(pk=cancelled.pk).update(is_cancelled=True, sequence=4)
    return person, services.regenerate_feed(person).token


def test_the_rows_are_those_of_the_session_instances(busy_agenda):
    person, token = busy_agenda
    forum, rows, people = selectors.feed_export(token, "en")
    oracle_forum, oracle_rows, oracle_people = _oracle(person)
    assert len(rows) == 5  # starred, cancelled, seated, waitlisted, promoted
    assert {row["mark"].status for row in rows} == {"CONFIRMED", "TENTATIVE"}
    assert [row["mark"] for row in rows] == [row["mark"] for row in oracle_rows]
    assert [row["mark"].sequence for row in rows if row["mark"].busy] == [1, 1, 2]
    for row, expected in zip(rows, oracle_rows, strict=True):
        assert {key: row[key] for key in expected} == expected
    # Ordered by name then id as ``schedule_export``'s (a person of several sessions in any
    # order of those), with its plain country code, not the instances' order and Country.
    by_name = [(p[3], p[1]) for p in people]
    assert by_name == sorted(by_name)

    def whole(p):
        return p[3], p[1], p[0], p[8]

    assert sorted(people, key=whole) == sorted(
        ((*p[:7], str(p[7]), p[8]) for p in oracle_people), key=whole
    )
    assert (forum.pk, forum.timezone) == (oracle_forum.pk, oracle_forum.timezone)
    assert forum.schedule_changed_at == oracle_forum.schedule_changed_at


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_feed_writes_the_bytes_of_the_session_instances(client, busy_agenda, language):
    person, token = busy_agenda
    Forum.objects.update(schedule_changed_at=timezone.now())
    oracle_forum, oracle_rows, oracle_people = _oracle(person)
    prefix = "/zh-hans" if language == "zh-hans" else ""
    response = client.get(f"{prefix}/delegates/agenda/{token}.ics")
    assert response.status_code == 200
    with translation.override(language):
        name = translation.gettext("My ZGC Forum agenda")
        expected = exports.schedule_ical(
            oracle_forum, oracle_rows, oracle_people, name=name, language=language
        )
    assert response.content == expected
    assert response.content.count(b"BEGIN:VEVENT") == 5
    assert b"STATUS:CANCELLED" in response.content and b"STATUS:TENTATIVE" in response.content


def test_an_empty_agenda_is_an_empty_calendar_and_an_unknown_token_a_404(client):
    ForumFactory(edition=2021)
    person = approved_delegate()
    token = services.regenerate_feed(person).token
    forum, rows, people = selectors.feed_export(token, "en")
    assert (forum.edition, rows, people) == (2021, [], [])
    response = client.get(f"/delegates/agenda/{token}.ics")
    assert response.status_code == 200
    assert b"BEGIN:VCALENDAR" in response.content and b"BEGIN:VEVENT" not in response.content
    assert selectors.feed_export("no-such-token", "en") is None
    assert client.get("/delegates/agenda/no-such-token.ics").status_code == 404


def _prepared(forum) -> None:
    """A new version of the forum with its exports prepared, as a release leaves them."""
    Forum.objects.filter(pk=forum.pk).update(cache_version=F("cache_version") + 1)
    assert event_services.prepare_exports(forum.pk)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_feed_from_the_prepared_vevents_is_the_feed_built(client, busy_agenda, language):
    """The VEVENTs a release prepared, with the delegate's STATUS, SEQUENCE and TRANSP put in,
    are the bytes of the feed built from its rows: one statement, not two. A session whose
    VEVENT is not prepared is built among the prepared ones; a title that spells content lines
    cannot pass for the delegate's."""
    person, token = busy_agenda
    # A stamp of its own: with none, each VEVENT is stamped when written (prepared or built).
    Forum.objects.update(schedule_changed_at=timezone.now())
    seated = Session.objects.get(
        rsvps__user=person, rsvps__status=RSVP.Status.CONFIRMED, rsvps__promoted_at=None
    )
    Session.objects.filter(pk=seated.pk).update(
        title_en="Seat\r\nSTATUS:CONFIRMED\r\nSEQUENCE:1\r\nTRANSP:OPAQUE",
        title_zh_hans="座位\nSTATUS:CONFIRMED\nSEQUENCE:1",
    )
    prefix = "/zh-hans" if language == "zh-hans" else ""
    path = f"{prefix}/delegates/agenda/{token}.ics"
    with CaptureQueriesContext(connection) as captured:
        built = client.get(path).content
    assert len(captured.captured_queries) == 2
    assert b"STATUS:TENTATIVE" in built and b"TRANSP:TRANSPARENT" in built

    _prepared(seated.event.forum)
    with CaptureQueriesContext(connection) as captured:
        served = client.get(path).content
    assert len(captured.captured_queries) == 1
    assert served == built

    ExportFragment.objects.filter(object_id=seated.pk, language=language).delete()
    with CaptureQueriesContext(connection) as captured:
        served = client.get(path).content
    assert len(captured.captured_queries) == 2
    assert served == built


def test_a_feed_of_another_language_or_site_is_not_read_from_these_vevents(
    client, busy_agenda, settings
):
    """The prepared VEVENTs are those of the feed's language and site (their URLs name both)."""
    _person, token = busy_agenda
    Forum.objects.update(schedule_changed_at=timezone.now())  # as above
    forum = Forum.objects.get()
    built = {
        prefix: client.get(f"{prefix}/delegates/agenda/{token}.ics").content
        for prefix in ("", "/zh-hans")
    }
    _prepared(forum)
    for prefix, expected in built.items():
        assert client.get(f"{prefix}/delegates/agenda/{token}.ics").content == expected
    settings.SITE_URL = "https://elsewhere.example"
    with CaptureQueriesContext(connection) as captured:
        served = client.get(f"/delegates/agenda/{token}.ics").content
    assert len(captured.captured_queries) == 2  # built: no VEVENT prepared for this site
    assert b"URL:https://elsewhere.example/sessions/" in served
