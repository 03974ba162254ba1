"""A release mails each person it touches once: a digest of their changed sessions."""

from collections import Counter

import pytest

from delegates import services
from events import services as schedule
from events.models import Session
from notifications.models import OutboundMessage
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.accounts import UserFactory
from tests.factories.events import RoomFactory, SessionFactory, SpeakerFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(db):
    """A released session with two speakers (one without an address) and a moderator."""
    speaker_zh = SpeakerFactory(email="zhang.speaker@example.org", language="zh-hans")
    speaker_none = SpeakerFactory(email="")
    moderator_en = SpeakerFactory(email="moderator@example.org", language="en")
    session = rsvp_session(
        1,
        title_en="Carbon neutrality dialogue",
        title_zh_hans="碳中和对话",
        starts_at=at(0, 9),
        ends_at=at(0, 10),
        room=RoomFactory(name_en="Hall A", name_zh_hans="A厅", capacity=100),
        speakers=[speaker_zh, speaker_none],
        moderators=[moderator_en],
        released_in=1,
    )
    return session


@pytest.fixture
def audience(released):
    """A delegate who starred it, one with a seat who also starred it, one on the waitlist."""
    starred = approved_delegate(email="starred@example.org", language="zh-hans")
    seated = approved_delegate(email="seated@example.org")
    waiting = approved_delegate(email="waiting@example.org")
    services.star_session(released, user=starred)
    services.star_session(released, user=seated)
    services.reserve_seat(released, user=seated)
    services.reserve_seat(released, user=waiting)
    approved_delegate(email="bystander@example.org")
    return [starred, seated, waiting]


EXPECTED = {
    "starred@example.org",
    "seated@example.org",
    "waiting@example.org",
    "zhang.speaker@example.org",
    "moderator@example.org",
}


def release(session, note="Changes"):
    return schedule.release_schedule(session.event.forum, note_en=note)


def test_a_release_mails_each_interested_person_once_in_their_language(
    released, audience, smtp_sink, django_capture_on_commit_callbacks
):
    new_room = RoomFactory(name_en="Hall B", name_zh_hans="B厅", capacity=100)
    before = OutboundMessage.objects.count()  # the seat and waitlist acknowledgements
    smtp_sink.wait_for(before)
    smtp_sink.clear()
    with django_capture_on_commit_callbacks(execute=True):
        schedule.stage_session_change(
            released, starts_at=at(0, 14), ends_at=at(0, 15), room=new_room
        )
    assert OutboundMessage.objects.count() == before  # a working edit mails nobody
    with django_capture_on_commit_callbacks(execute=True):
        version = release(released).number
    mails = smtp_sink.wait_for(len(EXPECTED))
    counts = Counter(r for m in mails for r in m.recipients)
    assert counts == Counter(EXPECTED)  # each exactly once, nobody else
    (zh,) = smtp_sink.to("starred@example.org")
    assert f"{version}" in zh.subject and "日程" in zh.subject
    assert "碳中和对话" in zh.text
    assert "09:00" in zh.text and "14:00" in zh.text and "A厅" in zh.text and "B厅" in zh.text
    (en,) = smtp_sink.to("moderator@example.org")
    assert en.subject == f"Schedule version {version}: 1 change to your sessions"
    assert "Hall A" in en.text and "Hall B" in en.text and "15:00" in en.text
    assert "Carbon neutrality dialogue" in en.text


def test_a_cancellation_mails_everyone_once_at_the_release(
    released, audience, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule.stage_session_change(released, is_cancelled=True)
    assert not [m for m in mailoutbox if "Schedule version" in m.subject]
    with django_capture_on_commit_callbacks(execute=True):
        release(released)
    mailoutbox[:] = [
        m for m in mailoutbox if "Schedule version" in m.subject or "日程第" in m.subject
    ]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(EXPECTED)
    (mail,) = [m for m in mailoutbox if m.to == ["moderator@example.org"]]
    assert "Cancelled." in mail.body


def test_capacity_and_description_mail_nobody(
    released, audience, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule.stage_session_change(released, capacity=5, description_en="New words")
        release(released)
    assert [m for m in mailoutbox if "Schedule version" in m.subject or "日程" in m.subject] == []


def test_five_changes_touching_one_delegate_send_one_mail_listing_five(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    follower = approved_delegate(email="follower@example.org")
    bystander = approved_delegate(email="bystander@example.org")
    first = SessionFactory(starts_at=at(0, 9), ends_at=at(0, 10), released_in=1)
    forum = first.event.forum
    sessions = [first] + [
        SessionFactory(
            event=first.event, starts_at=at(1, 9 + i), ends_at=at(1, 10 + i), released_in=1
        )
        for i in range(4)
    ]
    sessions[4].is_cancelled = True
    sessions[4].save()
    for session in sessions:
        services.star_session(session, user=follower)
    untouched = SessionFactory(event=first.event, starts_at=at(2, 9), ends_at=at(2, 10))
    services.star_session(untouched, user=bystander)
    speaker = SpeakerFactory(email="")
    schedule.stage_session_change(sessions[0], starts_at=at(0, 11), ends_at=at(0, 12))
    schedule.stage_session_change(sessions[1], title_en="A new title")
    schedule.stage_session_change(sessions[2], is_cancelled=True)
    schedule.stage_session_change(sessions[3], speakers=[speaker])
    schedule.stage_session_change(sessions[4], is_cancelled=False)
    with django_capture_on_commit_callbacks(execute=True):
        rel = schedule.release_schedule(forum, note_en="Five changes")
    mine = [m for m in mailoutbox if m.to == ["follower@example.org"]]
    assert len(mine) == 1
    for session in sessions:
        assert f"({session.code})" in mine[0].body
    assert "5 changes" in mine[0].subject
    assert [m for m in mailoutbox if m.to == ["bystander@example.org"]] == []
    # The notification task run again sends nothing more (one outbox row per release and person).
    rows = OutboundMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_release(rel)
        services.notify_release(rel)
    assert OutboundMessage.objects.count() == rows
    assert len([m for m in mailoutbox if m.to == ["follower@example.org"]]) == 1


def test_event_managers_hear_of_their_sessions(
    released, mailoutbox, django_capture_on_commit_callbacks
):
    manager = UserFactory(email="host@example.org", language="zh-hans")
    released.event.managers.add(manager)
    with django_capture_on_commit_callbacks(execute=True):
        schedule.stage_session_change(released, title_zh_hans="新的标题")
        release(released)
    (mail,) = [m for m in mailoutbox if m.to == ["host@example.org"]]
    assert "新的标题" in mail.body and "碳中和对话" in mail.body


def test_a_session_never_released_is_not_mailed_about_until_its_release(
    released, audience, mailoutbox, django_capture_on_commit_callbacks
):
    Session.objects.filter(pk=released.pk).update(released_in=None)
    released.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        schedule.stage_session_change(released, starts_at=at(2, 9), ends_at=at(2, 10))
    assert not [m for m in mailoutbox if "Schedule version" in m.subject or "日程第" in m.subject]


def test_an_unpublished_event_tells_the_followers_of_its_sessions(
    released, audience, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule.stage_event_change(released.event, is_published=False)
    assert not [m for m in mailoutbox if "Schedule version" in m.subject]
    with django_capture_on_commit_callbacks(execute=True):
        release(released, note="The event is called off")
    digests = [m for m in mailoutbox if "Schedule version" in m.subject or "日程第" in m.subject]
    assert sorted(m.to[0] for m in digests) == sorted(EXPECTED)
    (zh,) = [m for m in digests if m.to == ["starred@example.org"]]
    assert "已取消。" in zh.body
    assert not Session.objects.published().filter(pk=released.pk).exists()


def test_with_the_broker_down_the_release_still_queues_its_digests(
    released, audience, django_capture_on_commit_callbacks
):
    from tests.services import free_port
    from tests.worker import publishing_to

    schedule.stage_session_change(released, starts_at=at(0, 14), ends_at=at(0, 15))
    dead_broker = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with (
        publishing_to(dead_broker, "zgc-test-dead"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        release(released)  # answers: the release stands
    digests = OutboundMessage.objects.filter(template_key="delegates/mail/schedule_released")
    assert set(digests.values_list("to_email", flat=True)) == EXPECTED
