"""Concurrent bookings of one room on PostgreSQL: exactly one wins, the others get a clear error."""

import threading

import pytest
from django.db import connection

from events import services
from events.models import Session
from tests.factories.events import EventFactory, ForumFactory, RoomFactory, SectionFactory, at
from tests.services import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_overlapping_bookings_leave_one_session(transactional_db):
    require_postgres()
    forum = ForumFactory()
    event = EventFactory(forum=forum, section=SectionFactory(forum=forum))
    room = RoomFactory()
    threads_n = 8
    barrier = threading.Barrier(threads_n)
    outcomes = []

    def book(i):
        try:
            barrier.wait()
            services.create_session(
                event,
                code=f"race-{i}",
                title_en=f"Race {i}",
                title_zh_hans=f"竞争{i}",
                room=room,
                starts_at=at(0, 9, i),
                ends_at=at(0, 10, i),
            )
            outcomes.append("ok")
        except services.ScheduleError as exc:
            outcomes.append(exc.field)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok"] + ["room"] * (threads_n - 1)
    assert Session.objects.filter(room=room).count() == 1
