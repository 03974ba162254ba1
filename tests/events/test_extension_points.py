"""The programme renders without delegates: its buttons come from other apps' registrations."""

from urllib.parse import quote

import pytest

from core import registries
from tests.delegates.agenda_support import OPEN_UNTIL, approved_delegate
from tests.factories.accounts import UserFactory


@pytest.fixture
def no_session_actions():
    saved = dict(registries.session_actions), dict(registries.session_viewers)
    registries.session_actions.clear()
    registries.session_viewers.clear()
    yield
    registries.session_actions.update(saved[0])
    registries.session_viewers.update(saved[1])


def programme_pages(session):
    event, speaker = session.event, session.speakers.first()
    return [
        "/",
        "/schedule/?day=2021-09-24",
        "/schedule/grid/?day=2021-09-24",
        "/schedule/changes/",
        "/schedule.ics",
        "/api/schedule.json",
        "/api/schedule.schema.json",
        f"/events/{event.slug}/",
        f"/events/{event.slug}/event.ics",
        f"/sessions/{session.code}/",
        f"/sessions/{session.code}/session.ics",
        "/speakers/",
        f"/speakers/{speaker.slug}/",
        f"/sections/{event.section.slug}/",
        f"/zh-hans/sessions/{session.code}/",
    ]


@pytest.mark.parametrize("logged_in", [False, True])
def test_every_programme_page_answers_without_delegates(
    client, settings, programme, no_session_actions, logged_in
):
    settings.ROOT_URLCONF = "tests.events.urls_without_delegates"
    (session,) = programme(1)
    session.rsvp_required = True
    session.save()
    if logged_in:
        client.force_login(UserFactory())
    for url in programme_pages(session):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "/delegates/" not in body, url
        assert "Add to my agenda" not in body and "Reserve a seat" not in body, url


def test_with_delegates_the_actions_show(client, programme):
    (session,) = programme(1)
    session.rsvp_required = True
    session.rsvp_closes_at = OPEN_UNTIL
    session.save()
    # The day's cards are one fragment cached for everyone: a link to log in and come back.
    visitor_day = client.get("/schedule/?day=2021-09-24").content.decode()
    back = quote(f"/schedule/?day=2021-09-24#session-{session.code}")
    assert f'href="/accounts/login/?next={back}">Log in to add to your agenda' in visitor_day
    assert "csrfmiddlewaretoken" not in visitor_day
    speaker = client.get(f"/speakers/{session.speakers.first().slug}/").content.decode()
    assert "Log in to add to your agenda" in speaker
    visitor_page = client.get(f"/sessions/{session.code}/").content.decode()
    assert "Log in to add to your agenda</a> · <a" in visitor_page
    assert "Log in to reserve a seat</a>" in visitor_page

    client.force_login(approved_delegate())
    card = client.get(f"/speakers/{session.speakers.first().slug}/").content.decode()
    assert f'action="/delegates/sessions/{session.code}/star/"' in card
    page = client.get(f"/sessions/{session.code}/").content.decode()
    assert f'action="/delegates/sessions/{session.code}/star/"' in page
    assert f'action="/delegates/sessions/{session.code}/rsvp/"' in page
    assert f'name="next" value="/sessions/{session.code}/"' in page  # back to the page
    assert 'href="/delegates/agenda/">My agenda' in page
    assert "Reservations close on" in page
    zh = client.get(f"/zh-hans/sessions/{session.code}/").content.decode()
    assert f'action="/zh-hans/delegates/sessions/{session.code}/rsvp/"' in zh


def test_a_cancelled_session_offers_no_reservation(client, programme):
    (session,) = programme(1)
    session.rsvp_required = True
    session.is_cancelled = True
    session.save()
    client.force_login(approved_delegate())
    page = client.get(f"/sessions/{session.code}/").content.decode()
    assert "/rsvp/" not in page
    assert "/star/" not in page
