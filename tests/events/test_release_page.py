"""The Release page: the diff between the last release and the working programme, who each
change would mail, a release of all or some changes, revert, and who may release."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from delegates import services as delegates
from events import selectors, services
from events.models import Release, Session, WorkingChange
from events.roles import EVENT_HOSTS, FORUM_SECRETARIAT, PROGRAMME_TEAM
from notifications.models import OutboundMessage
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.accounts import UserFactory
from tests.factories.events import (
    EventFactory,
    ForumFactory,
    RoomFactory,
    SectionFactory,
    SessionFactory,
    SpeakerFactory,
    at,
)
from tests.services import require_postgres


@pytest.fixture
def organizer(roles):
    user = UserFactory(is_staff=True)
    user.groups.set([Group.objects.get(name=PROGRAMME_TEAM)])
    return user


@pytest.fixture
def released(forum, section):
    """Five released sessions (one cancelled) with followers in both languages."""
    event = EventFactory(forum=forum, section=section, title_en="Main forum")
    sessions = [
        rsvp_session(
            5,
            event=event,
            code=f"s{i}",
            title_en=f"Talk {i}",
            starts_at=at(i % 2, 9 + i),
            ends_at=at(i % 2, 10 + i),
        )
        for i in range(5)
    ]
    Session.objects.filter(pk=sessions[4].pk).update(is_cancelled=True)
    en = approved_delegate(language="en")
    zh = approved_delegate(language="zh-hans")
    delegates.star_session(sessions[0], user=en)
    delegates.star_session(sessions[0], user=zh)
    delegates.reserve_seat(sessions[1], user=zh)
    sessions[2].speakers.add(SpeakerFactory(email="speaker@example.org", language="zh-hans"))
    services.release_schedule(forum)
    for session in sessions:
        session.refresh_from_db()
    return sessions


def stage_seven_kinds(sessions):
    services.stage_session_change(sessions[0], starts_at=at(0, 16), ends_at=at(0, 17))  # moved
    services.stage_session_change(sessions[1], is_cancelled=True)  # cancelled
    services.stage_session_change(sessions[2], title_en="Talk two, renamed")  # retitled
    services.stage_session_change(sessions[3], speakers=[SpeakerFactory()])  # speakers
    services.stage_session_change(sessions[4], is_cancelled=False)  # restored
    services.stage_new_session(
        sessions[0].event,
        code="new",
        title_en="New talk",
        starts_at=at(1, 17),
        ends_at=at(1, 18),
        room=RoomFactory(),
    )  # added
    services.stage_session_change(sessions[1], capacity=2)  # capacity, with the cancellation


def independent_counts(session) -> dict:
    """Who follows ``session``, counted here without the delegates app's selector."""
    people = {}
    for star in session.stars.select_related("user"):
        people[star.user.email] = star.user.language
    for rsvp in session.rsvps.select_related("user"):
        people[rsvp.user.email] = rsvp.user.language
    for speaker in [*session.speakers.all(), *session.moderators.all()]:
        if speaker.email:
            people.setdefault(speaker.email, speaker.language or "en")
    for user in session.event.managers.all():
        people.setdefault(user.email, user.language)
    counts = {}
    for language in people.values():
        counts[language] = counts.get(language, 0) + 1
    return counts


def test_the_diff_lists_exactly_the_changes_with_their_audience(client, organizer, released):
    stage_seven_kinds(released)
    client.force_login(organizer)
    forum = released[0].event.forum
    response = client.get(f"/admin/events/forum/{forum.pk}/release/")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.context["rows"]}
    assert {code: row["kinds"] for code, row in rows.items()} == {
        "s0": ["moved"],
        "s1": ["cancelled", "capacity"],
        "s2": ["retitled"],
        "s3": ["speakers"],
        "s4": ["restored"],
        "new": ["added"],
    }
    for session in released:
        assert rows[session.code]["audience"] == independent_counts(session), session.code
    assert rows["new"]["audience"] == {}
    html = response.content.decode()
    assert "Talk two, renamed" in html and "16:00" in html and 'name="diff_hash"' in html


def test_capacity_and_description_changes_mail_nobody(client, organizer, released):
    services.stage_session_change(released[0], capacity=3, description_en="Longer")
    (row,) = selectors.working_diff(released[0].event.forum).rows
    assert row["kinds"] == ["capacity", "details"] and not row["notifies"]
    audience = selectors.release_audience(released[0].event.forum, [row])
    assert audience[row["id"]] == {} and audience["total"] == {}


def test_release_page_confirms_then_releases_a_subset(
    client, organizer, released, django_capture_on_commit_callbacks
):
    stage_seven_kinds(released)
    client.force_login(organizer)
    forum = released[0].event.forum
    url = f"/admin/events/forum/{forum.pk}/release/"
    page = client.get(url)
    rows = {row["code"]: row for row in page.context["rows"]}
    chosen = [rows["s0"]["id"], rows["s2"]["id"]]
    data = {"diff_hash": page.context["diff"].hash, "change": chosen}
    refused = client.post(url, {**data, "action": "review"})
    assert "write a release note" in refused.content.decode()  # both were released already
    review = client.post(url, {**data, "action": "review", "note_en": "Moved and renamed"})
    html = review.content.decode()
    assert review.context["confirm"] and "Confirm the release" in html
    assert review.context["total_people"] == 3  # s0's two followers, s2's speaker
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(
            url, {**data, "action": "release", "note_en": "Moved and renamed", "note_zh": "调整"}
        )
    assert done.status_code == 302
    release = Release.objects.get(forum=forum, number=2)
    assert release.comment_en == "Moved and renamed" and release.comment_zh_hans == "调整"
    assert Session.objects.get(code="s0").starts_at == at(0, 16)
    assert Session.objects.get(code="s2").title_en == "Talk two, renamed"
    assert not Session.objects.get(code="s1").is_cancelled  # not chosen: still working
    assert WorkingChange.objects.filter(forum=forum).count() == 4
    assert (
        OutboundMessage.objects.filter(template_key="delegates/mail/schedule_released").count() == 3
    )
    changelog = client.get("/schedule/changes/").content.decode()
    assert "Moved and renamed" in changelog and "调整" in changelog
    assert "/sessions/s0/" in changelog
    # In Chinese the Chinese note leads, and the old slot is written the Chinese way.
    chinese = client.get("/zh-hans/schedule/changes/").content.decode()
    assert chinese.index("调整") < chinese.index("Moved and renamed")
    assert "（原为" in chinese and "(was" not in chinese


def test_a_stale_diff_is_refused(client, organizer, released):
    services.stage_session_change(released[0], title_en="First")
    client.force_login(organizer)
    forum = released[0].event.forum
    url = f"/admin/events/forum/{forum.pk}/release/"
    page = client.get(url)
    services.stage_session_change(released[2], title_en="Meanwhile")
    response = client.post(
        url,
        {
            "action": "release",
            "diff_hash": page.context["diff"].hash,
            "change": [r["id"] for r in page.context["rows"]],
            "note_en": "x",
        },
    )
    assert "programme changed since" in response.content.decode()
    assert Release.objects.filter(forum=forum).count() == 1


def test_revert_restores_the_released_values(client, organizer, released):
    services.stage_session_change(released[0], title_en="Typo")
    services.stage_session_change(released[1], title_en="Another")
    client.force_login(organizer)
    forum = released[0].event.forum
    url = f"/admin/events/forum/{forum.pk}/release/"
    change = WorkingChange.objects.get(session=released[0])
    assert client.post(url, {"discard": change.pk}).status_code == 302
    assert services.working_values(released[0])["title_en"] == "Talk 0"
    assert services.working_values(released[1])["title_en"] == "Another"
    client.post(url, {"action": "discard_all"})
    assert not WorkingChange.objects.filter(forum=forum).exists()
    assert services.working_values(released[1])["title_en"] == "Talk 1"


def test_a_host_cannot_release_but_the_secretariat_can(client, roles, released):
    forum = released[0].event.forum
    services.stage_session_change(released[0], title_en="By a host")
    host = UserFactory(is_staff=True)
    host.groups.set([Group.objects.get(name=EVENT_HOSTS)])
    released[0].event.managers.add(host)
    client.force_login(host)
    url = f"/admin/events/forum/{forum.pk}/release/"
    diff_hash = selectors.working_diff(forum).hash
    assert client.get(url).status_code == 403
    response = client.post(url, {"action": "release", "diff_hash": diff_hash, "note_en": "x"})
    assert response.status_code == 403
    assert Release.objects.filter(forum=forum).count() == 1
    secretary = UserFactory(is_staff=True)
    secretary.groups.set([Group.objects.get(name=FORUM_SECRETARIAT)])
    client.force_login(secretary)
    assert client.get(url).status_code == 200


def test_hosts_pending_edits_show_by_event(client, organizer, roles, released):
    host = UserFactory(is_staff=True, name="Host Person")
    host.groups.set([Group.objects.get(name=EVENT_HOSTS)])
    services.stage_session_change(released[0], title_en="Host edit", by=host)
    client.force_login(organizer)
    response = client.get(f"/admin/events/forum/{released[0].event.forum.pk}/release/")
    assert [title for title, _rows in response.context["hosts"]] == ["Main forum"]
    assert "Pending edits by event hosts" in response.content.decode()


@pytest.mark.parametrize("n", [2, 6])
def test_release_page_queries_do_not_grow(
    client, organizer, forum, section, n, django_assert_num_queries
):
    event = EventFactory(forum=forum, section=section)
    sessions = [
        SessionFactory(
            event=event, starts_at=at(0, 8 + i), ends_at=at(0, 9 + i), speakers=[SpeakerFactory()]
        )
        for i in range(n)
    ]
    services.release_schedule(forum)
    for session in sessions:
        delegates.star_session(session, user=approved_delegate())
        services.stage_session_change(session, title_en=f"{session.title_en}!", by=organizer)
    client.force_login(organizer)
    url = f"/admin/events/forum/{forum.pk}/release/"
    with django_assert_num_queries(RELEASE_PAGE_QUERIES):
        assert client.get(url).status_code == 200


# Session, user, forum, messages; the diff (changes, speakers, moderators, themes, released events, rooms,
# speakers named, hosts); the audience (sessions, stars, RSVPs, managers, speakers, moderators).
RELEASE_PAGE_QUERIES = 20


def test_the_clash_names_the_other_session_by_time_room_and_code(forum, section):
    event = EventFactory(forum=forum, section=section)
    room = RoomFactory(name_en="Hall Q")
    SessionFactory(event=event, code="keynote-2", room=room, starts_at=at(0, 9), ends_at=at(0, 10))
    other = SessionFactory(event=event, starts_at=at(1, 9), ends_at=at(1, 10))
    with pytest.raises(services.ScheduleError) as exc:
        services.stage_session_change(other, room=room, starts_at=at(0, 9), ends_at=at(0, 10))
    assert "keynote-2" in exc.value.message and "09-24 09:00" in exc.value.message
    assert "Hall Q" in exc.value.message


@pytest.mark.django_db(transaction=True)
def test_two_organizers_releasing_the_same_diff_make_one_release(transactional_db):
    require_postgres()
    forum = ForumFactory()
    event = EventFactory(forum=forum, section=SectionFactory(forum=forum))
    session = SessionFactory(event=event, starts_at=at(0, 9), ends_at=at(0, 10))
    services.release_schedule(forum)
    services.stage_session_change(session, title_en="Renamed once")
    forum.refresh_from_db()
    diff_hash = selectors.working_diff(forum).hash
    barrier = threading.Barrier(2)
    outcomes = []

    def release():
        try:
            barrier.wait()
            services.release_schedule(forum, note_en="Rename", diff_hash=diff_hash)
            outcomes.append("released")
        except services.ReleaseError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=release) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes)[-1] == "released"
    assert "programme changed since" in sorted(outcomes)[0]
    assert Release.objects.filter(forum=forum).count() == 2  # version 1 and one release


def test_the_session_list_marks_and_filters_the_sessions_edited_since_the_release(
    client, organizer, released
):
    services.stage_session_change(released[0], title_en="Talk zero, renamed")
    client.force_login(organizer)
    edited = client.get("/admin/events/session/", {"unreleased": "yes"})
    assert [s.code for s in edited.context["cl"].result_list] == ["s0"]
    as_released = client.get("/admin/events/session/", {"unreleased": "no"})
    assert {s.code for s in as_released.context["cl"].result_list} == {"s1", "s2", "s3", "s4"}
    page = client.get("/admin/events/session/").content.decode()
    assert "edited, not released" in page.lower() or "Edited, not released" in page
    # the list shows the released title until the release
    assert "Talk 0" in edited.content.decode() and "Talk zero, renamed" not in page
