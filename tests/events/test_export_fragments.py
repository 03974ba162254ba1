"""The exports assembled from fragments prepared when the schedule changes (``ExportFragment``):
the same bytes as built from scratch; a change shows at once (built from scratch until the
preparation after its commit has run); another ``SITE_URL`` never serves the old URLs; two
preparations at once leave one set; the number of queries does not grow with the sessions."""

import threading

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import translation

from events import exports, selectors, services
from events.models import ExportFragment, Forum
from tests.events.test_exports_rows import COLD
from tests.factories.events import (
    EventFactory,
    ForumFactory,
    SectionFactory,
    SessionFactory,
    SpeakerFactory,
    at,
)
from tests.queries import assert_queries_do_not_grow
from tests.services import require_postgres

pytestmark = pytest.mark.usefixtures("_cold")


@pytest.fixture
def _cold():
    with override_settings(**COLD):
        yield


def _built(forum, language: str) -> dict[str, bytes]:
    """The whole forum's exports built from scratch, the oracle of the assembled ones."""
    forum.refresh_from_db()
    with translation.override(language):
        sessions, people = selectors.schedule_export(forum)
        return {
            "/api/schedule.json": exports.dumps(
                exports.schedule_json(
                    forum,
                    sessions,
                    people,
                    release_number=forum.release_number,
                    language=language,
                    releases=selectors.export_releases(forum),
                )
            ),
            "/schedule.ics": exports.schedule_ical(
                forum, sessions, people, name=forum.name, language=language
            ),
        }


def _served(client, language: str) -> dict[str, bytes]:
    prefix = "/zh-hans" if language == "zh-hans" else ""
    return {
        path: client.get(prefix + path).content for path in ("/api/schedule.json", "/schedule.ics")
    }


def _forum_with_sessions(event, n=3):
    guest = SpeakerFactory(name="Ada Lovelace", name_zh="阿达")
    host = SpeakerFactory(name="Grace Hopper")
    sessions = [
        SessionFactory(
            event=event,
            starts_at=at(i % 2, 9 + i),
            ends_at=at(i % 2, 10 + i),
            speakers=[guest],
            moderators=[host] if i else [],
            title_en=f'Talk {i} <script>alert("x")</script>; a, b\\c',
        )
        for i in range(n)
    ]
    SessionFactory(event=EventFactory(forum=event.forum, is_published=False))  # never exported
    return sessions


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_assembled_exports_are_the_built_ones_byte_for_byte(client, event, forum, language):
    _forum_with_sessions(event)
    services.touch_schedule(forum.pk)
    # Per language: 3 sessions, their event, 3 rooms, 2 people.
    assert services.prepare_exports(forum.pk) == 2 * (3 + 1 + 3 + 2)
    forum.refresh_from_db()
    assert forum.exports_version == forum.cache_version
    assert selectors.json_fragments(forum, language)  # the views assemble them
    assert len(selectors.vevent_fragments(forum, language)) == 3
    assert _served(client, language) == _built(forum, language)
    assert services.prepare_exports(forum.pk) == 0  # this version is already prepared


def test_a_change_shows_at_once_and_is_prepared_after_commit(
    client, event, forum, django_capture_on_commit_callbacks
):
    (first, *_rest) = _forum_with_sessions(event)
    services.touch_schedule(forum.pk)
    services.prepare_exports(forum.pk)
    speaker = first.speakers.get()
    speaker.name = "Augusta Ada King"
    with django_capture_on_commit_callbacks() as callbacks:
        services.save_speaker(speaker)
    # Before the preparation runs: built from scratch, the new name already.
    forum.refresh_from_db()
    assert forum.exports_version != forum.cache_version
    served = _served(client, "en")
    assert served == _built(forum, "en")
    assert b"Augusta Ada King" in served["/schedule.ics"]
    assert b"Ada Lovelace" not in served["/api/schedule.json"]
    for callback in callbacks:  # the task, eager here
        callback()
    forum.refresh_from_db()
    assert forum.exports_version == forum.cache_version
    assert _served(client, "en") == served
    names = ExportFragment.objects.filter(kind="speaker").values_list("json", flat=True)
    assert any("Augusta Ada King" in name for name in names)


def test_a_release_prepares_the_exports_once_committed(
    client, event, forum, django_capture_on_commit_callbacks
):
    _forum_with_sessions(event)
    with django_capture_on_commit_callbacks(execute=True):
        services.release_schedule(forum)
    forum.refresh_from_db()
    assert forum.release_number == 1 and forum.exports_version == forum.cache_version
    assert ExportFragment.objects.filter(kind="session", language="zh-hans").count() == 3
    assert _served(client, "zh-hans") == _built(forum, "zh-hans")


def test_another_site_url_never_serves_the_old_urls(client, event, forum, settings):
    (session, *_rest) = _forum_with_sessions(event)
    services.touch_schedule(forum.pk)
    services.prepare_exports(forum.pk)
    settings.SITE_URL = "https://www.zgcforum.example"
    served = _served(client, "en")
    assert served == _built(forum, "en")
    assert (
        f"https://www.zgcforum.example/sessions/{session.code}/".encode()
        in served["/api/schedule.json"]
    )
    assert services.prepare_exports(forum.pk) > 0  # written again for this site
    assert _served(client, "en") == served


def test_the_exports_queries_do_not_grow_when_assembled(client, event, forum):
    made = []

    def prepared_sessions(n):
        for _i in range(n):
            made.append(
                SessionFactory(
                    event=event,
                    starts_at=at(len(made) % 5, 9),
                    ends_at=at(len(made) % 5, 10),
                    speakers=[SpeakerFactory()],
                )
            )
        services.touch_schedule(forum.pk)
        services.prepare_exports(forum.pk)

    for url, budget in [
        ("/schedule.ics", 2),  # forum, the sessions' VEVENTs
        (event.urls.ical, 3),  # forum, event, its sessions' VEVENTs
        ("/api/schedule.json", 3),  # forum, every fragment, releases
    ]:
        responses = assert_queries_do_not_grow(
            lambda url=url: client.get(url), prepared_sessions, budget=budget, n=3
        )
        assert [r.status_code for r in responses] == [200, 200]
        assert responses[1].content.count(b"/sessions/") >= len(made)
    assert len(client.get("/api/schedule.json").json()["sessions"]) == len(made)


@pytest.mark.django_db(transaction=True)
def test_two_preparations_at_once_leave_one_set(transactional_db):
    require_postgres()
    forum = ForumFactory(is_published=True)
    event = EventFactory(forum=forum, section=SectionFactory(forum=forum))
    _forum_with_sessions(event, n=5)
    services.touch_schedule(forum.pk)  # the task it hands over runs eagerly: one set
    Forum.objects.filter(pk=forum.pk).update(exports_version=None)
    ExportFragment.objects.all().delete()
    barrier = threading.Barrier(4)
    written = []
    errors = []

    def prepare():
        try:
            barrier.wait()
            written.append(services.prepare_exports(forum.pk))
        except Exception as exc:  # noqa: BLE001 - the test reports whatever went wrong
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=prepare) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(written) == [0, 0, 0, 2 * (5 + 1 + 5 + 2)]  # one wrote, the others found it
    assert ExportFragment.objects.filter(forum=forum).count() == 2 * (5 + 1 + 5 + 2)
