"""The session and speaker pages as the release prepared them (``ExportFragment.page``, ``card``,
written by ``services.prepare_exports``) are the pages built from scratch, byte for byte: on every
session and speaker of the demo in both languages, with the visitor's login links naming the
page asked for (its query string too). A version not prepared yet (between a release and its
preparation) is built from scratch and shows the release; a page asked for from its prepared
parts reads one statement."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from events import selectors, services
from events.models import ExportFragment, Forum
from tests.factories.events import SessionFactory, SpeakerFactory, at
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

MARKUP = "<script>alert(\"x\")</script> & 'q'"


def _stale(forum) -> None:
    """A new version of the forum, its parts not prepared: its pages are built from scratch."""
    Forum.objects.filter(pk=forum.pk).update(cache_version=F("cache_version") + 1)


def _pages(client, paths) -> dict[str, str]:
    found = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        found[path] = response.content.decode()
    return found


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_every_demo_page_as_prepared_is_the_page_built(client, demo_forum, prefix):
    assert ExportFragment.objects.filter(forum=demo_forum).exclude(page="").exists()
    sessions = selectors.public_sessions(demo_forum).values_list("code", flat=True)
    speakers = selectors.public_speakers(demo_forum).values_list("slug", flat=True)
    paths = [f"{prefix}/sessions/{code}/" for code in sessions]
    paths += [f"{prefix}/speakers/{slug}/" for slug in speakers]
    paths += [f"{prefix}/sessions/{sessions[0]}/?from=home&x=<b>"]  # named in the login links
    assert len(paths) > 500
    with CaptureQueriesContext(connection) as captured:
        prepared = _pages(client, paths)
    # as prepared: one statement a page
    assert len(captured.captured_queries) == len(paths)
    _stale(demo_forum)
    built = _pages(client, paths)
    for path in paths:
        assert prepared[path] == built[path], path
    assert "next=/sessions/" in prepared[paths[-1]].replace("/zh-hans", "")
    assert "%3Ffrom%3Dhome%26x%3D%253Cb%253E" in prepared[paths[-1]]  # ?from=home&x=%3Cb%3E


def test_markup_in_every_field_is_prepared_as_built(client, forum, event):
    """Also a speaker who moderates the session they speak in (one card), and one who only
    moderates."""
    person = SpeakerFactory(name=MARKUP, affiliation=MARKUP, bio=f"{MARKUP}\n{MARKUP}")
    moderator = SpeakerFactory(name=f"{MARKUP} 2")
    session = SessionFactory(
        event=event,
        title_en=MARKUP,
        description=f"{MARKUP}\n{MARKUP}",
        speakers=[person],
        moderators=[moderator, person],
        starts_at=at(0, 9),
    )
    SessionFactory(event=event, speakers=[person], starts_at=at(1, 9))
    assert services.prepare_exports(forum.pk)
    paths = [session.urls.public, person.urls.public, moderator.urls.public]
    with CaptureQueriesContext(connection) as captured:
        prepared = _pages(client, paths)
    assert len(captured.captured_queries) == len(paths)
    assert all("<script>" not in page and "&lt;script&gt;" in page for page in prepared.values())
    assert prepared[paths[1]].count(f'id="session-{session.code}"') == 1
    _stale(forum)
    assert _pages(client, paths) == prepared


def test_a_release_shows_before_its_preparation_and_after(client, forum, event):
    person = SpeakerFactory()
    session = SessionFactory(event=event, title_en="Before", speakers=[person], starts_at=at(0, 9))
    services.prepare_exports(forum.pk)
    assert "Before" in client.get(session.urls.public).content.decode()
    services.stage_session_change(session, title_en="After the release")
    forum.refresh_from_db()
    services.release_schedule(forum, note_en="Re-titled.")
    for path in (session.urls.public, person.urls.public):  # not prepared yet: built
        page = client.get(path).content.decode()
        assert "After the release" in page and "Before" not in page
    assert services.prepare_exports(forum.pk)
    assert ExportFragment.objects.filter(page_title="After the release").exists()
    for path in (session.urls.public, person.urls.public):  # as prepared
        page = client.get(path).content.decode()
        assert "After the release" in page and "Before" not in page


def test_a_prepared_page_reads_one_statement(client, forum, event):
    person = SpeakerFactory()
    sessions = [
        SessionFactory(event=event, speakers=[person], starts_at=at(day, 9)) for day in range(3)
    ]
    services.prepare_exports(forum.pk)
    for path, count in ((sessions[0].urls.public, 1), (person.urls.public, 1)):
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(path).content.decode()
        assert len(captured.captured_queries) == count, path
    assert all(s.title in page for s in sessions)


def test_an_unknown_session_or_one_of_a_hidden_event_is_not_found(client, forum, event):
    session = SessionFactory(event=event, starts_at=at(0, 9))
    services.prepare_exports(forum.pk)
    assert client.get("/sessions/no-such-session/").status_code == 404
    type(event).objects.filter(pk=event.pk).update(is_published=False)
    assert client.get(session.urls.public).status_code == 404


def test_prepared_pages_queries_do_not_grow(client, forum, event):
    person = SpeakerFactory()
    sessions = []

    def more(n):
        sessions.extend(
            SessionFactory(event=event, speakers=[person], starts_at=at(i % 5, 9)) for i in range(n)
        )
        _stale(forum)
        assert services.prepare_exports(forum.pk)

    def pages():
        return [
            client.get(p).content.decode() for p in (sessions[-1].urls.public, person.urls.public)
        ]

    first, second = assert_queries_do_not_grow(pages, more, budget=1 + 1, n=4)
    assert [page.count('class="card mb-2 session-card') for page in (first[1], second[1])] == [
        4,
        12,
    ]
