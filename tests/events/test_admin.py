"""Admin: the programme team sees everything; an event host only their own events."""

import re
import threading
import time
import warnings

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.urls import URLPattern
from django.utils.deprecation import RemovedInDjango60Warning

from delegates.services import star_session
from events import services
from events.admin import SessionAdminForm, SessionInlineForm
from events.models import Event, Release, Session, Speaker
from events.roles import EVENT_HOSTS, PROGRAMME_TEAM
from tests.delegates.agenda_support import approved_delegate
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, RoomFactory, SessionFactory, SpeakerFactory, at
from tests.services import require_postgres


@pytest.fixture
def hosts(roles, forum, section):
    """Two hosts, each managing one event with one session and one speaker."""
    made = {}
    for name in ("mine", "theirs"):
        user = UserFactory(is_staff=True)
        user.groups.set([Group.objects.get(name=EVENT_HOSTS)])
        event = EventFactory(forum=forum, section=section, title_en=f"Event {name}")
        event.managers.set([user])
        speaker = SpeakerFactory(name=f"Speaker {name}")
        session = SessionFactory(event=event, title_en=f"Session {name}", speakers=[speaker])
        made[name] = {"user": user, "event": event, "session": session, "speaker": speaker}
    return made


def object_urls(obj) -> list[str]:
    """Every admin URL of ``obj``'s model that takes an object id, filled in."""
    model_admin = admin.site._registry[type(obj)]
    prefix = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/"
    history = obj.history.first()
    urls = []
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or "object_id" not in str(pattern.pattern):
            continue
        route = str(pattern.pattern)
        route = route.replace("<path:object_id>", str(obj.pk)).replace(
            "<str:history_id>", str(history.history_id if history else 1)
        )
        route = re.sub(r"<\w+:version_id>", str(history.history_id if history else 1), route)
        urls.append(prefix + route.lstrip("^").rstrip("$"))
    return urls


def test_event_host_cannot_open_anything_of_another_hosts_event(client, hosts):
    client.force_login(hosts["mine"]["user"])
    theirs = hosts["theirs"]
    swept = 0
    for obj in (theirs["event"], theirs["session"], theirs["speaker"]):
        for url in object_urls(obj):
            assert url.count("/") >= 5
            response = client.get(url, follow=True)  # <id>/ redirects to <id>/change/
            assert response.status_code in (403, 404), f"{url} answered {response.status_code}"
            response = client.post(url, {"title_en": "hijacked", "post": "yes"}, follow=True)
            assert response.status_code in (403, 404), f"POST {url} answered {response.status_code}"
            swept += 1
    assert swept >= 12  # <id>, change, delete, history, history versions of three objects
    assert Event.objects.get(pk=theirs["event"].pk).title_en == "Event theirs"
    assert Session.objects.filter(pk=theirs["session"].pk).exists()


def test_event_host_lists_and_autocompletes_only_their_own(client, hosts):
    client.force_login(hosts["mine"]["user"])
    for path in ("/admin/events/event/", "/admin/events/session/", "/admin/events/speaker/"):
        html = client.get(path).content.decode()
        assert "mine" in html and "theirs" not in html, path
    for field, model in [("event", "session"), ("speakers", "session"), ("moderators", "session")]:
        response = client.get(
            "/admin/autocomplete/",
            {"app_label": "events", "model_name": model, "field_name": field, "term": ""},
        )
        assert response.status_code == 200
        texts = [r["text"] for r in response.json()["results"]]
        assert texts and all("theirs" not in t for t in texts), (field, texts)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "events", "model_name": "session", "field_name": "event", "term": "theirs"},
    )
    assert response.json()["results"] == []


def test_event_host_cannot_reach_forums_or_releases(client, hosts, forum):
    client.force_login(hosts["mine"]["user"])
    assert client.get("/admin/events/forum/").status_code == 403
    assert client.get(f"/admin/events/forum/{forum.pk}/change/").status_code in (403, 404)
    assert client.get("/admin/events/release/").status_code == 403


def test_event_host_edits_their_own_event_and_session(client, hosts):
    mine = hosts["mine"]
    client.force_login(mine["user"])
    assert client.get(f"/admin/events/event/{mine['event'].pk}/change/").status_code == 200
    session = mine["session"]
    response = client.post(
        f"/admin/events/session/{session.pk}/change/",
        session_form(session, title_en="Renamed by host", event=mine["event"].pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session.refresh_from_db()
    assert session.title_en == "Session mine"  # the public schedule waits for the release
    assert services.working_values(session)["title_en"] == "Renamed by host"
    # Pointing the session at another host's event is refused by the form.
    response = client.post(
        f"/admin/events/session/{session.pk}/change/",
        session_form(session, event=hosts["theirs"]["event"].pk),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def session_form(session, **changes) -> dict:
    data = {
        "event": session.event_id,
        "code": session.code,
        "title_en": session.title_en,
        "title_zh_hans": session.title_zh_hans,
        "description_en": "",
        "description_zh_hans": "",
        "type": session.type,
        "starts_at_0": session.starts_at.strftime("%Y-%m-%d"),
        "starts_at_1": session.starts_at.strftime("%H:%M:%S"),
        "ends_at_0": session.ends_at.strftime("%Y-%m-%d"),
        "ends_at_1": session.ends_at.strftime("%H:%M:%S"),
        "room": session.room_id,
        "language": session.language,
        "speakers": [s.pk for s in session.speakers.all()],
        "livestream_url": "",
        "capacity": "",
    }
    for key, value in changes.items():
        if key in ("starts_at", "ends_at"):
            data[f"{key}_0"], data[f"{key}_1"] = (
                value.strftime("%Y-%m-%d"),
                value.strftime("%H:%M:%S"),
            )
        else:
            data[key] = value
    return data


@pytest.fixture
def organizer(roles):
    user = UserFactory(is_staff=True)
    user.groups.set([Group.objects.get(name=PROGRAMME_TEAM)])
    return user


def test_programme_team_opens_every_admin_page(client, organizer, hosts):
    client.force_login(organizer)
    session = hosts["theirs"]["session"]
    for url in [
        "/admin/events/",
        "/admin/events/event/",
        "/admin/events/session/",
        "/admin/events/speaker/",
        "/admin/events/forum/",
        "/admin/events/section/",
        "/admin/events/venue/",
        "/admin/events/room/",
        "/admin/events/theme/",
        "/admin/events/release/",
        "/admin/events/session/add/",
        *object_urls(session.event)[:3],
        *object_urls(session),
    ]:
        assert client.get(url, follow=True).status_code == 200, url


def test_admin_search_covers_both_languages(client, organizer, event):
    SessionFactory(event=event, title_en="Roadmap", title_zh_hans="碳中和路线图")
    client.force_login(organizer)
    assert "Roadmap" in client.get("/admin/events/session/", {"q": "碳中和"}).content.decode()
    assert "Roadmap" in client.get("/admin/events/session/", {"q": "roadmap"}).content.decode()


def test_admin_session_form_shows_room_and_speaker_clashes(client, organizer, event):
    room = RoomFactory()
    speaker = SpeakerFactory(name="Busy Person")
    taken = SessionFactory(
        event=event, room=room, starts_at=at(0, 9), ends_at=at(0, 10), speakers=[speaker]
    )
    other = SessionFactory(event=event, starts_at=at(1, 9), ends_at=at(1, 10))
    client.force_login(organizer)
    url = f"/admin/events/session/{other.pk}/change/"
    response = client.post(
        url, session_form(other, room=room.pk, starts_at=at(0, 9, 30), ends_at=at(0, 10, 30))
    )
    assert response.status_code == 200
    assert "already booked" in response.content.decode()
    response = client.post(
        url,
        session_form(other, starts_at=at(0, 9, 30), ends_at=at(0, 10, 30), speakers=[speaker.pk]),
    )
    html = response.content.decode()
    assert "Busy Person" in html and "already speaks" in html
    response = client.post(url, session_form(other, starts_at=at(6, 9), ends_at=at(6, 10)))
    assert "during the forum" in response.content.decode()
    assert Session.objects.get(pk=other.pk).starts_at == at(1, 9)
    assert taken.pk


def test_admin_actions_cancel_export_and_release(client, organizer, event, forum):
    sessions = [SessionFactory(event=event, title_zh_hans=f"碳中和{i}") for i in range(3)]
    client.force_login(organizer)
    response = client.post(
        "/admin/events/session/",
        {"action": "export_sessions_csv", "_selected_action": [s.pk for s in sessions]},
    )
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("code,event,section")
    assert len(body.strip().splitlines()) == 4 and "碳中和1" in body
    client.post(
        "/admin/events/session/",
        {"action": "cancel_selected", "_selected_action": [sessions[0].pk]},
    )
    assert not Session.objects.get(pk=sessions[0].pk).is_cancelled  # staged only
    assert services.working_values(sessions[0])["is_cancelled"] is True
    release_url = f"/admin/events/forum/{forum.pk}/release/"
    page = client.get(release_url)
    diff_hash = page.context["diff"].hash
    response = client.post(
        release_url,
        {
            "action": "release",
            "diff_hash": diff_hash,
            "change": [r["id"] for r in page.context["rows"]],
        },
        follow=True,
    )
    assert "Version 1 released" in response.content.decode()
    assert Release.objects.get(forum=forum).number == 1
    assert Session.objects.get(pk=sessions[0].pk).is_cancelled
    response = client.post(
        "/admin/events/forum/", {"action": "export_csv", "_selected_action": [forum.pk]}
    )
    assert len(response.content.decode("utf-8-sig").strip().splitlines()) == 4


def test_speaker_added_by_a_host_stays_theirs(client, hosts):
    client.force_login(hosts["mine"]["user"])
    response = client.post(
        "/admin/events/speaker/add/",
        {
            "slug": "new-person",
            "name": "New Person",
            "name_zh": "新人",
            "country": "CN",
            "affiliation_en": "",
            "affiliation_zh_hans": "",
            "bio_en": "",
            "bio_zh_hans": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    speaker = Speaker.objects.get(slug="new-person")
    assert client.get(f"/admin/events/speaker/{speaker.pk}/change/").status_code == 200
    client.force_login(hosts["theirs"]["user"])
    assert client.get(f"/admin/events/speaker/{speaker.pk}/change/").status_code in (403, 404)


def event_form(event, sessions: list[dict]) -> dict:
    data = {
        "forum": event.forum_id,
        "section": event.section_id,
        "slug": event.slug,
        "title_en": event.title_en,
        "title_zh_hans": event.title_zh_hans,
        "description_en": "",
        "description_zh_hans": "",
        "type": event.type,
        "host_en": event.host_en,
        "host_zh_hans": event.host_zh_hans,
        "co_organizers_en": "",
        "co_organizers_zh_hans": "",
        "is_public": "on",
        "is_published": "on",
        "position": 0,
        "sessions-TOTAL_FORMS": len(sessions),
        "sessions-INITIAL_FORMS": sum("id" in row for row in sessions),  # rows with an id first
        "sessions-MIN_NUM_FORMS": 0,
        "sessions-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(sessions):
        for key, value in row.items():
            if key in ("starts_at", "ends_at"):
                data[f"sessions-{i}-{key}_0"] = value.strftime("%Y-%m-%d")
                data[f"sessions-{i}-{key}_1"] = value.strftime("%H:%M:%S")
            else:
                data[f"sessions-{i}-{key}"] = value
    return data


def test_event_inline_checks_rooms_and_saves_through_the_services(client, organizer, event):
    room = RoomFactory()
    SessionFactory(event=event, room=room, starts_at=at(0, 9), ends_at=at(0, 10))
    client.force_login(organizer)
    url = f"/admin/events/event/{event.pk}/change/"
    clash = {
        "code": "clash",
        "title_en": "Clash",
        "title_zh_hans": "冲突",
        "type": "panel",
        "starts_at": at(0, 9, 30),
        "ends_at": at(0, 10, 30),
        "room": room.pk,
    }
    response = client.post(url, event_form(event, [clash]))
    assert response.status_code == 200
    assert "already booked" in response.content.decode()
    assert not Session.objects.filter(code="clash").exists()
    fine = {**clash, "code": "fine", "starts_at": at(0, 10), "ends_at": at(0, 11)}
    response = client.post(url, event_form(event, [fine]))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Session.objects.filter(code="fine").exists()  # staged: created at the release
    services.release_schedule(event.forum)
    assert Session.objects.get(code="fine").event == event


def test_renaming_a_room_in_the_admin_shows_on_cached_pages(client, organizer, event):
    session = SessionFactory(event=event)
    room = session.room
    assert room.name_en in client.get("/schedule/").content.decode()  # now cached
    client.force_login(organizer)
    response = client.post(
        f"/admin/events/room/{room.pk}/change/",
        {
            "venue": room.venue_id,
            "slug": room.slug,
            "name_en": "Renamed Hall",
            "name_zh_hans": "新厅",
            "capacity": 100,
            "floor": "1",
            "accessibility_en": "",
            "accessibility_zh_hans": "",
            "position": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert "Renamed Hall" in client.get("/schedule/").content.decode()


def test_event_host_cannot_add_a_session_to_another_hosts_event(client, hosts):
    client.force_login(hosts["mine"]["user"])
    template = hosts["mine"]["session"]
    data = session_form(
        template,
        event=hosts["theirs"]["event"].pk,
        code="sneaky",
        starts_at=at(2, 9),
        ends_at=at(2, 10),
    )
    response = client.post("/admin/events/session/add/", data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Session.objects.filter(code="sneaky").exists()
    data = session_form(template, code="allowed", starts_at=at(2, 9), ends_at=at(2, 10))
    assert client.post("/admin/events/session/add/", data).status_code == 302
    services.release_schedule(template.event.forum)
    assert Session.objects.get(code="allowed").event == hosts["mine"]["event"]


def test_admin_pages_and_forms_raise_no_django_6_url_scheme_warning(client, organizer, event):
    session = SessionFactory(event=event, livestream_url="https://live.example.org/a")
    client.force_login(organizer)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango60Warning)
        # The admin forms as declared (built when events.admin is imported) ...
        for form in (SessionAdminForm, SessionInlineForm):
            forms.modelform_factory(
                Session, form=form, fields=[*form.Meta.fields, "livestream_url"]
            )
        # ... and as the admin builds them for its pages and the event's sessions inline.
        for url in (
            "/admin/events/session/add/",
            f"/admin/events/session/{session.pk}/change/",
            "/admin/events/event/add/",
            f"/admin/events/event/{event.pk}/change/",
        ):
            assert client.get(url).status_code == 200, url
        response = client.post(
            f"/admin/events/session/{session.pk}/change/",
            session_form(session, livestream_url="live.example.org/b"),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert services.working_values(session)["livestream_url"] == "https://live.example.org/b"


def wait_for_a_lock_wait(seconds: float = 30) -> None:
    """Return once some PostgreSQL backend waits for a row lock another one holds."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    pytest.fail("nobody waited for a lock")


def post_while_another_organiser_books(client, url: str, data: dict, event, speaker):
    """POST ``data`` to ``url`` while another organiser books ``speaker`` (Sep 25, 9–10) in
    ``event``: the booking is made first and committed only once this save waits for it, so the
    form's checks pass and the service's check at save time sees the booking. The response."""
    booked, commit = threading.Event(), threading.Event()

    def other_organiser():
        try:
            with transaction.atomic():  # holds the event's row lock until it commits
                services.create_session(
                    event,
                    code="other",
                    title_en="Other",
                    title_zh_hans="其他",
                    room=RoomFactory(),
                    starts_at=at(1, 9),
                    ends_at=at(1, 10),
                    speakers=[speaker],
                )
                booked.set()
                commit.wait(30)
        finally:
            connection.close()

    responses = []

    def this_organiser():
        try:
            responses.append(client.post(url, data))
        finally:
            connection.close()

    other = threading.Thread(target=other_organiser)
    other.start()
    assert booked.wait(30)
    mine = threading.Thread(target=this_organiser)
    mine.start()  # its form sees no clash yet; its save waits for the event
    wait_for_a_lock_wait()
    commit.set()
    other.join()
    mine.join()
    (response,) = responses
    return response


@pytest.mark.django_db(transaction=True)
def test_a_session_the_service_refuses_at_save_time_shows_the_form_again(client, organizer, event):
    """Another organiser books the same speaker after this form was checked: nothing is added."""
    require_postgres()
    speaker = SpeakerFactory(name="Busy Person")
    template = SessionFactory(event=event, starts_at=at(2, 9), ends_at=at(2, 10))
    client.force_login(organizer)
    data = session_form(
        template,
        code="mine",
        room=RoomFactory().pk,
        starts_at=at(1, 9, 30),
        ends_at=at(1, 10, 30),
        speakers=[speaker.pk],
    )
    response = post_while_another_organiser_books(
        client, "/admin/events/session/add/", data, event, speaker
    )
    html = response.content.decode()
    assert response.status_code == 200, html[:2000]
    assert "already speaks at “Other”" in html and "added successfully" not in html
    assert not Session.objects.filter(code="mine").exists()
    assert Session.objects.filter(code="other").exists()
    assert not LogEntry.objects.filter(content_type__model="session").exists()


def inline_row(session, **changes) -> dict:
    """The event inline's row for an existing session, as the change page posts it."""
    return {
        "id": session.pk,
        "event": session.event_id,
        "code": session.code,
        "title_en": session.title_en,
        "title_zh_hans": session.title_zh_hans,
        "type": session.type,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "room": session.room_id,
        **changes,
    }


def test_deleting_a_released_session_in_the_event_inline_cancels_it_and_tells_people(
    client, organizer, event, mailoutbox, django_capture_on_commit_callbacks
):
    speaker = SpeakerFactory(email="speaker@example.org", language="en")
    released = SessionFactory(
        event=event, title_en="Released talk", released_in=1, speakers=[speaker]
    )
    draft = SessionFactory(event=event, title_en="Draft talk")
    star_session(released, user=approved_delegate(email="fan@example.org"))
    client.force_login(organizer)
    rows = [inline_row(released, DELETE="on"), inline_row(draft, DELETE="on")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/events/event/{event.pk}/change/", event_form(event, rows), follow=True
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“Released talk” was already released: its cancellation is staged" in html
    released.refresh_from_db()
    assert not released.is_cancelled and released.sequence == 0  # until the release
    assert not Session.objects.filter(pk=draft.pk).exists()  # never released: really deleted
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.release_schedule(event.forum, note_en="Cancelled")
    released.refresh_from_db()
    assert released.is_cancelled and released.sequence == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["fan@example.org", "speaker@example.org"]
    assert "STATUS:CANCELLED" in client.get("/schedule.ics").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_row_the_service_refuses_at_save_time_shows_the_event_form_again(
    client, organizer, event
):
    """The speaker of a moved session is booked elsewhere after the rows were checked: nothing
    of this save holds (event, other rows, a cancellation), and the row says why."""
    require_postgres()
    speaker = SpeakerFactory(name="Busy Person")
    moved = SessionFactory(event=event, starts_at=at(2, 9), ends_at=at(2, 10), speakers=[speaker])
    released = SessionFactory(event=event, title_en="Released talk", released_in=1)
    client.force_login(organizer)
    rows = [
        inline_row(moved, starts_at=at(1, 9, 30), ends_at=at(1, 10, 30)),
        inline_row(released, DELETE="on"),
    ]
    data = event_form(event, rows) | {"title_en": "Renamed in the same save"}
    response = post_while_another_organiser_books(
        client, f"/admin/events/event/{event.pk}/change/", data, event, speaker
    )
    html = response.content.decode()
    assert response.status_code == 200, html[:2000]
    assert "already speaks at “Other”" in html
    assert "changed successfully" not in html and "cancelled instead of deleted" not in html
    moved.refresh_from_db()
    released.refresh_from_db()
    event.refresh_from_db()
    assert moved.starts_at == at(2, 9)
    assert not released.is_cancelled
    assert event.title_en != "Renamed in the same save"
    assert not LogEntry.objects.filter(content_type__model="event").exists()


STAGE_QUERIES = 9  # savepoint, session, event lock, working row, people and themes, write, release


@pytest.mark.parametrize("n", [2, 6])
# The organizer's fixed count includes the import and export permissions the changelist asks.
@pytest.mark.parametrize(("who", "fixed"), [("host", 13), ("organizer", 12)])
def test_cancelling_selected_sessions_costs_no_query_per_row_beyond_the_service(
    client, hosts, organizer, who, fixed, n, django_assert_num_queries
):
    """Permissions for all rows in one query; each staged cancel is the service's own queries."""
    sessions = [SessionFactory(event=hosts["mine"]["event"]) for _ in range(n)]
    client.force_login(hosts["mine"]["user"] if who == "host" else organizer)
    data = {"action": "cancel_selected", "_selected_action": [s.pk for s in sessions]}
    with django_assert_num_queries(fixed + STAGE_QUERIES * n):
        response = client.post("/admin/events/session/", data, follow=False)
    assert response.status_code == 302
    assert Session.objects.filter(pk__in=data["_selected_action"], is_cancelled=True).count() == 0
    assert all(services.working_values(s)["is_cancelled"] for s in sessions)
    html = client.get(response["Location"]).content.decode()
    assert f"{n} cancellations staged" in html


def test_cancel_action_reports_each_session_it_may_not_cancel(rf, hosts):
    mine, theirs = hosts["mine"]["session"], hosts["theirs"]["session"]
    request = rf.post("/admin/events/session/")
    request.user = hosts["mine"]["user"]
    request._messages = CookieStorage(request)
    # The changelist only offers a host their own sessions; the action must hold on its own.
    admin.site._registry[Session].cancel_selected(
        request, Session.objects.filter(pk__in=[mine.pk, theirs.pk])
    )
    assert [str(m) for m in get_messages(request)] == [
        "“Session theirs” is not a session of one of your events: left unchanged.",
        "1 cancellation staged: it is public once the schedule is released.",
    ]
    assert services.working_values(mine)["is_cancelled"]
    assert not Session.objects.get(pk=theirs.pk).is_cancelled


def test_a_released_session_cannot_be_deleted_only_cancelled(client, organizer, event):
    released = SessionFactory(event=event, title_en="Released talk", released_in=1)
    draft = SessionFactory(event=event, title_en="Draft talk")
    client.force_login(organizer)
    change = client.get(f"/admin/events/session/{released.pk}/change/").content.decode()
    assert f"/admin/events/session/{released.pk}/delete/" not in change
    assert client.get(f"/admin/events/session/{draft.pk}/change/").status_code == 200
    assert (
        client.post(f"/admin/events/session/{released.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    response = client.post(
        "/admin/events/session/",
        {"action": "delete_selected", "_selected_action": [released.pk, draft.pk], "post": "yes"},
    )
    assert response.status_code == 403  # refused as a whole
    assert Session.objects.filter(pk=released.pk).exists()
    assert Session.objects.filter(pk=draft.pk).exists()  # nothing deleted: all or nothing
    client.post(f"/admin/events/session/{draft.pk}/delete/", {"post": "yes"})
    assert not Session.objects.filter(pk=draft.pk).exists()  # a draft still can be
