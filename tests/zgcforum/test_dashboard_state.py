"""The admin index's panels on the forum's state: every number equals a count made here, apart
from the admin; the page's queries do not grow with the rows; each number links to the list
showing as many rows; a host sees the programme of their events only, and no other panel."""

import itertools
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from delegates.models import RSVP, Badge, CheckIn, Registration
from events.models import Session
from events.roles import EVENT_HOSTS
from exhibitors.models import Application
from notifications.models import OutboundMessage
from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory, RegistrationFactory
from tests.factories.events import EventFactory, ForumFactory, SessionFactory
from tests.factories.exhibitors import ApplicationFactory
from tests.factories.exhibitors import SectionFactory as ExhibitionSectionFactory
from tests.factories.notifications import OutboundMessageFactory
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

# The index's 14 (tests/zgcforum/test_dashboard.py: login, permissions, 7 queues, the release
# panel, the app list) and the state's 11: programme 3 (sessions per section, the sections'
# names, the forums), exhibition 2 (counts per section, the sections), delegates 3 (per category,
# the categories' names, top countries), fullest sessions 1, check-ins today 1, outbox 1.
BUDGET = 25

PAGINATOR = re.compile(r'<p class="paginator">\s*(\d+) ')


def listed(client, url) -> int:
    """How many rows the linked list says it shows."""
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200, url
    match = PAGINATOR.search(response.content.decode())
    assert match, url
    return int(match[1])


def link(html: str, element_id: str) -> tuple[int, str]:
    match = re.search(
        rf'<a href="([^"]+)" id="{element_id}"><span class="state-number">(\d+)</span>', html
    )
    assert match, element_id
    return int(match[2]), match[1]


def chart(html: str, chart_id: str) -> dict[str, tuple[str, str]]:
    """A bar chart's rows: label -> (number shown, link)."""
    table = html[html.index(f'id="{chart_id}"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(
        r'<th scope="row">([^<]+)</th>.*?<td class="bar-number"><a href="([^"]+)">([^<]+)</a>',
        table,
        re.S,
    )
    return {label: (shown, url) for label, url, shown in rows}


@pytest.fixture
def organizer(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def grower():
    forum = ForumFactory()
    counter = itertools.count()
    hall = ExhibitionSectionFactory(capacity_m2=10_000)
    categories = [CategoryFactory(), CategoryFactory()]
    countries = ["CN", "DE", "US"]
    now = timezone.now()

    def grow(n):
        for _ in range(n):
            i = next(counter)
            event = EventFactory(forum=forum)
            session = SessionFactory(event=event, rsvp_required=True, capacity=4)
            SessionFactory(event=event, is_cancelled=bool(i % 2))
            ApplicationFactory(section=hall, status=Application.Status.SUBMITTED)
            ApplicationFactory(section=hall, status=Application.Status.APPROVED)
            if i % 2:
                ApplicationFactory(section=hall, status=Application.Status.WAITLISTED)
            registration = RegistrationFactory(
                category=categories[i % 2],
                country=countries[i % 3],
                status=Registration.Status.APPROVED,
            )
            RegistrationFactory(category=categories[0])  # pending: not counted
            RSVP.objects.create(user=registration.user, session=session, status="confirmed")
            badge = Badge.objects.create(registration=registration)
            CheckIn.objects.create(registration=registration, badge=badge, event=event)
            CheckIn.objects.create(
                registration=registration, badge=badge, created_at=now - timedelta(days=2)
            )
            OutboundMessageFactory(status=OutboundMessage.Status.SENT)
            if i % 3 == 0:
                OutboundMessageFactory(status=OutboundMessage.Status.FAILED)

    return grow


def test_state_panels_count_as_the_test_does_in_constant_queries(organizer):
    index = reverse("admin:index")
    seen = []
    grow = grower()

    def grow_and_count(n):
        grow(n)
        approved = Registration.objects.filter(status="approved")
        seen.append(
            {
                "held": Session.objects.filter(is_cancelled=False).count(),
                "cancelled": Session.objects.filter(is_cancelled=True).count(),
                "approved": approved.count(),
                "cn": approved.filter(country="CN").count(),
                "submitted": Application.objects.filter(status="submitted").count(),
                "m2": Application.objects.filter(status="approved").aggregate(m2=Sum("area_m2"))[
                    "m2"
                ],
                "checkins": CheckIn.objects.filter(created_at__date=timezone.localdate()).count(),
                "failed": OutboundMessage.objects.filter(status="failed").count(),
            }
        )

    responses = assert_queries_do_not_grow(
        lambda: organizer.get(index), grow_and_count, budget=BUDGET, n=2
    )
    for response, counts in zip(responses, seen, strict=True):
        html = response.content.decode()
        assert link(html, "state-sessions-held")[0] == counts["held"]
        assert link(html, "state-sessions-cancelled")[0] == counts["cancelled"]
        assert link(html, "state-delegates-approved")[0] == counts["approved"]
        assert link(html, "state-checkins")[0] == counts["checkins"]
        assert chart(html, "chart-countries")["China"][0] == str(counts["cn"])
        (shown, _url) = next(iter(chart(html, "chart-exhibition").values()))
        assert shown == f"{counts['m2']:g} of 10000 m²"
        submitted = re.search(
            r'<td><a href="([^"]+)">(\d+)</a></td>', html[html.index("state-sections") :]
        )
        assert int(submitted[2]) == counts["submitted"]
        failed = re.search(r'id="outbox-failed">(\d+)</a>', html)
        assert int(failed[1]) == counts["failed"]

    # Every number links to the list showing as many rows.
    html = responses[1].content.decode()
    for element in (
        "state-sessions-held",
        "state-sessions-cancelled",
        "state-delegates-approved",
        "state-checkins",
    ):
        count, url = link(html, element)
        assert listed(organizer, url) == count, element
    for chart_id in ("chart-programme", "chart-categories", "chart-countries"):
        for label, (shown, url) in chart(html, chart_id).items():
            assert listed(organizer, url) == int(shown), (chart_id, label)
    sections = html[html.index('id="state-sections"') :]
    sections = sections[: sections.index("</table>")]
    for url, shown in re.findall(r'<td><a href="([^"]+)">(\d+)</a></td>', sections):
        assert listed(organizer, url) == int(shown), url
    for url, status, shown in re.findall(r'<a href="([^"]+)" id="outbox-(\w+)">(\d+)</a>', html):
        assert listed(organizer, url) == int(shown), status
    # The fullest sessions: each with its seats taken of its capacity, linked to its seats.
    fullest = chart(html, "chart-fullest")
    assert len(fullest) == 6  # one session with seats per row grown, fewer than TOP
    assert all(shown.startswith("1 of 4 seats") for shown, _url in fullest.values())


def test_a_host_sees_the_programme_of_their_events_only(client, roles):
    host = UserFactory(is_staff=True)
    host.groups.set([Group.objects.get(name=EVENT_HOSTS)])
    forum = ForumFactory()
    mine = EventFactory(forum=forum)
    mine.managers.set([host])
    SessionFactory(event=mine)
    SessionFactory(event=mine, is_cancelled=True)
    for _ in range(3):
        SessionFactory(event=EventFactory(forum=forum))
    ApplicationFactory(status=Application.Status.SUBMITTED)
    RegistrationFactory(status=Registration.Status.APPROVED)
    client.force_login(host)
    html = client.get(reverse("admin:index")).content.decode()
    held, url = link(html, "state-sessions-held")
    assert held == 1 and listed(client, url) == 1
    assert link(html, "state-sessions-cancelled")[0] == 1
    for other in ("state-exhibition", "state-delegates", "state-fullest", "state-today"):
        assert f'id="{other}"' not in html
