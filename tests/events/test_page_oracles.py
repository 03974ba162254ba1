"""The session and speaker pages (their content from ``events.templatetags.pages``, their frame
from ``core.frame``) are what the templates they replaced wrote (kept in ``page_oracle/``,
extending ``base.html``), byte for byte: on every session and speaker of
the demo in both languages, and on a session and a speaker with every optional part (cancelled,
a description over several lines, a floor, access notes, seats with RSVP, interpretation, a
livestream, themes, speakers and moderators; a name in both scripts, a country, a photo, a bio,
sessions on two days, none) whose every text is markup; none of that markup gets through."""

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from events import selectors, views
from tests.factories.events import (
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    ThemeFactory,
    VenueFactory,
    at,
)

pytestmark = pytest.mark.django_db

ORACLES = Path(__file__).parent / "page_oracle"
ORACLE = engines["django"].from_string((ORACLES / "session.html").read_text())
SPEAKER_ORACLE = engines["django"].from_string((ORACLES / "speaker.html").read_text())
MARKUP = "<script>alert(\"x\")</script> & 'q'"


def _request(path: str, language: str):
    path = ("/zh-hans" if language == "zh-hans" else "") + path
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.resolver_match = resolve(path)
    return request


def both(forum, code: str, language: str) -> tuple[str, str]:
    """The page as served and as the oracle template renders it, for a visitor."""
    with translation.override(language):
        request = _request(f"/sessions/{code}/", language)
        session = selectors.public_session(forum, code)
        speakers, moderators = selectors.session_people(session)
        context = {"forum": forum, "session": session, "speakers": speakers}
        context["moderators"] = moderators
        mine = views.session_response(request, forum, session, speakers, moderators)
        mine = mine.content.decode()
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


def speaker_both(forum, speaker, language: str) -> tuple[str, str]:
    with translation.override(language):
        request = _request(f"/speakers/{speaker.slug}/", language)
        context = {"forum": forum, "speaker": speaker}
        context["sessions"] = selectors.speaker_cards(forum, speaker)
        mine = views.speaker_response(request, forum, speaker, context["sessions"])
        mine = mine.content.decode()
        return mine, SPEAKER_ORACLE.render(context, request)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_demo_speaker_page_is_the_templates(demo_forum, language):
    speakers = list(selectors.public_speakers(demo_forum))
    assert len(speakers) > 200
    for speaker in speakers:
        mine, theirs = speaker_both(demo_forum, speaker, language)
        assert mine == theirs, speaker.slug


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_optional_part_of_a_speaker_is_the_templates_and_escaped(
    event, forum, language, settings, tmp_path
):
    from django.core.files.base import ContentFile

    speaker = SpeakerFactory(
        name=MARKUP,
        name_zh="<i>赵敏</i>",
        affiliation_en=MARKUP,
        affiliation_zh_hans=MARKUP,
        bio=f"One\n{MARKUP}",
        country="DE",
    )
    speaker.photo.save("a<b>.png", ContentFile(b"not read"), save=True)
    for day in (0, 2):
        SessionFactory(event=event, starts_at=at(day, 9), ends_at=at(day, 10), speakers=[speaker])
    mine, theirs = speaker_both(forum, speaker, language)
    assert mine == theirs
    assert "<script>" not in mine and "<i>" not in mine and "&lt;script&gt;" in mine
    assert mine.count('<h3 class="h6 border-bottom') == 2 and "One<br>" in mine

    idle = SpeakerFactory(bio="", country="", name_zh="")
    mine, theirs = speaker_both(forum, idle, language)
    assert mine == theirs and '<p class="text-body-secondary">—</p>' in mine
