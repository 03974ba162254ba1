"""Organizer admin pages of delegates: query counts that do not grow, positions as delegates see."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from delegates import services
from delegates.models import RSVP
from tests.delegates.agenda_support import approved_delegate, rsvp_session

pytestmark = pytest.mark.django_db


def waitlist_of(n):
    """A full session with one seat taken and ``n`` waiting, reserved at descending ids.

    The waitlist is ordered by time: the latest-created row was reserved first, so a position
    computed from ids alone would come out reversed.
    """
    session = rsvp_session(1)
    services.reserve_seat(session, user=approved_delegate())
    start = timezone.now() - timedelta(days=1)
    waiting = []
    for i in range(n):
        person = approved_delegate(email=f"waiting-{i}@example.org")
        RSVP.objects.create(
            session=session,
            user=person,
            status=RSVP.Status.WAITLISTED,
            created_at=start - timedelta(minutes=i),
        )
        waiting.append(person)
    waiting.reverse()  # first in line first
    return session, waiting


def shown_positions(page: str) -> list[str]:
    return re.findall(r'class="field-position">\s*<p>(.*?)</p>', page)


def shown_emails(page: str) -> list[str]:
    return re.findall(r'class="field-email">\s*<p>(.*?)</p>', page)


@pytest.mark.parametrize("n", [2, 6])
def test_session_seats_page_queries_do_not_grow(admin_client, n, django_assert_num_queries):
    session, waiting = waitlist_of(n)
    url = f"/admin/delegates/sessionseats/{session.pk}/change/"
    # login session, user, the session with counts, event and room, its RSVPs with users and
    # waitlist positions (was one COUNT per waitlisted row and one session per row)
    with django_assert_num_queries(4):
        response = admin_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert shown_positions(page) == ["—", *(str(k) for k in range(1, n + 1))]
    assert shown_emails(page)[1:] == [p.email for p in waiting]


def test_session_seats_page_shows_the_positions_of_the_service_and_the_agenda(client, admin_client):
    session, waiting = waitlist_of(4)
    # Another full session, its line in another order, must not shift this session's positions.
    other = rsvp_session(0)
    services.reserve_seat(other, user=waiting[3])
    services.reserve_seat(other, user=waiting[0])
    elsewhere = {waiting[3].pk: 1, waiting[0].pk: 2}
    # Nor must a cancellation in the middle of the line leave a gap.
    RSVP.objects.get(session=session, user=waiting[1]).delete()
    line = [waiting[0], *waiting[2:]]
    page = admin_client.get(f"/admin/delegates/sessionseats/{session.pk}/change/").content.decode()
    admin_positions = dict(zip(shown_emails(page), shown_positions(page), strict=True))
    for k, person in enumerate(line, start=1):
        rsvp = RSVP.objects.get(session=session, user=person)
        assert services.waitlist_position(rsvp) == k
        assert admin_positions[person.email] == str(k)
        client.force_login(person)
        agenda = client.get("/delegates/agenda/").content.decode()
        expected = sorted([k, *([elsewhere[person.pk]] if person.pk in elsewhere else [])])
        assert sorted(map(int, re.findall(r"Waitlist: number (\d+)", agenda))) == expected


@pytest.mark.parametrize("n", [2, 6])
def test_session_seats_list_queries_do_not_grow(admin_client, n, django_assert_num_queries):
    for _ in range(n):
        session = rsvp_session(1)
        for _ in range(3):
            services.reserve_seat(session, user=approved_delegate())
    # login session, user, forums to filter by, count shown and in all, the sessions with event,
    # room, venue and seat counts
    with django_assert_num_queries(6):
        response = admin_client.get("/admin/delegates/sessionseats/")
    assert response.status_code == 200
    assert response.content.decode().count('class="field-waitlisted">2<') == n
