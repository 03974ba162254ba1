"""Cards are built in Python (``events.templatetags.events.session_card``, ``delegates.cards``):
whatever an organizer types into any field a card shows comes out as text, never as markup."""

from urllib.parse import quote

import pytest

from delegates.models import Star
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.events import (
    EventFactory,
    RoomFactory,
    SectionFactory,
    SpeakerFactory,
    VenueFactory,
    at,
)

pytestmark = pytest.mark.django_db

PAYLOAD = '"><script>alert(1)</script>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def hostile(field: str) -> str:
    """A value that closes an attribute and opens a script, named after its field."""
    return f"{field} {PAYLOAD}"


@pytest.fixture
def session(forum):
    section = SectionFactory(forum=forum, name_en=hostile("section"), name_zh_hans=hostile("板块"))
    event = EventFactory(
        forum=forum,
        section=section,
        title_en=hostile("event"),
        title_zh_hans=hostile("活动"),
        host_en=hostile("host"),
        host_zh_hans=hostile("主办"),
    )
    venue = VenueFactory(name_en=hostile("venue"), name_zh_hans=hostile("会场"))
    room = RoomFactory(venue=venue, name_en=hostile("room"), name_zh_hans=hostile("会议室"))
    speaker = SpeakerFactory(
        slug="hostile-speaker",
        name=hostile("speaker"),
        name_zh=hostile("讲者"),
        affiliation_en=hostile("affiliation"),
        affiliation_zh_hans=hostile("单位"),
    )
    moderator = SpeakerFactory(name=hostile("moderator"), name_zh=hostile("主持"))
    return rsvp_session(
        50,
        event=event,
        room=room,
        title_en=hostile("title"),
        title_zh_hans=hostile("标题"),
        starts_at=at(0, 9),
        ends_at=at(0, 10),
        speakers=[speaker],
        moderators=[moderator],
    )


def _pages(session) -> dict[str, str]:
    search = quote(f"title {PAYLOAD}")
    return {
        "day": "/schedule/?day=2021-09-24",
        "search": f"/schedule/?q={search}",
        "event": session.event.urls.public,
        "session": session.urls.public,
        "speaker": "/speakers/hostile-speaker/",
        "agenda": "/delegates/agenda/",
    }


def assert_text_only(html: str, *, where: str) -> None:
    assert PAYLOAD not in html, where
    assert "<script>alert" not in html, where
    assert ESCAPED in html, where  # the values are shown, as text


@pytest.mark.parametrize("language", ["", "/zh-hans"])
@pytest.mark.parametrize("viewer", ["visitor", "delegate"])
def test_every_card_field_comes_out_as_text(client, session, viewer, language):
    if viewer == "delegate":
        person = approved_delegate(email="delegate@example.org")
        Star.objects.create(user=person, session=session)
        client.force_login(person)
    for name, path in _pages(session).items():
        if name == "agenda" and viewer == "visitor":
            continue
        response = client.get(language + path)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert f'id="session-{session.code}"' in html or name == "session", name
        assert_text_only(html, where=f"{viewer} {language or '/'} {name}")
        if viewer == "delegate" and name != "session":  # the delegate's own part of the card
            assert 'data-action="unstar"' in html, name
