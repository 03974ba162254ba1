"""A released session moves or is cancelled: one mail per change to everyone interested in it."""

from collections import Counter

import pytest

from delegates import services
from events import services as schedule
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.events import RoomFactory, SpeakerFactory, at

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


def test_moving_a_session_mails_each_interested_person_once_in_their_language(
    released, audience, smtp_sink, django_capture_on_commit_callbacks
):
    new_room = RoomFactory(name_en="Hall B", name_zh_hans="B厅", capacity=100)
    with django_capture_on_commit_callbacks(execute=True):
        schedule.update_session(released, starts_at=at(0, 14), ends_at=at(0, 15), room=new_room)
    mails = smtp_sink.wait_for(len(EXPECTED))
    counts = Counter(r for m in mails for r in m.recipients)
    assert counts == Counter(EXPECTED)  # each exactly once, nobody else
    (zh,) = smtp_sink.to("starred@example.org")
    assert "碳中和对话" in zh.subject
    assert "09:00" in zh.text and "14:00" in zh.text and "A厅" in zh.text and "B厅" in zh.text
    (speaker,) = smtp_sink.to("zhang.speaker@example.org")
    assert "碳中和对话" in speaker.subject
    (en,) = smtp_sink.to("moderator@example.org")
    assert en.subject == "Schedule change: Carbon neutrality dialogue"
    assert "Hall A" in en.text and "Hall B" in en.text and "15:00" in en.text


def test_a_save_that_changes_nothing_visible_mails_nobody(
    released, audience, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule.update_session(released, starts_at=at(0, 9), ends_at=at(0, 10))
        schedule.update_session(released, description_en="Now with a description.")
    assert mailoutbox == []


def test_the_same_change_reported_twice_mails_once(
    released, audience, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule.update_session(released, starts_at=at(1, 9), ends_at=at(1, 10))
    old = {"starts_at": at(0, 9), "ends_at": at(0, 10), "room_id": released.room_id}
    new = {"starts_at": at(1, 9), "ends_at": at(1, 10), "room_id": released.room_id}
    released.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_session_changed(released, change="moved", old=old, new=new)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(EXPECTED)


def test_a_cancellation_mails_everyone_once(
    released, audience, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule.cancel_session(released)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(EXPECTED)
    (mail,) = [m for m in mailoutbox if m.to == ["moderator@example.org"]]
    assert mail.subject == "Cancelled: Carbon neutrality dialogue"


def test_an_unreleased_session_moves_silently(
    released, audience, mailoutbox, django_capture_on_commit_callbacks
):
    type(released).objects.filter(pk=released.pk).update(released_in=None)
    released.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        schedule.update_session(released, starts_at=at(2, 9), ends_at=at(2, 10))
    assert mailoutbox == []
