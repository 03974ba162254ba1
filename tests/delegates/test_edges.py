"""Hostile input on the agenda's POST routes: a `next` that is not one of our paths."""

import pytest

from delegates.models import RSVP, Star
from tests.delegates.agenda_support import approved_delegate, rsvp_session

pytestmark = pytest.mark.django_db

HOSTILE = ["abc", "-1", "9" * 40, "//evil.example/x", "https://evil.example/", "/\\evil.example"]
PREFIXES = ["", "/zh-hans"]


def _assert_stays(response, prefix: str):
    assert response.status_code == 302
    assert response["Location"].startswith(f"{prefix}/"), response["Location"]
    assert not response["Location"].startswith("//")
    assert "evil" not in response["Location"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("next_value", HOSTILE)
def test_star_and_unstar_ignore_a_hostile_next(client, prefix, next_value):
    session = rsvp_session(5)
    client.force_login(approved_delegate())
    base = f"{prefix}/delegates/sessions/{session.code}"
    response = client.post(f"{base}/star/", {"next": next_value})
    _assert_stays(response, prefix)
    assert response["Location"] == f"{prefix}/delegates/agenda/"
    assert Star.objects.filter(session=session).count() == 1
    response = client.post(f"{base}/unstar/", {"next": next_value})
    _assert_stays(response, prefix)
    assert not Star.objects.exists()


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("next_value", HOSTILE)
def test_rsvp_and_cancel_ignore_a_hostile_next(client, prefix, next_value):
    session = rsvp_session(5)
    client.force_login(approved_delegate())
    base = f"{prefix}/delegates/sessions/{session.code}"
    response = client.post(f"{base}/rsvp/", {"next": next_value})
    _assert_stays(response, prefix)
    assert RSVP.objects.filter(session=session, status=RSVP.Status.CONFIRMED).count() == 1
    response = client.post(f"{base}/rsvp/cancel/", {"next": next_value})
    _assert_stays(response, prefix)
    assert not RSVP.objects.exists()


def test_a_local_next_is_followed(client):
    session = rsvp_session(5)
    client.force_login(approved_delegate())
    target = f"{session.urls.public}?from=card"
    response = client.post(f"/delegates/sessions/{session.code}/rsvp/", {"next": target})
    assert response.status_code == 302 and response["Location"] == target


def test_a_refused_rsvp_with_a_hostile_next_goes_to_the_session(client):
    session = rsvp_session(5, rsvp_required=False)
    client.force_login(approved_delegate())
    response = client.post(f"/delegates/sessions/{session.code}/rsvp/", {"next": "abc"})
    assert response.status_code == 302 and response["Location"] == session.urls.public
    assert not RSVP.objects.exists()
