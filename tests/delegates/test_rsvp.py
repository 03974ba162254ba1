"""Session RSVP: seats, waitlist positions, cancellation and capacity raises, closing, clashes."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from delegates import services
from delegates.models import RSVP, Category
from events import services as events_services
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory, RegistrationFactory
from tests.factories.events import EventFactory, at
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


def positions(session):
    rows = RSVP.objects.filter(session=session).order_by("created_at", "pk")
    return {r.user_id: services.waitlist_position(r) for r in rows}


def test_seats_then_waitlist_with_computed_positions():
    session = rsvp_session(2)
    people = [approved_delegate() for _ in range(5)]
    results = [services.reserve_seat(session, user=p) for p in people]
    assert [r.rsvp.status for r in results] == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert [r.position for r in results] == [None, None, 1, 2, 3]
    # Reserving twice changes nothing.
    again = services.reserve_seat(session, user=people[3])
    assert again.rsvp.pk == results[3].rsvp.pk and again.position == 2
    assert RSVP.objects.filter(session=session).count() == 5


def test_capacity_never_exceeds_the_room():
    session = rsvp_session(500, room_seats=3)
    statuses = [
        services.reserve_seat(session, user=approved_delegate()).rsvp.status for _ in range(4)
    ]
    assert statuses == ["confirmed"] * 3 + ["waitlisted"]
    with pytest.raises(events_services.ScheduleError, match="capacity cannot be larger"):
        events_services.set_capacity(session, 4)


def test_cancelling_a_seat_promotes_the_first_waitlisted_and_mails_them(
    smtp_sink, django_capture_on_commit_callbacks
):
    session = rsvp_session(1, title_en="Quantum computing roundtable", title_zh_hans="量子计算圆桌")
    holder = approved_delegate()
    first = approved_delegate(email="first@example.org", language="zh-hans")
    second = approved_delegate(email="second@example.org")
    for person in (holder, first, second):
        services.reserve_seat(session, user=person)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_rsvp(session, user=holder)
    assert [r.user_id for r in promoted] == [first.pk]
    assert positions(session) == {first.pk: None, second.pk: 1}
    (mail,) = smtp_sink.wait_for(1)
    assert mail.recipients == ["first@example.org"]
    assert "量子计算圆桌" in mail.subject


def test_leaving_the_waitlist_closes_the_gap():
    session = rsvp_session(1)
    people = [approved_delegate() for _ in range(4)]
    for p in people:
        services.reserve_seat(session, user=p)
    assert services.cancel_rsvp(session, user=people[1]) == []
    assert positions(session) == {people[0].pk: None, people[2].pk: 1, people[3].pk: 2}


def test_raising_the_capacity_promotes_in_order(mailoutbox, django_capture_on_commit_callbacks):
    session = rsvp_session(1)
    people = [approved_delegate() for _ in range(5)]
    for p in people:
        services.reserve_seat(session, user=p)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = events_services.set_capacity(session, 3)
    assert [r.user_id for r in promoted] == [people[1].pk, people[2].pk]
    assert positions(session) == {
        people[0].pk: None,
        people[1].pk: None,
        people[2].pk: None,
        people[3].pk: 1,
        people[4].pk: 2,
    }
    assert sorted(m.to[0] for m in mailoutbox) == sorted([people[1].email, people[2].email])


def test_reservations_close_at_the_set_time():
    session = rsvp_session(10, rsvp_closes_at=datetime(2021, 9, 20, tzinfo=UTC))
    with pytest.raises(services.RSVPError, match="closed"):
        services.reserve_seat(session, user=approved_delegate())
    assert (
        services.reserve_seat(
            session, user=approved_delegate(), now=datetime(2021, 9, 19, tzinfo=UTC)
        ).rsvp.status
        == "confirmed"
    )


def test_only_approved_delegates_and_only_sessions_needing_rsvp():
    session = rsvp_session(10)
    pending = UserFactory()
    RegistrationFactory(user=pending)
    with pytest.raises(services.AgendaError, match="approved delegates"):
        services.reserve_seat(session, user=pending)
    free = rsvp_session(10, rsvp_required=False)
    with pytest.raises(services.RSVPError, match="needs no reservation"):
        services.reserve_seat(free, user=approved_delegate())


def test_a_clash_is_warned_or_refused_when_the_event_says_so():
    person = approved_delegate()
    morning = rsvp_session(5, starts_at=at(0, 9), ends_at=at(0, 10))
    services.reserve_seat(morning, user=person)
    overlapping = rsvp_session(5, starts_at=at(0, 9, 30), ends_at=at(0, 10, 30))
    result = services.reserve_seat(overlapping, user=person)
    assert result.rsvp.status == "confirmed" and result.clashes == [morning]
    strict = rsvp_session(
        5,
        starts_at=at(0, 9, 30),
        ends_at=at(0, 11),
        event=EventFactory(refuses_rsvp_clashes=True),
    )
    with pytest.raises(services.RSVPError, match="already hold a seat"):
        services.reserve_seat(strict, user=person)
    assert not RSVP.objects.filter(session=strict).exists()


def test_invitation_only_events_accept_only_their_categories():
    closed = EventFactory(is_public=False)
    session = rsvp_session(5, event=closed)
    vip = CategoryFactory(slug="vip", access=Category.Access.INVITATION)
    vip.events.add(closed)
    with pytest.raises(services.RSVPError, match="invitation only"):
        services.reserve_seat(session, user=approved_delegate())
    assert services.reserve_seat(session, user=approved_delegate(category=vip)).position is None


def test_rsvp_and_cancel_through_the_pages(client):
    session = rsvp_session(1)
    holder, waiting = approved_delegate(), approved_delegate()
    client.force_login(holder)
    response = client.post(f"/delegates/sessions/{session.code}/rsvp/", follow=True)
    assert "is confirmed" in response.content.decode()
    client.force_login(waiting)
    response = client.post(f"/delegates/sessions/{session.code}/rsvp/", follow=True)
    assert "number 1 on the waitlist" in response.content.decode()
    assert "Waitlist: number 1" in response.content.decode()
    # A cancellation of a seat never held is a message, not an error page.
    client.force_login(approved_delegate())
    response = client.post(f"/delegates/sessions/{session.code}/rsvp/cancel/", follow=True)
    assert response.status_code == 200 and "no reservation" in response.content.decode()
    client.force_login(holder)
    client.post(f"/delegates/sessions/{session.code}/rsvp/cancel/")
    assert RSVP.objects.get(session=session).user_id == waiting.pk
    assert RSVP.objects.get(session=session).status == "confirmed"


def test_organizers_see_rsvps_and_raise_the_capacity_in_the_admin(
    admin_client, django_capture_on_commit_callbacks
):
    session = rsvp_session(1, title_en="Brain–computer interfaces")
    people = [approved_delegate() for _ in range(3)]
    for p in people:
        services.reserve_seat(session, user=p)
    changelist = admin_client.get("/admin/delegates/sessionseats/").content.decode()
    assert "Brain–computer interfaces" in changelist
    url = f"/admin/delegates/sessionseats/{session.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert people[2].email in page
    form = {
        "capacity": "5000",
        "rsvp_closes_at_0": "2099-01-01",
        "rsvp_closes_at_1": "00:00:00",
        "rsvps-TOTAL_FORMS": "3",
        "rsvps-INITIAL_FORMS": "3",
        "rsvps-MIN_NUM_FORMS": "0",
        "rsvps-MAX_NUM_FORMS": "1000",
    }
    for i, rsvp in enumerate(
        RSVP.objects.filter(session=session).order_by("status", "created_at", "pk")
    ):
        form[f"rsvps-{i}-id"] = str(rsvp.pk)
        form[f"rsvps-{i}-session"] = str(session.pk)
    response = admin_client.post(url, form)
    assert response.status_code == 200 and "cannot be larger" in response.content.decode()
    form["capacity"] = "2"
    response = admin_client.post(url, form, follow=True)
    assert "the waitlist moves up then" in response.content.decode()
    assert positions(session)[people[1].pk] == 1  # not before the release
    with django_capture_on_commit_callbacks(execute=True):
        events_services.release_schedule(session.event.forum)
    assert positions(session)[people[1].pk] is None
    assert positions(session)[people[2].pk] == 1


REQUESTS = 60
THREADS = 30
CAPACITY = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_race_for_the_last_seats_gives_exactly_capacity_seats():
    require_postgres()
    session = rsvp_session(CAPACITY)
    people = [approved_delegate() for _ in range(REQUESTS)]
    barrier = threading.Barrier(THREADS)
    errors = []
    lock = threading.Lock()
    queue = list(people)

    def worker():
        try:
            barrier.wait()
            while True:
                with lock:
                    if not queue:
                        return
                    person = queue.pop()
                services.reserve_seat(session, user=person)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    rows = list(RSVP.objects.filter(session=session))
    assert len(rows) == REQUESTS
    assert len({r.user_id for r in rows}) == REQUESTS  # no duplicates
    assert sum(r.status == "confirmed" for r in rows) == CAPACITY
    waiting = sorted(services.waitlist_position(r) for r in rows if r.status == "waitlisted")
    assert waiting == list(range(1, REQUESTS - CAPACITY + 1))  # no gaps


def test_a_deleted_delegate_frees_their_seat_and_loses_agenda_and_feed(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    from delegates.models import AgendaFeed, Registration, Star

    session = rsvp_session(1)
    leaving, next_in_line = approved_delegate(), approved_delegate()
    services.reserve_seat(session, user=leaving)
    services.reserve_seat(session, user=next_in_line)
    services.star_session(session, user=leaving)
    feed = services.regenerate_feed(leaving)
    client.force_login(leaving)
    exported = client.get("/delegates/me/export.json").json()["agenda"]
    assert exported["starred_sessions"] == [session.code]
    assert exported["rsvps"][0]["status"] == "confirmed" and exported["calendar_feed"] is True
    registration = Registration.objects.get(user=leaving)
    services.request_deletion(registration)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_deletion(registration, by=UserFactory())
    assert positions(session) == {next_in_line.pk: None}
    assert not Star.objects.filter(user=leaving).exists()
    assert client.get(feed.urls.ical).status_code == 404
    assert not AgendaFeed.objects.exists()
    assert [m.to for m in mailoutbox] == [[next_in_line.email]]
