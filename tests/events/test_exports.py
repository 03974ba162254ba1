"""iCalendar and JSON exports: parseable, zoned, stable, conditional; CSV for organizers."""

import json
from pathlib import Path

import icalendar
import jsonschema
import pytest
from django.conf import settings

from events import services
from tests.factories.events import EventFactory, RoomFactory, SessionFactory, SpeakerFactory, at
from tests.queries import assert_queries_do_not_grow

SCHEMA = json.loads(
    (Path(settings.BASE_DIR) / "events" / "schema" / "schedule.schema.json").read_text()
)


@pytest.fixture
def published(event, forum, section):
    sessions = [
        SessionFactory(
            event=event, starts_at=at(d, 9), ends_at=at(d, 10), speakers=[SpeakerFactory()]
        )
        for d in range(3)
    ]
    hidden = EventFactory(forum=forum, section=section, is_published=False)
    SessionFactory(event=hidden, title_en="Secret rehearsal")
    return sessions


def vevents(content: bytes):
    cal = icalendar.Calendar.from_ical(content)
    return cal, list(cal.walk("VEVENT"))


def test_schedule_ics_has_one_zoned_vevent_per_published_session(client, published):
    services.cancel_session(published[1])
    response = client.get("/schedule.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content.decode()
    assert "DTSTART;TZID=Asia/Shanghai:20210924T090000" in raw
    cal, events = vevents(response.content)
    assert len(events) == 3
    assert "Secret rehearsal" not in raw
    zones = [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")]
    assert zones == ["Asia/Shanghai"]
    by_uid = {str(e["UID"]): e for e in events}
    assert set(by_uid) == {f"{s.code}@zgcforum" for s in published}
    cancelled = by_uid[f"{published[1].code}@zgcforum"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) == 1
    first = by_uid[f"{published[0].code}@zgcforum"]
    assert first.decoded("DTSTART") == at(0, 9)
    assert str(first["STATUS"]) == "CONFIRMED"


def test_uid_stays_and_sequence_grows_when_a_session_moves(client, published):
    session = published[0]
    _cal, before = vevents(client.get(session.urls.ical).content)
    services.update_session(session, starts_at=at(0, 14), ends_at=at(0, 15))
    _cal, after = vevents(client.get(session.urls.ical).content)
    assert len(before) == len(after) == 1
    assert before[0]["UID"] == after[0]["UID"]
    assert int(after[0]["SEQUENCE"]) == int(before[0]["SEQUENCE"]) + 1
    assert after[0].decoded("DTSTART") == at(0, 14)


def test_event_ics_holds_its_sessions(client, published):
    response = client.get(published[0].event.urls.ical)
    _cal, events = vevents(response.content)
    assert len(events) == 3
    assert 'filename="' in response["Content-Disposition"]


def test_chinese_ics_has_chinese_titles(client, published):
    raw = client.get("/zh-hans/schedule.ics").content.decode()
    assert published[0].title_zh_hans in raw


def test_json_validates_against_its_schema(client, published):
    response = client.get("/api/schedule.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = response.json()
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert len(document["sessions"]) == 3
    assert document["version"] == 0 and document["language"] == "en"
    zh = client.get("/zh-hans/api/schedule.json").json()
    jsonschema.validate(zh, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert zh["sessions"][0]["title"] == published[0].title_zh_hans


@pytest.fixture
def shared(event, forum, section):
    """Two rooms; one speaker in three sessions (twice speaking, once moderating), one in two."""
    star = SpeakerFactory(slug="star", name="Ada Star", name_zh="", affiliation_zh_hans="")
    other = SpeakerFactory(slug="other", name="Bo Other", country="")
    rooms = [RoomFactory(floor="B1", capacity=80), RoomFactory(capacity=300)]
    sessions = [
        SessionFactory(event=event, room=rooms[0], speakers=[star, other]),
        SessionFactory(event=event, room=rooms[1], speakers=[star], moderators=[other]),
        SessionFactory(event=event, room=rooms[0], moderators=[star]),
        SessionFactory(event=event, room=rooms[1]),
    ]
    return {"star": star, "other": other, "rooms": rooms, "sessions": sessions}


def test_json_sessions_refer_to_rooms_and_speakers_listed_once(client, shared):
    response = client.get("/api/schedule.json")
    document = response.json()
    assert response.content.decode() == json.dumps(
        document, ensure_ascii=False, separators=(",", ":")
    )
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    rooms = {room["id"]: room for room in document["rooms"]}
    speakers = {speaker["slug"]: speaker for speaker in document["speakers"]}
    events = {event["slug"] for event in document["events"]}
    assert len(rooms) == len(document["rooms"]) == 2
    assert [s["slug"] for s in document["speakers"]] == ["star", "other"]  # once each, by name
    for session in document["sessions"]:
        assert session["room"] in rooms and session["event"] in events
        assert set(session["speakers"] + session["moderators"]) <= set(speakers)
    by_code = {session["code"]: session for session in document["sessions"]}
    first, second, third, fourth = (by_code[s.code] for s in shared["sessions"])
    assert first["speakers"] == ["star", "other"] and first["moderators"] == []
    assert second["speakers"] == ["star"] and second["moderators"] == ["other"]
    assert third["speakers"] == [] and third["moderators"] == ["star"]
    assert fourth["speakers"] == fourth["moderators"] == []
    basement, hall = shared["rooms"]
    assert first["room"] == basement.pk and second["room"] == hall.pk
    assert rooms[basement.pk] == {
        "id": basement.pk,
        "name": basement.name_en,
        "venue": basement.venue.name_en,
        "floor": "B1",
        "capacity": 80,
    }
    assert rooms[hall.pk]["floor"] is None and rooms[hall.pk]["capacity"] == 300
    assert speakers["star"] == {
        "slug": "star",
        "name": "Ada Star",
        "name_zh": None,
        "affiliation": "Tsinghua University",
        "country": "CN",
        "country_name": "China",
        "url": f"{settings.SITE_URL}/speakers/star/",
    }
    assert speakers["other"]["country"] is None
    assert client.get(speakers["star"]["url"].removeprefix(settings.SITE_URL)).status_code == 200


def test_chinese_json_has_chinese_texts_and_links(client, shared):
    response = client.get("/zh-hans/api/schedule.json")
    document = response.json()
    assert response.content.decode() == json.dumps(
        document, ensure_ascii=False, separators=(",", ":")
    )
    assert "报告" in response.content.decode()  # UTF-8, not \\u escapes
    jsonschema.validate(document, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert document["language"] == "zh-hans"
    session = shared["sessions"][0]
    row = {row["code"]: row for row in document["sessions"]}[session.code]
    assert row["title"] == session.title_zh_hans
    assert row["url"].endswith(f"/zh-hans/sessions/{session.code}/")
    assert document["events"][0]["title"] == session.event.title_zh_hans
    room = {r["id"]: r for r in document["rooms"]}[session.room_id]
    assert (room["name"], room["venue"]) == (
        session.room.name_zh_hans,
        session.room.venue.name_zh_hans,
    )
    speakers = {speaker["slug"]: speaker for speaker in document["speakers"]}
    assert speakers["other"]["affiliation"] == "清华大学" and speakers["other"]["name_zh"]
    assert speakers["star"]["affiliation"] == "Tsinghua University"  # no Chinese: the English
    assert (speakers["star"]["country"], speakers["star"]["country_name"]) == ("CN", "中国")
    assert speakers["star"]["url"].endswith("/zh-hans/speakers/star/")


def test_ics_names_places_and_people_in_the_page_language(client, shared, event):
    star, other = shared["star"], shared["other"]
    second = shared["sessions"][1]  # star speaks, other moderates
    services.cancel_session(second)
    for prefix, language in (("", "en"), ("/zh-hans", "zh_hans")):
        _cal, events = vevents(client.get(f"{prefix}/schedule.ics").content)
        by_uid = {str(e["UID"]): e for e in events}
        assert len(by_uid) == 4
        vevent = by_uid[f"{second.code}@zgcforum"]
        title = getattr(second, f"title_{language}")
        assert str(vevent["SUMMARY"]) == title
        assert str(vevent["DESCRIPTION"]) == (
            f"{getattr(event, f'title_{language}')}\n{star.name}, {other.name} ({other.name_zh})"
        )
        room = second.room
        assert str(vevent["LOCATION"]) == (
            f"{getattr(room, f'name_{language}')}, {getattr(room.venue, f'name_{language}')}"
        )
        assert vevent["CATEGORIES"].cats == [getattr(event.section, f"name_{language}")]
        assert str(vevent["URL"]) == f"{settings.SITE_URL}{prefix}/sessions/{second.code}/"
        assert (str(vevent["STATUS"]), int(vevent["SEQUENCE"])) == ("CANCELLED", 1)
        fourth = by_uid[f"{shared['sessions'][3].code}@zgcforum"]
        assert str(fourth["DESCRIPTION"]) == getattr(event, f"title_{language}")  # nobody
        one = client.get(f"{prefix}/sessions/{second.code}/session.ics").content.decode()
        assert f"X-WR-CALNAME:{title}" in one
        _cal, alone = vevents(one.encode())
        assert [e.to_ical() for e in alone] == [vevent.to_ical()]


def test_unknown_or_hidden_session_ics_is_404(client, forum, section):
    hidden = EventFactory(forum=forum, section=section, is_published=False)
    secret = SessionFactory(event=hidden)
    assert client.get(secret.urls.ical).status_code == 404
    assert client.get("/sessions/no-such-code/session.ics").status_code == 404


def test_json_answers_304_to_a_matching_etag(client, published, forum):
    services.release_schedule(forum)
    first = client.get("/api/schedule.json")
    etag = first["ETag"]
    assert etag and first["Last-Modified"]
    again = client.get("/api/schedule.json", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    services.update_session(published[0], title_en="Renamed")
    changed = client.get("/api/schedule.json", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Renamed" in changed.content.decode()
    assert (
        client.get(
            "/schedule.ics", HTTP_IF_NONE_MATCH=client.get("/schedule.ics")["ETag"]
        ).status_code
        == 304
    )


# The schedule's exports (.ics and .json): forum, sessions, speakers and moderators (one UNION);
# the .json also lists the releases.
SCHEDULE_EXPORT_QUERIES = 3
SCHEDULE_JSON_QUERIES = 4
EVENT_ICS_QUERIES = 4  # forum, event, sessions, people
SESSION_ICS_QUERIES = 3  # forum, the session (404 before building), its people
WARM_EXPORT_QUERIES = 1  # cached: the forum row only


def test_exports_queries_do_not_grow(client, event):
    made = []

    def sessions(n):
        for i in range(n):
            made.append(
                SessionFactory(
                    event=event,
                    starts_at=at(i % 5, 9),
                    ends_at=at(i % 5, 10),
                    speakers=[SpeakerFactory()],
                )
            )

    def get(url):
        return lambda: client.get(url() if callable(url) else url)

    for url, budget in [
        ("/schedule.ics", SCHEDULE_EXPORT_QUERIES),
        (event.urls.ical, EVENT_ICS_QUERIES),
        (lambda: made[0].urls.ical, SESSION_ICS_QUERIES),
        ("/api/schedule.json", SCHEDULE_JSON_QUERIES),
    ]:
        responses = assert_queries_do_not_grow(get(url), sessions, budget=budget, n=3)
        assert [r.status_code for r in responses] == [200, 200]

    def sessions_released(n):  # as the services do: the cached export is stale
        sessions(n)
        services.touch_schedule(event.forum_id)

    warm = assert_queries_do_not_grow(
        get("/api/schedule.json"), sessions_released, budget=WARM_EXPORT_QUERIES, n=3, warm=True
    )
    # Rendered anew after each growth by the uncounted fetch, then served from the cache.
    assert [len(r.json()["sessions"]) for r in warm] == [len(made) - 6, len(made)]


def test_schema_is_served(client):
    assert client.get("/api/schedule.schema.json").json()["title"] == "ZGC Forum schedule"
