"""Services: room and speaker clashes, forum dates, cancellation, releases and their signal."""

import pytest
from django.db import IntegrityError, connection, transaction

from events import services
from events.models import Forum, Session
from events.signals import schedule_released
from tests.factories.events import RoomFactory, SessionFactory, SpeakerFactory, at
from tests.services import require_postgres


def create(event, code, room, start, end, **extra):
    return services.create_session(
        event,
        code=code,
        title_en=code,
        title_zh_hans=code,
        room=room,
        starts_at=start,
        ends_at=end,
        **extra,
    )


def test_create_session_bumps_the_cache_version(event, room):
    version = Forum.objects.get(pk=event.forum_id).cache_version
    session = create(event, "opening", room, at(0, 9), at(0, 10))
    assert session.pk and session.code == "opening"
    assert Forum.objects.get(pk=event.forum_id).cache_version == version + 1


def test_overlapping_session_in_one_room_is_refused(event, room):
    create(event, "first", room, at(0, 9), at(0, 10))
    with pytest.raises(services.ScheduleError) as exc:
        create(event, "second", room, at(0, 9, 30), at(0, 10, 30))
    assert exc.value.field == "room"
    assert "already booked" in exc.value.message
    assert not Session.objects.filter(code="second").exists()


def test_back_to_back_sessions_and_other_rooms_are_fine(event, room):
    create(event, "first", room, at(0, 9), at(0, 10))
    create(event, "next", room, at(0, 10), at(0, 11))  # [) bounds: touching is not overlapping
    create(event, "elsewhere", RoomFactory(), at(0, 9), at(0, 10))
    assert Session.objects.count() == 3


def test_a_cancelled_session_frees_its_room(event, room):
    first = create(event, "first", room, at(0, 9), at(0, 10))
    services.cancel_session(first)
    create(event, "replacement", room, at(0, 9), at(0, 10))
    assert Session.objects.filter(is_cancelled=False).count() == 1


def test_moving_a_session_onto_another_is_refused(event, room):
    create(event, "first", room, at(0, 9), at(0, 10))
    second = create(event, "second", room, at(0, 11), at(0, 12))
    with pytest.raises(services.ScheduleError):
        services.update_session(second, starts_at=at(0, 9, 15), ends_at=at(0, 10, 15))
    second.refresh_from_db()
    assert second.starts_at == at(0, 11)


@pytest.mark.django_db(transaction=True)
def test_postgres_exclusion_constraint_refuses_overlap_written_past_the_service(event, room):
    require_postgres()
    SessionFactory(event=event, room=room, starts_at=at(0, 9), ends_at=at(0, 10))
    with pytest.raises(IntegrityError, match="session_room_no_overlap"), transaction.atomic():
        SessionFactory(event=event, room=room, starts_at=at(0, 9, 30), ends_at=at(0, 11))
    # Cancelled rows do not count, and [) bounds let sessions touch.
    SessionFactory(event=event, room=room, starts_at=at(0, 9), ends_at=at(0, 10), is_cancelled=True)
    SessionFactory(event=event, room=room, starts_at=at(0, 10), ends_at=at(0, 11))


def test_service_maps_the_database_rule_to_a_schedule_error(event, room):
    """On PostgreSQL the constraint decides; on SQLite the service checks: same error."""
    create(event, "first", room, at(0, 9), at(0, 10))
    with pytest.raises(services.ScheduleError) as exc:
        create(event, "second", room, at(0, 9, 59), at(0, 10, 30))
    assert exc.value.field == "room"
    assert connection.vendor in ("postgresql", "sqlite")


def test_end_before_start_is_refused_by_service_and_database(event, room):
    with pytest.raises(services.ScheduleError, match="end after"):
        create(event, "backwards", room, at(0, 10), at(0, 9))
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(event=event, room=room, starts_at=at(0, 10), ends_at=at(0, 10))


def test_sessions_stay_within_the_forum_dates(event, room):
    with pytest.raises(services.ScheduleError, match="during the forum"):
        create(event, "early", room, at(-1, 9), at(-1, 10))
    with pytest.raises(services.ScheduleError, match="during the forum"):
        create(event, "late", room, at(5, 9), at(5, 10))
    create(event, "last-evening", room, at(4, 22), at(4, 23))


def test_a_speaker_cannot_be_in_two_places_at_once(event, room):
    speaker = SpeakerFactory(name="Li Wei")
    create(event, "first", room, at(0, 9), at(0, 10), speakers=[speaker])
    with pytest.raises(services.ScheduleError) as exc:
        create(event, "second", RoomFactory(), at(0, 9, 30), at(0, 10, 30), moderators=[speaker])
    assert exc.value.field == "speakers"
    assert "Li Wei" in exc.value.message and "already speaks" in exc.value.message
    create(event, "later", RoomFactory(), at(0, 10), at(0, 11), speakers=[speaker])


def test_update_bumps_sequence_only_for_calendar_changes(event, room):
    session = create(event, "talk", room, at(0, 9), at(0, 10))
    session = services.update_session(session, capacity=50)
    assert session.sequence == 0
    session = services.update_session(session, starts_at=at(0, 9, 30), ends_at=at(0, 10, 30))
    assert session.sequence == 1
    session = services.cancel_session(session)
    assert session.sequence == 2 and session.is_cancelled


def test_release_lists_added_moved_and_cancelled(event, room, django_capture_on_commit_callbacks):
    a = create(event, "a", room, at(0, 9), at(0, 10))
    b = create(event, "b", room, at(0, 10), at(0, 11))
    first = services.release_schedule(event.forum)
    assert first.number == 1
    assert [r["code"] for r in first.changes["added"]] == ["a", "b"]
    assert Forum.objects.get(pk=event.forum_id).release_number == 1

    received = []

    def receiver(sender, forum, release, **kwargs):
        received.append(release.number)

    version = Forum.objects.get(pk=event.forum_id).cache_version
    schedule_released.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.stage_session_change(a, starts_at=at(1, 9), ends_at=at(1, 10))
            services.stage_session_change(b, is_cancelled=True)
            services.stage_new_session(
                event,
                code="c",
                room=room,
                starts_at=at(0, 14),
                ends_at=at(0, 15),
                title_en="C",
            )
        assert received == []  # nothing is told before the release
        assert Forum.objects.get(pk=event.forum_id).cache_version == version
        with django_capture_on_commit_callbacks(execute=True):
            second = services.release_schedule(event.forum, note_en="Moves")
    finally:
        schedule_released.disconnect(receiver)
    assert received == [2]
    assert second.number == 2
    assert [r["code"] for r in second.changes["added"]] == ["c"]
    assert [r["code"] for r in second.changes["moved"]] == ["a"]
    assert [r["code"] for r in second.changes["cancelled"]] == ["b"]
    assert Forum.objects.get(pk=event.forum_id).cache_version == version + 1
    a.refresh_from_db()
    assert a.starts_at == at(1, 9) and a.sequence == 1


def test_working_edits_leave_the_live_rows_alone(event, room):
    session = create(event, "draft", room, at(0, 9), at(0, 10))
    services.stage_session_change(session, starts_at=at(0, 11), ends_at=at(0, 12))
    session.refresh_from_db()
    assert session.starts_at == at(0, 9) and session.sequence == 0
    # Back to the released values: no working change is left.
    assert services.stage_session_change(session, starts_at=at(0, 9), ends_at=at(0, 10)) is None
