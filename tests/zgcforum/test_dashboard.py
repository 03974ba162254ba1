"""The admin index: work queues first, each number counted as the test counts it, each a link to
the list showing the same number; a host sees their events' queue only."""

import itertools
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from delegates.models import Registration
from events.models import Session, WorkingChange
from events.roles import EVENT_HOSTS
from exhibitors.models import Application
from notifications.models import OutboundMessage
from tests.factories.accounts import UserFactory
from tests.factories.delegates import RegistrationFactory
from tests.factories.events import EventFactory, ForumFactory, SessionFactory
from tests.factories.exhibitors import ApplicationFactory, SectionFactory
from tests.factories.notifications import OutboundMessageFactory
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

# login session, user, the user's groups and permissions (2), one COUNT per queue (7), the
# schedule-release panel (forums with their pending changes), the app list's permissions; then
# the forum's state panels (11, tests/zgcforum/test_dashboard_state.py)
DASHBOARD_QUERIES = 25

QUEUE = re.compile(
    r'<li class="queue[^"]*" id="queue-([\w-]+)">\s*<a href="([^"]+)">'
    r'<span class="queue-count">(\d+)</span>'
)


def queues(response) -> dict[str, tuple[int, str]]:
    html = response.content.decode()
    return {key: (int(count), url.replace("&amp;", "&")) for key, url, count in QUEUE.findall(html)}


def changelist_count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return len(re.findall(r'<input type="checkbox" name="_selected_action"', html))


@pytest.fixture
def forum(db):
    return ForumFactory()


@pytest.fixture
def organizer(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def grow_all(forum):
    counter = itertools.count()
    section = SectionFactory()

    def grow(n):
        for _ in range(n):
            i = next(counter)
            RegistrationFactory()  # pending
            RegistrationFactory(status=Registration.Status.APPROVED)
            ApplicationFactory(section=section, status=Application.Status.SUBMITTED)
            ApplicationFactory(section=section, status=Application.Status.DRAFT)
            if i % 2:
                ApplicationFactory(section=section, status=Application.Status.WAITLISTED)
            session = SessionFactory(event=EventFactory(forum=forum))
            if i % 2 == 0:
                WorkingChange.objects.create(
                    forum=forum,
                    kind=WorkingChange.Kind.SESSION,
                    event=session.event,
                    session=session,
                    values={"title_en": f"Moved {i}"},
                )
            OutboundMessageFactory(status=OutboundMessage.Status.FAILED)
            OutboundMessageFactory(status=OutboundMessage.Status.SENT)

    return grow


def expected():
    """The queues, counted here independently of the admin."""
    return {
        "delegates-pending": Registration.objects.filter(status="pending").count(),
        "exhibitors-submitted": Application.objects.filter(status="submitted").count(),
        "exhibitors-waitlisted": Application.objects.filter(status="waitlisted").count(),
        "events-unreleased": Session.objects.filter(working_changes__isnull=False).count(),
        "notifications-failed": OutboundMessage.objects.filter(status="failed").count(),
        "exhibitors-documents": 0,
        "visa-submitted": 0,
    }


def test_queues_count_what_awaits_action_in_constant_queries(organizer, forum):
    index = reverse("admin:index")
    seen = []

    def grow_and_count(n):
        grow(n)
        seen.append(expected())

    grow = grow_all(forum)
    first, second = assert_queries_do_not_grow(
        lambda: organizer.get(index), grow_and_count, budget=DASHBOARD_QUERIES, n=2
    )
    for response, counts in zip((first, second), seen, strict=True):
        shown = queues(response)
        assert {key: count for key, (count, _url) in shown.items()} == counts
    assert seen[1]["exhibitors-submitted"] == 6
    # Work queues come before the apps' list.
    html = second.content.decode()
    assert html.index('id="work-queues"') < html.index('id="content-main"')
    # Each number links to the list showing as many rows.
    for key, (count, url) in queues(second).items():
        assert changelist_count(organizer, url) == count, key


def test_a_host_sees_only_their_events_queue(client, forum, roles):
    host = UserFactory(is_staff=True)
    host.groups.set([Group.objects.get(name=EVENT_HOSTS)])
    mine = EventFactory(forum=forum)
    mine.managers.set([host])
    for event in (mine, EventFactory(forum=forum), EventFactory(forum=forum)):
        session = SessionFactory(event=event)
        WorkingChange.objects.create(
            forum=forum, kind="session", event=event, session=session, values={"title_en": "x"}
        )
    RegistrationFactory()
    ApplicationFactory(status=Application.Status.SUBMITTED)
    client.force_login(host)
    shown = queues(client.get(reverse("admin:index")))
    assert set(shown) == {"events-unreleased"}
    count, url = shown["events-unreleased"]
    assert count == 1
    assert changelist_count(client, url) == 1


def test_the_admin_speaks_chinese_under_zh_hans(organizer, forum):
    RegistrationFactory()
    html = organizer.get("/zh-hans/admin/").content.decode()
    assert "中关村论坛 · 组委会" in html  # header
    assert "论坛管理" in html  # index title
    assert "待处理" in html and "待审核的参会报名" in html  # the queues
    assert "ZGC Forum · organizers" not in html
    # django-axes ships no Chinese: the site names its app and models.
    assert "登录防护" in html and "登录尝试" in html and "Access attempts" not in html
