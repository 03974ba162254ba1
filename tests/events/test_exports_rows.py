"""The exports' rows come from raw statements (``selectors.schedule_export``); what they held
before came from the ORM's ``values()``. On the demo forum, in English and Chinese, the rows are
the same, and so is every export byte for byte (whole forum, each event, each session, the JSON)
with its ETag; a speaker renamed after a release shows at once in both exports."""

import hashlib

import pytest
from django.db.models import BooleanField, Value
from django.test import override_settings
from django.utils import translation
from django.utils.http import quote_etag

from events import exports, selectors, services
from events.models import Event, Forum, Session
from events.views import cache_key
from tests.factories.events import SessionFactory, SpeakerFactory, at

LANGUAGES = ["en", "zh-hans"]
COLD = {
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
    "PUBLIC_PAGE_CACHE": False,
}


def orm_schedule_export(forum, *, event=None, code=None):
    """The ORM's reading of the exports' rows, as ``schedule_export`` was written before the
    raw statements: the oracle."""
    sessions = selectors.public_sessions(forum).prefetch_related(None)
    if event is not None:
        sessions = sessions.filter(event=event)
    if code is not None:
        sessions = sessions.filter(code=code)
    rows = list(sessions.values(*selectors.EXPORT_FIELDS))
    ids = [row["pk"] for row in rows]
    fields = selectors.EXPORT_PEOPLE_FIELDS
    people = (
        Session.speakers.through.objects.filter(session_id__in=ids)
        .values_list(*fields, Value(False, output_field=BooleanField()))
        .union(
            Session.moderators.through.objects.filter(session_id__in=ids).values_list(
                *fields, Value(True, output_field=BooleanField())
            ),
            all=True,
        )
        .order_by("speaker__name", "speaker_id")
    )
    return rows, [tuple(person) for person in people]


def _same(rows, people, orm_rows, orm_people) -> bool:
    """The same rows and the same people (both ordered by name in the database's collation;
    the order among one person's sessions is the database's to choose, in either reading, and
    the exports below show that it changes nothing)."""
    return rows == orm_rows and sorted(map(tuple, people)) == sorted(orm_people)


def _ical(forum, rows, people, name, language):
    return exports.schedule_ical(forum, rows, people, name=name, language=language)


def _prefix(language: str) -> str:
    return "/zh-hans" if language == "zh-hans" else ""


def _assert_served(client, forum, path, kind, detail, body, language):
    response = client.get(_prefix(language) + path)
    assert response.status_code == 200, path
    assert response.content == body, path
    with translation.override(language):
        key = cache_key(forum, kind, detail)
    assert response["ETag"] == quote_etag(hashlib.md5(key.encode()).hexdigest())


@pytest.mark.parametrize("prepared", [True, False], ids=["assembled", "built"])
@pytest.mark.parametrize("language", LANGUAGES)
@override_settings(**COLD)
def test_exports_equal_the_orm_rows_output_byte_for_byte_on_the_demo(
    demo_forum, client, language, prepared
):
    """Assembled from the fragments ``seed_demo`` prepared, or built from scratch (as until the
    preparation after a change has run)."""
    forum = demo_forum
    if not prepared:
        Forum.objects.filter(pk=forum.pk).update(exports_version=None)
    current = selectors.current_forum()
    assert (current.exports_version == current.cache_version) == prepared
    assert selectors.json_fragments(current, language)  # written by seed_demo
    with translation.override(language):
        rows, people = selectors.schedule_export(forum)
        orm_rows, orm_people = orm_schedule_export(forum)
        assert len(rows) > 250 and len(people) > 250
        assert _same(rows, people, orm_rows, orm_people)
        whole = _ical(forum, orm_rows, orm_people, forum.name, language)
        document = exports.dumps(
            exports.schedule_json(
                forum,
                orm_rows,
                orm_people,
                release_number=forum.release_number,
                language=language,
                releases=selectors.releases(forum),
            )
        )
    _assert_served(client, forum, "/schedule.ics", "ics", "", whole, language)
    _assert_served(client, forum, "/api/schedule.json", "json4", "", document, language)

    for event in Event.objects.filter(forum=forum).published():
        with translation.override(language):
            rows, people = selectors.schedule_export(forum, event=event)
            orm_rows, orm_people = orm_schedule_export(forum, event=event)
            assert _same(rows, people, orm_rows, orm_people)
            body = _ical(forum, orm_rows, orm_people, event.title, language)
        path = f"/events/{event.slug}/event.ics"
        _assert_served(client, forum, path, "event-ics", event.slug, body, language)

    for row in orm_schedule_export(forum)[0][::7]:
        code = row["code"]
        with translation.override(language):
            rows, people = selectors.schedule_export(forum, code=code)
            orm_rows, orm_people = orm_schedule_export(forum, code=code)
            assert _same(rows, people, orm_rows, orm_people)
            title = exports.translator(language)(orm_rows[0], "title")
            body = _ical(forum, orm_rows, orm_people, title, language)
        path = f"/sessions/{code}/session.ics"
        _assert_served(client, forum, path, "session-ics", code, body, language)


@override_settings(**COLD)
def test_a_session_without_people_and_an_event_without_sessions(client, event, forum):
    session = SessionFactory(event=event, starts_at=at(0, 9), ends_at=at(0, 10))
    rows, people = selectors.schedule_export(forum, code=session.code)
    assert [row["code"] for row in rows] == [session.code] and people == []
    assert rows[0]["starts_at"] == session.starts_at  # aware, in UTC, on SQLite too
    assert client.get(session.urls.ical).status_code == 200
    Session.objects.filter(pk=session.pk).delete()
    response = client.get(f"/events/{event.slug}/event.ics")
    assert response.status_code == 200 and b"BEGIN:VEVENT" not in response.content
    assert selectors.schedule_export(forum) == ([], [])


def test_a_speaker_renamed_after_a_release_shows_at_once_in_both_exports(client, event, forum):
    """With the caches on, as in production: the rename bumps the schedule's version."""
    speaker = SpeakerFactory(name="Ada Lovelace")
    SessionFactory(event=event, starts_at=at(0, 9), ends_at=at(0, 10), speakers=[speaker])
    services.release_schedule(forum)
    assert "Ada Lovelace" in client.get("/schedule.ics").content.decode()
    assert "Ada Lovelace" in client.get("/api/schedule.json").content.decode()

    speaker.name = "Augusta Ada King"
    services.save_speaker(speaker)

    for path in ("/schedule.ics", "/api/schedule.json", f"/events/{event.slug}/event.ics"):
        body = client.get(path).content.decode()
        assert "Augusta Ada King" in body and "Ada Lovelace" not in body, path


def test_an_unpublished_forum_exports_no_sessions(event, forum):
    SessionFactory(event=event, starts_at=at(0, 9), ends_at=at(0, 10), speakers=[SpeakerFactory()])
    assert len(selectors.schedule_export(forum)[0]) == 1
    forum.is_published = False
    forum.save()
    assert orm_schedule_export(forum) == ([], [])
    assert selectors.schedule_export(forum) == ([], [])
    assert selectors.export_people(forum) == []
