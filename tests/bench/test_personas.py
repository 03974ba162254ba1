"""The bench's logged-in row: a delegate with 40 stars and 10 seats, and their session cookie."""

import pytest

from bench import personas
from bench.pages import parse_entry
from delegates.models import RSVP, Star
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.events import SessionFactory, at

pytestmark = pytest.mark.django_db


def test_a_page_with_a_session_sends_its_cookie_and_says_who_in_the_table():
    page = parse_entry(
        ("day, delegate", "/schedule/?day=2021-09-24", {"session": "delegate"}), source="t"
    )
    assert page.session == "delegate" and page.mode == "warm, delegate"


def test_the_delegate_persona_has_40_stars_10_seats_and_a_working_session(client):
    for i in range(45):
        SessionFactory(starts_at=at(0, 9, i % 60), ends_at=at(0, 18))
    for _ in range(12):
        rsvp_session(20, starts_at=at(0, 8), ends_at=at(0, 9))
    person = approved_delegate(email="delegate@example.org")
    cookie = personas.delegate()
    assert Star.objects.filter(user=person).count() == 40
    assert RSVP.objects.filter(user=person, status=RSVP.Status.CONFIRMED).count() == 10
    assert personas.delegate() != cookie  # again: a new session, the same agenda
    assert Star.objects.filter(user=person).count() == 40
    client.cookies.load(cookie)  # the session and the CSRF cookie, as a browser holds them
    assert set(client.cookies) == {"sessionid", "csrftoken"}
    page = client.get("/schedule/?day=2021-09-24").content.decode()
    assert page.count("On my agenda") == 40 and page.count("Seat confirmed") == 10
