"""My agenda: stars from the programme pages, the page by day, the private iCal feed."""

import icalendar
import pytest

from delegates import services
from delegates.models import AgendaFeed, Star
from events import services as schedule
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.accounts import UserFactory
from tests.factories.delegates import RegistrationFactory
from tests.factories.events import EventFactory, SessionFactory, at
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db


def test_star_from_the_session_page_and_see_it_on_the_agenda(client):
    session = SessionFactory(title_en="Opening keynote", starts_at=at(0, 9), ends_at=at(0, 10))
    person = approved_delegate()
    client.force_login(person)
    page = client.get(session.urls.public).content.decode()
    assert f'action="/delegates/sessions/{session.code}/star/"' in page
    response = client.post(
        f"/delegates/sessions/{session.code}/star/", {"next": session.urls.public}, follow=True
    )
    assert response.redirect_chain[-1][0] == session.urls.public
    assert "“Opening keynote” is on your agenda." in response.content.decode()
    agenda = client.get("/delegates/agenda/").content.decode()
    assert "Opening keynote" in agenda and "Friday, 24 September 2021" in agenda
    client.post(f"/delegates/sessions/{session.code}/unstar/")
    assert not Star.objects.exists()


def test_star_buttons_on_event_and_schedule_pages(client):
    session = SessionFactory(starts_at=at(0, 9), ends_at=at(0, 10))
    anonymous_event = client.get(session.event.urls.public).content.decode()
    assert "Log in to add to your agenda" in anonymous_event
    assert "Log in to add to your agenda" in client.get(session.urls.public).content.decode()
    client.force_login(approved_delegate())
    event_page = client.get(session.event.urls.public).content.decode()
    assert f'action="/delegates/sessions/{session.code}/star/"' in event_page
    # The schedule day is cached for everyone; the viewer's forms are placed into it.
    schedule_page = client.get("/schedule/?day=2021-09-24").content.decode()
    assert f'action="/delegates/sessions/{session.code}/star/"' in schedule_page
    assert f'value="/schedule/?day=2021-09-24#session-{session.code}"' in schedule_page
    # The confirmation page is gone: an old link goes to the session.
    old = client.get(f"/delegates/sessions/{session.code}/star/")
    assert old.status_code == 302 and old.url == session.urls.public


def test_an_offsite_next_is_ignored(client):
    session = SessionFactory()
    client.force_login(approved_delegate())
    response = client.post(
        f"/delegates/sessions/{session.code}/star/", {"next": "https://evil.example/"}
    )
    assert response.url == "/delegates/agenda/"


def test_only_approved_delegates_star(client):
    session = SessionFactory()
    pending = UserFactory()
    RegistrationFactory(user=pending)
    client.force_login(pending)
    response = client.post(f"/delegates/sessions/{session.code}/star/", follow=True)
    assert "Only approved delegates" in response.content.decode()
    assert not Star.objects.exists()
    assert (
        "opens once your registration is approved"
        in client.get("/delegates/agenda/").content.decode()
    )


def test_agenda_by_day_marks_overlaps():
    person = approved_delegate()
    a = SessionFactory(title_en="Alpha", starts_at=at(0, 9), ends_at=at(0, 10))
    b = SessionFactory(title_en="Beta", starts_at=at(0, 9, 30), ends_at=at(0, 11))
    c = SessionFactory(title_en="Gamma", starts_at=at(0, 11), ends_at=at(0, 12))
    d = SessionFactory(title_en="Delta", starts_at=at(1, 9), ends_at=at(1, 10))
    seat = rsvp_session(5, title_en="Epsilon", starts_at=at(1, 9, 30), ends_at=at(1, 10, 30))
    for s in (a, b, c, d):
        services.star_session(s, user=person)
    services.reserve_seat(seat, user=person)
    from delegates.selectors import agenda

    days = agenda(person)
    assert [[r.session.title for r in day.rows] for day in days] == [
        ["Alpha", "Beta", "Gamma"],
        ["Delta", "Epsilon"],
    ]
    assert [[r.overlaps for r in day.rows] for day in days] == [[True, True, False], [True, True]]
    assert days[1].rows[1].confirmed and not days[1].rows[1].starred


def feed_of(client, person) -> str:
    client.force_login(person)
    client.post("/delegates/agenda/feed/")
    return AgendaFeed.objects.get(user=person).urls.ical


def test_feed_follows_changes_and_can_be_revoked_and_regenerated(client):
    person = approved_delegate()
    moving = SessionFactory(title_en="Moving", starts_at=at(0, 9), ends_at=at(0, 10))
    dropped = SessionFactory(title_en="Dropped", starts_at=at(0, 11), ends_at=at(0, 12))
    services.star_session(moving, user=person)
    services.star_session(dropped, user=person)
    url = feed_of(client, person)
    assert url in client.get("/delegates/agenda/").content.decode()
    schedule.update_session(moving, starts_at=at(0, 14), ends_at=at(0, 15))
    schedule.cancel_session(dropped)
    client.logout()  # a calendar app has no session: the token is the key
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = {
        str(e["summary"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    assert events["Moving"]["sequence"] == 1 and events["Moving"]["status"] == "CONFIRMED"
    assert events["Moving"].decoded("dtstart") == at(0, 14)
    assert events["Dropped"]["sequence"] == 1 and events["Dropped"]["status"] == "CANCELLED"
    client.force_login(person)
    client.post("/delegates/agenda/feed/")  # a new address: the old one is dead
    assert client.get(url).status_code == 404
    new_url = AgendaFeed.objects.get(user=person).urls.ical
    assert client.get(new_url).status_code == 200
    client.post("/delegates/agenda/feed/revoke/")
    assert client.get(new_url).status_code == 404
    assert not AgendaFeed.objects.exists()


def test_a_delegate_sees_only_their_own_agenda_and_feed(client):
    """Sweep: every agenda page and feed of two delegates shows only that delegate's sessions."""
    people = [approved_delegate() for _ in range(2)]
    sessions = []
    for i, person in enumerate(people):
        own = SessionFactory(
            title_en=f"Only for person {i}",
            title_zh_hans=f"person {i} 专场",
            starts_at=at(i, 9),
            ends_at=at(i, 10),
        )
        services.star_session(own, user=person)
        seat = rsvp_session(3, title_en=f"Seat of person {i}", title_zh_hans=f"person {i} 座位")
        services.reserve_seat(seat, user=person)
        sessions.append((own, seat))
    feeds = [feed_of(client, p) for p in people]
    for i, person in enumerate(people):
        other = 1 - i
        client.force_login(person)
        for body in (
            client.get("/delegates/agenda/").content.decode(),
            client.get("/zh-hans/delegates/agenda/").content.decode(),
            client.get(feeds[i]).content.decode(),
        ):
            assert f"person {i}" in body
            assert f"person {other}" not in body
            assert feeds[other] not in body
    client.logout()
    assert client.get("/delegates/agenda/").status_code == 302  # login wall
    assert client.get("/delegates/agenda/not-a-token.ics").status_code == 404


def _agenda_of(person, n):
    event = EventFactory()
    for i in range(n):
        s = SessionFactory(
            event=event, starts_at=at(i % 3, 9 + i % 8), ends_at=at(i % 3, 10 + i % 8)
        )
        services.star_session(s, user=person)
        if i % 2:
            seat = rsvp_session(1, event=event, starts_at=at(i % 3, 9), ends_at=at(i % 3, 10))
            services.reserve_seat(seat, user=approved_delegate())
            services.reserve_seat(seat, user=person)  # waitlisted: a position to compute


# session, user, approved?, feed, sessions, then the cards' state in one statement (category,
# sessions with seats taken, invitations, stars, RSVPs with positions)
AGENDA_QUERIES = 6
FEED_QUERIES = 2  # the agenda's sessions with their marks, their people


def test_agenda_queries_do_not_grow(client):
    person = approved_delegate()
    client.force_login(person)
    client.post("/delegates/agenda/feed/")
    first, second = assert_queries_do_not_grow(
        lambda: client.get("/delegates/agenda/"),
        lambda n: _agenda_of(person, n),
        budget=AGENDA_QUERIES,
        n=4,
    )
    assert first.status_code == second.status_code == 200
    # One waitlisted seat per two sessions starred, each first in its line.
    assert [r.content.decode().count("Waitlist: number 1") for r in (first, second)] == [2, 6]


def test_feed_queries_do_not_grow(client):
    person = approved_delegate()
    url = feed_of(client, person)
    client.logout()
    first, second = assert_queries_do_not_grow(
        lambda: client.get(url), lambda n: _agenda_of(person, n), budget=FEED_QUERIES, n=4
    )
    assert first.status_code == second.status_code == 200
    # Every session starred and every seat asked for (waitlisted): n + n / 2 events.
    assert [r.content.decode().count("BEGIN:VEVENT") for r in (first, second)] == [6, 18]
