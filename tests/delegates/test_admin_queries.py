"""Organizer admin pages of delegates: query counts that do not grow, positions as delegates see."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from delegates import services
from delegates.models import RSVP, SessionSeats
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

# login session, user, the session with counts, event and room, its RSVPs with users and
# waitlist positions (was one COUNT per waitlisted row and one session per row)
SEATS_PAGE_QUERIES = 4
# login session, user, forums to filter by, count shown and in all, the sessions with event,
# room, venue and seat counts
SEATS_LIST_QUERIES = 6


def waitlist():
    """A full session with one seat taken, and ``add(n)`` putting n more people on its waitlist.

    Each batch is reserved before everyone already waiting, each row before the one created
    just ahead of it: the line is ordered by time, the latest-created row first, so a position
    computed from ids alone would come out reversed. ``waiting`` is the line, first in line first.
    """
    session = rsvp_session(1)
    services.reserve_seat(session, user=approved_delegate())
    start = timezone.now() - timedelta(days=1)
    waiting = []

    def add(n):
        batch = []
        for i in range(len(waiting), len(waiting) + n):
            person = approved_delegate(email=f"waiting-{i}@example.org")
            RSVP.objects.create(
                session=session,
                user=person,
                status=RSVP.Status.WAITLISTED,
                created_at=start - timedelta(minutes=i),
            )
            batch.append(person)
        waiting[:0] = reversed(batch)

    return session, waiting, add


def waitlist_of(n):
    """A full session with one seat taken and ``n`` waiting (see ``waitlist``)."""
    session, waiting, add = waitlist()
    add(n)
    return session, waiting


def shown_positions(page: str) -> list[str]:
    return re.findall(r'class="field-position">\s*<p>(.*?)</p>', page)


def shown_emails(page: str) -> list[str]:
    return re.findall(r'class="field-email">\s*<p>(.*?)</p>', page)


def test_session_seats_page_queries_do_not_grow(admin_client):
    # The admin's change form looks up the model's content type in a process-wide cache, which
    # every migrate (the test database's included) clears: warm it, whatever ran before.
    ContentType.objects.get_for_model(SessionSeats, for_concrete_model=False)
    session, waiting, add = waitlist()
    url = f"/admin/delegates/sessionseats/{session.pk}/change/"
    lines = []  # the waitlist, first in line first, at each count

    def grow(n):
        add(n)
        lines.append([p.email for p in waiting])

    first, second = assert_queries_do_not_grow(
        lambda: admin_client.get(url), grow, budget=SEATS_PAGE_QUERIES, n=2
    )
    for response, line, n in [(first, lines[0], 2), (second, lines[1], 6)]:
        assert response.status_code == 200
        page = response.content.decode()
        assert shown_positions(page) == ["—", *(str(k) for k in range(1, n + 1))]
        assert shown_emails(page)[1:] == line


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


def test_session_seats_list_queries_do_not_grow(admin_client):
    def full_sessions(n):
        for _ in range(n):
            session = rsvp_session(1)
            for _ in range(3):
                services.reserve_seat(session, user=approved_delegate())

    first, second = assert_queries_do_not_grow(
        lambda: admin_client.get("/admin/delegates/sessionseats/"),
        full_sessions,
        budget=SEATS_LIST_QUERIES,
        n=2,
    )
    assert first.status_code == second.status_code == 200
    two_waiting = [r.content.decode().count('class="field-waitlisted">2<') for r in (first, second)]
    assert two_waiting == [2, 6]
