"""The session page's content (``events.templatetags.session_page``) is what the template it
replaced wrote (kept in ``page_oracle/session.html``), byte for byte: on every session of the
demo in both languages, and on a session with every optional part (cancelled, a description
over several lines, a floor, access notes, seats with RSVP, interpretation, a livestream, themes,
speakers and moderators) whose every text is markup; none of that markup gets through."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from events import selectors
from tests.factories.events import (
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    ThemeFactory,
    VenueFactory,
    at,
)

pytestmark = pytest.mark.django_db

ORACLE = engines["django"].from_string(
    (Path(__file__).parent / "page_oracle" / "session.html").read_text()
)
MARKUP = "<script>alert(\"x\")</script> & 'q'"


def both(forum, code: str, language: str) -> tuple[str, str]:
    """The page as served and as the oracle template renders it, for a visitor."""
    with translation.override(language):
        path = ("/zh-hans" if language == "zh-hans" else "") + f"/sessions/{code}/"
        request = RequestFactory().get(path)
        request.user = AnonymousUser()
        request.resolver_match = resolve(path)
        session = selectors.public_session(forum, code)
        speakers, moderators = selectors.session_people(session)
        context = {"forum": forum, "session": session, "speakers": speakers}
        context["moderators"] = moderators
        mine = get_template("events/session.html").render(context, request)
        return mine, ORACLE.render(context, request)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_demo_session_page_is_the_templates(demo_forum, language):
    codes = list(selectors.public_sessions(demo_forum).values_list("code", flat=True))
    assert len(codes) > 250
    for code in codes:
        mine, theirs = both(demo_forum, code, language)
        assert mine == theirs, code


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_optional_part_is_the_templates_and_escaped(event, forum, language):
    room = RoomFactory(
        name_en=MARKUP, venue=VenueFactory(name_en=MARKUP), floor="3<", accessibility=MARKUP
    )
    session = SessionFactory(
        event=event,
        room=room,
        starts_at=at(1, 9, 5),
        ends_at=at(1, 17, 30),
        title_en=MARKUP,
        title_zh_hans=MARKUP,
        description=f"First line\n{MARKUP}\n\nlast",
        is_cancelled=True,
        capacity=120,
        rsvp_required=True,
        interpretation=True,
        livestream_url='https://live.example/?a=1&b="2"',
        speakers=[SpeakerFactory(name=MARKUP, name_zh="", affiliation_en=MARKUP)],
        moderators=[SpeakerFactory(affiliation_en="", affiliation_zh_hans="")],
    )
    session.themes.set([ThemeFactory(slug="t-1", name_en=MARKUP, name_zh_hans=MARKUP)])
    event.title_en = event.title_zh_hans = MARKUP
    event.save()
    mine, theirs = both(forum, session.code, language)
    assert mine == theirs
    assert "<script>" not in mine and "&lt;script&gt;" in mine
    assert "First line<br>" in mine and "3&lt;" in mine
    assert "b=&quot;2&quot;" in mine

    bare = SessionFactory(event=event, starts_at=at(2, 9), ends_at=at(2, 10), capacity=None)
    mine, theirs = both(forum, bare.code, language)
    assert mine == theirs
    assert "—" in mine  # no themes
