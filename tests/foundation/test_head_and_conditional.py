"""Every GET route of the programme, the exhibition and the home page answers HEAD as it answers
GET, without a body; every export answers 304 to If-Modified-Since as to If-None-Match."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.http import http_date, parse_http_date
from django.utils.translation import override

import events.urls
import exhibitors.urls
from events import services
from exhibitors.models import Invitation, Membership
from tests.factories.events import (
    EventFactory,
    ForumFactory,
    SectionFactory,
    SessionFactory,
    SpeakerFactory,
)
from tests.factories.exhibitors import ApplicationFactory, HallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_forum():
    """A published forum with one of everything a route can name."""
    forum = ForumFactory()
    section = SectionFactory(forum=forum, slug="walk-section")
    event = EventFactory(forum=forum, section=section, slug="walk-event")
    session = SessionFactory(event=event, code="walk-session")
    speaker = SpeakerFactory(slug="walk-speaker")
    session.speakers.add(speaker)
    application = ApplicationFactory()
    organization = application.organization
    invitation = Invitation.objects.create(
        organization=organization, email="new@example.org", role=Membership.Role.STAFF
    )
    hall = HallFactory(slug="walk-hall")
    services.release_schedule(forum)
    return {
        "events": {
            "event": {"slug": event.slug},
            "event_ical": {"slug": event.slug},
            "speaker": {"slug": speaker.slug},
            "section": {"slug": section.slug},
            "session": {"code": session.code},
            "session_ical": {"code": session.code},
        },
        "exhibitors": {
            "organization": {"slug": organization.slug},
            "hall": {"slug": hall.slug},
            "invitation": {"token": invitation.token},
            "member_remove": {"code": organization.code, "pk": 1},
            "team_export": {"fmt": "csv"},
        },
        "exhibitor": organization.main_contact,
        "code": organization.code,
        "application": application.pk,
    }


def _routes(small_forum) -> list[str]:
    urls = ["home"]
    for namespace, module in (("events", events.urls), ("exhibitors", exhibitors.urls)):
        for pattern in module.urlpatterns:
            name = pattern.name
            kwargs = small_forum[namespace].get(name)
            if kwargs is None and pattern.pattern.converters:
                kwargs = {"code": small_forum["code"]}
                if "pk" in pattern.pattern.converters:
                    kwargs["pk"] = small_forum["application"]
            urls.append((f"{namespace}:{name}", kwargs or {}))
    return [("home", {}) if u == "home" else u for u in urls]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("who", ["anonymous", "exhibitor"])
def test_head_answers_as_get_on_every_route(client, small_forum, language, who):
    if who == "exhibitor":
        client.force_login(small_forum["exhibitor"])
    walked = 0
    with override(language):
        routes = [(name, reverse(name, kwargs=kwargs)) for name, kwargs in _routes(small_forum)]
    for name, url in routes:
        got = client.get(url)
        head = client.head(url)
        assert head.status_code == got.status_code, (name, url, got.status_code)
        assert head.status_code != 500, (name, url)
        assert head.content == b"", (name, url)
        if got.status_code != 405:  # a POST-only route refuses both
            walked += 1
            assert head.get("Content-Type") == got.get("Content-Type"), (name, url)
    assert walked >= 15


EXPORTS = [
    "/schedule.ics",
    "/api/schedule.json",
    "/api/schedule.schema.json",
    "/events/walk-event/event.ics",
    "/sessions/walk-session/session.ics",
]


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
@pytest.mark.parametrize("path", EXPORTS)
def test_every_export_answers_304_to_if_modified_since(client, small_forum, prefix, path):
    first = client.get(prefix + path)
    assert first.status_code == 200
    assert first["Last-Modified"] and first["ETag"]
    again = client.get(prefix + path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304 and again.content == b""
    assert (
        client.head(prefix + path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    )
    assert client.get(prefix + path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    older = http_date(parse_http_date(first["Last-Modified"]) - timedelta(days=1).total_seconds())
    assert client.get(prefix + path, HTTP_IF_MODIFIED_SINCE=older).status_code == 200
    # If-None-Match wins: a stale ETag gets the export even with a recent If-Modified-Since.
    stale = client.get(
        prefix + path,
        HTTP_IF_NONE_MATCH='"stale"',
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
    )
    assert stale.status_code == 200
