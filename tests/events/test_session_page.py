"""The session page: what it shows of the session, its event, section, room, venue and themes
(read in one statement, ``selectors.public_session``), in both languages."""

import pytest

from events import services
from tests.factories.events import (
    EventFactory,
    ForumFactory,
    RoomFactory,
    SessionFactory,
    ThemeFactory,
    VenueFactory,
    at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(forum, section):
    venue = VenueFactory(name_en="Convention Centre", name_zh_hans="会议中心")
    room = RoomFactory(
        venue=venue, name_en="Hall 202", name_zh_hans="202会议室", floor="2", accessibility="Lift"
    )
    event = EventFactory(forum=forum, section=section, title_en="Energy", title_zh_hans="能源")
    late = ThemeFactory(slug="late", name_en="Late theme", name_zh_hans="后主题", position=2)
    early = ThemeFactory(slug="early", name_en="Early theme", name_zh_hans="先主题", position=1)
    return SessionFactory(
        event=event,
        room=room,
        title_en="Grids",
        title_zh_hans="",  # modeltranslation falls back to English
        description_en="Line one\nline two",
        starts_at=at(1, 9, 30),
        ends_at=at(1, 11),
        capacity=80,
        rsvp_required=True,
        themes=[late, early],
    )


def test_the_session_page_shows_the_session_and_where_it_is(client, session):
    html = client.get(session.urls.public).content.decode()
    assert '<h1 class="h2">Grids</h1>' in html
    assert 'datetime="2021-09-25T09:30:00+08:00">09:30</time>' in html
    assert "Hall 202, Convention Centre · floor 2" in html and "Lift" in html
    assert f'href="/events/{session.event.slug}/">Energy</a>' in html
    assert 'href="/sections/forum-meetings/">Forum meetings</a>' in html
    assert "Line one<br>line two" in html
    assert "80 · RSVP required" in html
    # themes in their order, each a link to the day filtered by it
    assert html.index(">Early theme</a>") < html.index(">Late theme</a>")
    assert "/schedule/?day=2021-09-25&amp;theme=early" in html


def test_the_chinese_session_page_falls_back_to_english_where_untranslated(client, session):
    html = client.get(f"/zh-hans{session.urls.public}").content.decode()
    assert '<h1 class="h2">Grids</h1>' in html  # no Chinese title: the English one
    assert ">能源</a>" in html and "202会议室" in html and "会议中心" in html
    assert html.index(">先主题</a>") < html.index(">后主题</a>")


def test_a_session_without_themes_shows_a_dash(client, event):
    session = SessionFactory(event=event)
    html = client.get(session.urls.public).content.decode()
    assert '<dd class="col-sm-9">—</dd>' in html


def test_a_cancelled_session_page_says_so(client, session):
    services.cancel_session(session)
    html = client.get(session.urls.public).content.decode()
    assert "This session has been cancelled." in html


def test_unknown_or_unpublished_sessions_are_not_found(client, session, forum):
    assert client.get("/sessions/no-such-code/").status_code == 404
    session.event.is_published = False
    session.event.save()
    assert client.get(session.urls.public).status_code == 404
    session.event.is_published = True
    session.event.save()
    assert client.get(session.urls.public).status_code == 200
    forum.is_published = False
    forum.save()
    assert client.get(session.urls.public).status_code == 404


def test_a_session_of_an_earlier_forum_is_not_found(client, session, forum):
    earlier = ForumFactory(edition=forum.edition - 1)
    old = SessionFactory(event=EventFactory(forum=earlier))
    assert client.get(old.urls.public).status_code == 404
