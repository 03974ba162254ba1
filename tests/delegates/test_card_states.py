"""Every place a session appears shows the viewer's state and only the actions that can succeed;
one POST from a card stars and comes back to the card."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.utils import timezone

from delegates import services
from delegates.models import Star
from tests.delegates.agenda_support import OPEN_UNTIL, approved_delegate, rsvp_session
from tests.factories.events import EventFactory, SessionFactory, SpeakerFactory, at
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

TITLE = "Card state probe"
DAY = "/schedule/?day=2021-09-24"


def _session(state):
    """The session in ``state`` as the delegate sees it (the delegate made by ``_viewer``)."""
    fields = {"title_en": TITLE, "starts_at": at(0, 9), "ends_at": at(0, 10)}
    fields["speakers"] = [SpeakerFactory()]
    if state in ("open", "full", "confirmed", "waitlisted"):
        return rsvp_session(1 if state in ("full", "waitlisted") else 50, **fields)
    if state == "invitation":
        event = EventFactory(is_public=False)
        return rsvp_session(50, event=event, **fields)
    if state == "closed":
        return rsvp_session(50, rsvp_closes_at=timezone.now() - timedelta(hours=1), **fields)
    if state == "cancelled":
        return rsvp_session(50, is_cancelled=True, **fields)
    return SessionFactory(**fields)  # anonymous, starred


def _viewer(state, session, *, on_agenda: bool):
    if state == "anonymous":
        return None
    if state in ("full", "waitlisted"):
        services.reserve_seat(session, user=approved_delegate(email="holder@example.org"))
    person = approved_delegate(email="delegate@example.org")
    if state == "starred" or on_agenda and state not in ("confirmed", "waitlisted"):
        Star.objects.create(user=person, session=session)
    if state in ("confirmed", "waitlisted"):
        services.reserve_seat(session, user=person)
    return person


# What the card offers (the forms' data-action) and says, when not starred.
EXPECTED = {
    "anonymous": ([], []),
    "starred": (["unstar"], ["On my agenda"]),
    "open": (["star", "rsvp"], ["50 seats left"]),
    "full": (["star", "rsvp"], ["Full — waitlist 0"]),
    "confirmed": (["star", "rsvp_cancel"], ["Seat confirmed"]),
    "waitlisted": (["star", "rsvp_cancel"], ["Waitlist: number 1"]),
    "invitation": (["star"], ["By invitation: not open to your category"]),
    "closed": (["star"], ["Reservations closed"]),
    "cancelled": ([], []),
}
LOCATIONS = ["day", "event", "speaker", "search", "agenda"]


def _url(location, session):
    return {
        "day": DAY,
        "event": session.event.urls.public,
        "speaker": session.speakers.first().urls.public,
        "search": f"/schedule/?q={quote(TITLE)}",
        "agenda": "/delegates/agenda/",
    }[location]


def card_of(html: str, code: str) -> str:
    """The HTML of the element with ``id="session-<code>"`` up to the next card or the end."""
    start = html.index(f'id="session-{code}"')
    rest = html[start + 10 :]
    following = rest.find('id="session-')
    return rest if following < 0 else rest[:following]


@pytest.mark.parametrize("location", LOCATIONS)
@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_state_offers_exactly_the_actions_that_can_succeed(client, state, location):
    if state == "anonymous" and location == "agenda":
        return  # no agenda without an account: the login page (test_agenda covers it)
    session = _session(state)
    person = _viewer(state, session, on_agenda=location == "agenda")
    if person is not None:
        client.force_login(person)
    response = client.get(_url(location, session))
    assert response.status_code == 200
    card = card_of(response.content.decode(), session.code)
    actions, texts = EXPECTED[state]
    if location == "agenda" and state not in ("starred", "confirmed", "waitlisted"):
        # on the agenda by a star: unstar instead of star (a cancelled session too)
        actions = ["unstar"] + [a for a in actions if a != "star"]
        texts = ["On my agenda", *texts]
    assert re.findall(r'data-action="(\w+)"', card) == actions
    for text in texts:
        assert text in card
    if state == "anonymous":
        assert "Log in to add to your agenda" in card
        assert "csrfmiddlewaretoken" not in response.content.decode()
    else:
        assert "Log in to" not in card
    if actions:
        back = f'name="next" value="{_url(location, session)}#session-{session.code}"'
        assert back in card.replace("&amp;", "&")


def test_a_cancelled_session_offers_nothing_but_says_so(client):
    session = _session("cancelled")
    client.force_login(_viewer("cancelled", session, on_agenda=False))
    card = card_of(client.get(DAY).content.decode(), session.code)
    assert "Cancelled" in card and "<form" not in card


def test_one_post_stars_and_comes_back_to_the_card_and_the_agenda_shows_it(client):
    session = _session("open")
    person = approved_delegate(email="delegate@example.org")
    client.force_login(person)
    day = client.get(DAY).content.decode()
    back = f"{DAY}#session-{session.code}"
    assert f'name="next" value="{back.replace("&", "&amp;")}"' in day
    response = client.post(f"/delegates/sessions/{session.code}/star/", {"next": back})
    assert response.status_code == 302 and response.url == back
    card = card_of(client.get(DAY).content.decode(), session.code)
    assert re.findall(r'data-action="(\w+)"', card) == ["unstar", "rsvp"]
    assert "On my agenda" in card
    agenda = client.get("/delegates/agenda/").content.decode()
    assert TITLE in agenda and "On my agenda" in card_of(agenda, session.code)
    # Reserving from the same card comes back too, the seat shown.
    response = client.post(f"/delegates/sessions/{session.code}/rsvp/", {"next": back})
    assert response.url == back
    card = card_of(client.get(DAY).content.decode(), session.code)
    assert "Seat confirmed" in card and "49 seats left" not in card


def test_old_get_links_go_to_the_session(client):
    session = _session("open")
    client.force_login(approved_delegate(email="delegate@example.org"))
    for action in ("star", "unstar", "rsvp", "rsvp/cancel"):
        response = client.get(f"/delegates/sessions/{session.code}/{action}/")
        assert response.status_code == 302 and response.url == session.urls.public


def test_chinese_cards_say_it_in_chinese(client):
    session = _session("full")
    client.force_login(_viewer("full", session, on_agenda=False))
    card = card_of(client.get("/zh-hans" + DAY).content.decode(), session.code)
    assert "已满——候补0人" in card and "加入候补名单" in card and "加入我的日程" in card


def test_the_shared_day_fragment_holds_no_viewer(client):
    """A visitor after a delegate gets the visitor's page: nothing of the delegate's leaks."""
    session = _session("starred")
    client.force_login(_viewer("starred", session, on_agenda=False))
    assert "On my agenda" in client.get(DAY).content.decode()
    client.logout()
    page = client.get(DAY).content.decode()
    assert "On my agenda" not in page and "csrfmiddlewaretoken" not in page
    assert "Log in to add to your agenda" in page


# forum; day fragment from the cache; session, user (+flags); the cards' state in one statement
# (category, sessions with seats taken, invitations, stars, RSVPs with positions); messages are
# not read
DAY_QUERIES_LOGGED_IN = 5
# with the shell kept (production): session, user (+flags), the cards' states; no forum, no day
# fragment, no template (core.page_cache.personal_page)
DAY_QUERIES_FROM_SHELL = 3


@pytest.mark.parametrize("kept", [False, True], ids=["rendered", "from-the-shell"])
@pytest.mark.parametrize("rsvps", [0, 10])
def test_the_logged_in_day_costs_the_same_for_4_and_40_stars(client, rsvps, kept, settings):
    settings.PUBLIC_PAGE_CACHE = kept
    sessions = [
        SessionFactory(starts_at=at(0, 9) + timedelta(minutes=5 * i), ends_at=at(0, 18))
        for i in range(40)
    ]
    seated = [rsvp_session(5, starts_at=at(0, 8), ends_at=at(0, 9)) for _ in range(rsvps)]
    person = approved_delegate(email="delegate@example.org")
    for s in seated:
        services.reserve_seat(s, user=person)
    client.force_login(person)
    client.get(DAY)  # the shared fragment is cached: what a delegate's request costs

    starred = iter(sessions)

    def star(n):
        for _ in range(n if n == 4 else 36):
            Star.objects.create(user=person, session=next(starred))

    first, second = assert_queries_do_not_grow(
        lambda: client.get(DAY),
        star,
        budget=DAY_QUERIES_FROM_SHELL if kept else DAY_QUERIES_LOGGED_IN,
        n=4,
        warm=True,
    )
    assert first.content.decode().count("On my agenda") == 4
    assert second.content.decode().count("On my agenda") == 40
    assert second.content.decode().count("Seat confirmed") == rsvps


def test_reserve_from_an_open_card_then_cancel(client):
    session = rsvp_session(2, title_en=TITLE, starts_at=at(0, 9), ends_at=at(0, 10))
    assert session.rsvp_closes_at == OPEN_UNTIL
    client.force_login(approved_delegate(email="delegate@example.org"))
    back = f"{session.event.urls.public}#session-{session.code}"
    client.post(f"/delegates/sessions/{session.code}/rsvp/", {"next": back})
    card = card_of(client.get(session.event.urls.public).content.decode(), session.code)
    assert re.findall(r'data-action="(\w+)"', card) == ["star", "rsvp_cancel"]
    client.post(f"/delegates/sessions/{session.code}/rsvp/cancel/", {"next": back})
    card = card_of(client.get(session.event.urls.public).content.decode(), session.code)
    assert re.findall(r'data-action="(\w+)"', card) == ["star", "rsvp"]
    assert "2 seats left" in card
