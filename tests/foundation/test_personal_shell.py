"""Programme pages for logged-in viewers: one shell rendered for all of them, kept like a public
page, and filled for each request with the viewer's own parts (core.page_cache.personal_page,
core.personal): their doors, name, CSRF token, messages and each session's state."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import connection
from django.template import RequestContext, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.personal import fill, split
from delegates import services
from delegates.models import Registration, Star
from events import services as events_services
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.delegates.test_card_states import card_of
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, SpeakerFactory, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_on")]

DAY = "/schedule/?day=2021-09-24"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def session(db):
    return rsvp_session(
        50,
        title_en="Shell probe",
        starts_at=at(0, 9),
        ends_at=at(0, 10),
        speakers=[SpeakerFactory(name="Ada Example")],
    )


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", ["day", "session", "event", "speaker"])
def test_one_shell_serves_every_viewer_with_their_own_parts(session, page):
    url = {
        "day": DAY,
        "session": session.urls.public,
        "event": session.event.urls.public,
        "speaker": session.speakers.first().urls.public,
    }[page]
    ada = approved_delegate(name="Delegate Ada", email="ada@example.org")
    Star.objects.create(user=ada, session=session)
    bo = approved_delegate(name="Delegate Bo", email="bo@example.org")
    services.reserve_seat(session, user=bo)

    first_count, first = queries(logged_in(ada), url)  # renders the shell and stores it
    bo_client = logged_in(bo)
    second_count, second = queries(bo_client, url)  # the stored shell, filled for Bo

    assert second_count < first_count
    assert "Delegate Ada" in first and "On my agenda" in first and "Seat confirmed" not in first
    assert "Delegate Bo" in second and "Seat confirmed" in second
    assert "Delegate Ada" not in second and "On my agenda" not in second
    assert "<!--f:" not in second and "Log in to add to your agenda" not in second
    # Bo's page carries Bo's token: a form on it posts (CSRF checked) and stars the session.
    csrf = Client(enforce_csrf_checks=True)
    csrf.cookies = bo_client.cookies
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', second).group(1)
    posted = csrf.post(f"/delegates/sessions/{session.code}/star/", {"csrfmiddlewaretoken": token})
    assert posted.status_code == 302
    assert Star.objects.filter(user=bo, session=session).exists()


def test_a_programme_change_shows_to_logged_in_viewers_at_once(session):
    client = logged_in(approved_delegate())
    assert "Shell probe" in client.get(DAY).content.decode()
    assert "Shell probe" in client.get(session.urls.public).content.decode()
    events_services.update_session(session, title_en="Shell probe, renamed")  # as a release does
    assert "Shell probe, renamed" in client.get(DAY).content.decode()
    assert "Shell probe, renamed" in client.get(session.urls.public).content.decode()


def test_the_viewers_own_state_changes_show_on_the_stored_shell(session):
    person = approved_delegate(email="star@example.org")
    client = logged_in(person)
    client.get(DAY)  # the shell is stored
    page = client.post(
        f"/delegates/sessions/{session.code}/star/", {"next": DAY}, follow=True
    ).content.decode()
    assert "On my agenda" in page  # the card, filled from the stored shell
    assert 'class="messages"' in page  # and the message the star left, read once
    assert 'class="messages"' not in client.get(DAY).content.decode()


def test_a_viewer_who_is_no_delegate_gets_their_own_doors(session):
    delegate = logged_in(approved_delegate(email="in@example.org"))
    assert "My agenda" in delegate.get(DAY).content.decode()
    newcomer = UserFactory(name="Newcomer Wu")
    page = logged_in(newcomer).get(DAY).content.decode()
    assert "Newcomer Wu" in page and "Register for the forum" in page
    assert "My registration" not in page


def test_a_shell_is_kept_per_language(session):
    client = logged_in(approved_delegate())
    assert 'lang="en"' in client.get(DAY).content.decode()
    assert 'lang="zh-hans"' in client.get("/zh-hans" + DAY).content.decode()
    assert 'lang="en"' in client.get(DAY).content.decode()


def test_the_frames_filled_parts_are_what_it_writes_outside_a_shell(session, client):
    """The frame of a shell, filled, is byte for byte the frame written for the viewer (but
    each CSRF token, masked anew on every call)."""
    user = approved_delegate(name="Frame <Probe>", email="frame@example.org")
    client.force_login(user)
    client.get(DAY)
    request = RequestFactory().get(DAY)
    request.user = user
    request.session = client.session
    request.COOKIES = {key: morsel.value for key, morsel in client.cookies.items()}
    template = Template("{% load frame %}{% site_navbar %}{% site_messages %}")
    request._messages = FallbackStorage(request)
    request._messages.add(20, "Saved <for you>.")
    written = template.render(RequestContext(request))
    request._messages = FallbackStorage(request)
    request._messages.add(20, "Saved <for you>.")
    request.personal_shell = True
    shell = template.render(RequestContext(request))
    assert "<!--f:doors-->" in shell and "Frame" not in shell and "Saved" not in shell
    filled = fill(request, split(shell))
    assert "Frame &lt;Probe&gt;" in written and "Saved &lt;for you&gt;." in written
    assert TOKEN.sub("TOKEN", filled) == TOKEN.sub("TOKEN", written)


def test_a_searched_page_is_filled_but_never_stored(session):
    client = logged_in(approved_delegate())
    url = "/schedule/?q=Shell"
    first_count, first = queries(client, url)
    second_count, second = queries(client, url)
    assert second_count == first_count and "Shell probe" in second


# --- A viewer's parts, kept until something they read changes ------------------------------

# session, user (+flags): the cards' states kept from the viewer's previous request
DAY_QUERIES_FROM_KEPT_PARTS = 2


def test_a_viewers_parts_are_kept_until_someone_takes_the_last_seat(session):
    last = rsvp_session(1, title_en="Last seat", starts_at=at(0, 11), ends_at=at(0, 12))
    viewer = logged_in(approved_delegate(email="viewer@example.org"))
    assert "1 seat left" in viewer.get(DAY).content.decode()  # and the browser's CSRF cookie
    viewer.get(DAY)  # the parts kept, for that cookie
    count, page = queries(viewer, DAY)
    assert count == DAY_QUERIES_FROM_KEPT_PARTS and "1 seat left" in page
    services.reserve_seat(last, user=approved_delegate(email="other@example.org"))
    assert "Full — waitlist 0" in viewer.get(DAY).content.decode()


def test_the_viewers_own_star_shows_at_once(session):
    person = approved_delegate(email="own@example.org")
    client = logged_in(person)
    assert "On my agenda" not in client.get(DAY).content.decode()
    Star.objects.create(user=person, session=session)
    assert "On my agenda" in client.get(DAY).content.decode()


def test_an_invitation_given_to_the_viewers_category_shows_at_once():
    closed = rsvp_session(
        50, event=EventFactory(is_public=False), starts_at=at(0, 9), ends_at=at(0, 10)
    )
    person = approved_delegate(email="guest@example.org")
    client = logged_in(person)
    refused = "By invitation: not open to your category"
    assert refused in card_of(client.get(DAY).content.decode(), closed.code)
    person.registration.category.events.add(closed.event)
    card = card_of(client.get(DAY).content.decode(), closed.code)
    assert refused not in card and 'data-action="rsvp"' in card


def test_an_approval_shows_the_agenda_at_once(session):
    person = approved_delegate(email="pending@example.org")
    Registration.objects.filter(user=person).update(status=Registration.Status.PENDING)
    client = logged_in(person)
    assert "Add to my agenda" not in client.get(DAY).content.decode()
    registration = Registration.objects.get(user=person)
    registration.status = Registration.Status.APPROVED
    registration.save()
    assert "Add to my agenda" in client.get(DAY).content.decode()


def test_kept_parts_end_when_a_reservation_closes(session, monkeypatch):
    closes = timezone.now() + timedelta(minutes=1)
    soon = rsvp_session(
        50, title_en="Closing soon", starts_at=at(0, 11), ends_at=at(0, 12), rsvp_closes_at=closes
    )
    client = logged_in(approved_delegate(email="late@example.org"))
    client.get(DAY)
    assert 'data-action="rsvp"' in card_of(client.get(DAY).content.decode(), soon.code)
    later = closes + timedelta(seconds=1)  # nothing written since: only the clock moved
    monkeypatch.setattr(timezone, "now", lambda: later)
    card = card_of(client.get(DAY).content.decode(), soon.code)
    assert 'data-action="rsvp"' not in card and "Reservations closed" in card


def test_kept_parts_carry_the_token_of_the_viewers_current_csrf_cookie(session):
    person = approved_delegate(email="token@example.org")
    client = logged_in(person)
    client.get(DAY)
    client.get(DAY)  # parts kept with the first cookie's token
    client.cookies.pop("csrftoken")  # the cookie expired: a new secret comes with the next page
    client.get(DAY)
    card = card_of(client.get(DAY).content.decode(), session.code)  # with the new cookie
    posting = Client(enforce_csrf_checks=True)
    posting.cookies = client.cookies
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card).group(1)
    posted = posting.post(
        f"/delegates/sessions/{session.code}/star/", {"csrfmiddlewaretoken": token}
    )
    assert posted.status_code == 302
    assert Star.objects.filter(user=person, session=session).exists()
