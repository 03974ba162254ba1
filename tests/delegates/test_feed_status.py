"""The private feed tells the truth about a seat: confirmed, tentative on the waitlist, free time
for a star alone; a promotion changes STATUS and bumps SEQUENCE. Its page offers webcal:// and a
copy button, and says the right thing when the address is first made."""

import icalendar
import pytest

from delegates import services
from delegates.models import AgendaFeed
from events.models import Forum
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.events import SessionFactory, at

pytestmark = pytest.mark.django_db


def _feed(client, url) -> dict:
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    return {
        str(e["summary"]): e for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }


def test_waitlisted_is_tentative_confirmed_is_confirmed_a_star_is_free_time(client):
    person, holder = approved_delegate(), approved_delegate()
    full = rsvp_session(1, title_en="Full", starts_at=at(0, 9), ends_at=at(0, 10))
    open_ = rsvp_session(5, title_en="Open", starts_at=at(0, 11), ends_at=at(0, 12))
    starred = SessionFactory(title_en="Starred", starts_at=at(0, 14), ends_at=at(0, 15))
    services.reserve_seat(full, user=holder)
    services.reserve_seat(full, user=person)  # waitlisted
    services.reserve_seat(open_, user=person)
    services.star_session(starred, user=person)
    url = services.regenerate_feed(person).urls.ical
    events = _feed(client, url)
    assert events["Full"]["status"] == "TENTATIVE"
    assert events["Full"].get("transp", "OPAQUE") == "OPAQUE"
    assert events["Open"]["status"] == "CONFIRMED"
    assert events["Open"].get("transp", "OPAQUE") == "OPAQUE"
    assert (
        events["Starred"]["status"] == "CONFIRMED" and events["Starred"]["transp"] == "TRANSPARENT"
    )


def test_a_promotion_changes_status_and_bumps_sequence(client):
    person, holder = approved_delegate(), approved_delegate()
    session = rsvp_session(1, title_en="Full")
    services.reserve_seat(session, user=holder)
    services.reserve_seat(session, user=person)
    url = services.regenerate_feed(person).urls.ical
    before = _feed(client, url)["Full"]
    services.cancel_rsvp(session, user=holder)  # the seat goes to the person
    after = _feed(client, url)["Full"]
    assert (before["status"], after["status"]) == ("TENTATIVE", "CONFIRMED")
    assert after["sequence"] > before["sequence"]
    assert str(after["uid"]) == str(before["uid"])  # the same event, revised


def test_the_public_schedule_export_is_unchanged(client):
    session = SessionFactory(title_en="Public")
    body = client.get(session.urls.ical).content.decode()
    assert "STATUS:CONFIRMED" in body and "TRANSP" not in body


def test_first_creation_says_so_and_a_new_address_warns(client):
    person = approved_delegate()
    client.force_login(person)
    first = client.post("/delegates/agenda/feed/", follow=True).content.decode()
    assert "Your calendar feed is ready" in first and "no longer works" not in first
    assert AgendaFeed.objects.filter(user=person).exists()
    again = client.post("/delegates/agenda/feed/", follow=True).content.decode()
    assert "the old one no longer works" in again


def test_the_page_offers_webcal_and_a_copy_button(client, settings):
    settings.SITE_URL = "https://forum.example.org"
    person = approved_delegate()
    feed = services.regenerate_feed(person)
    client.force_login(person)
    page = client.get("/zh-hans/delegates/agenda/").content.decode()
    assert f'href="webcal://forum.example.org{feed.urls.ical}"' in page
    assert f'value="https://forum.example.org{feed.urls.ical}"' in page
    assert 'data-copy="#feed-url"' in page and "/static/js/copy" in page
    assert "<script>" not in page  # CSP: script only from our static files


def test_the_feed_answers_304_to_its_etag(client):
    person = approved_delegate()
    session = SessionFactory(title_en="Starred")
    # A forum never released stamps its events "now": give it a time, as a release does.
    Forum.objects.filter(pk=session.event.forum_id).update(schedule_changed_at=at(0, 8))
    services.star_session(session, user=person)
    url = services.regenerate_feed(person).urls.ical
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.head(url).status_code == 200
