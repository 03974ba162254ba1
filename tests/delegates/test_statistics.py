"""Statistics: every number equals a count made here from the seeded data, and links to its list."""

import csv
import io
import re
from collections import Counter

import pytest
from django.urls import reverse

from delegates import services
from delegates.badges import token_for
from delegates.models import RSVP, CheckIn, Registration
from events.models import Session
from exhibitors.models import Application
from tests.delegates.conftest import approved_registration
from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory, RegistrationFactory
from tests.factories.events import EventFactory, ForumFactory, SessionFactory
from tests.factories.exhibitors import ApplicationFactory
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

# login session, user, permissions, groups; events, sessions with check-ins and seats,
# registrations by country and status, categories, registrations by category, check-ins by day;
# headline figures: registrations, check-ins, sessions, exhibitors
STATISTICS_QUERIES = 14


def seed(n: int, desk):
    """n approved per category and country, some pending and rejected, check-ins at three scopes."""
    delegates = CategoryFactory(slug="delegate", name_en="Delegate", name_zh_hans="代表")
    press = CategoryFactory(slug="press", name_en="Press", name_zh_hans="媒体")
    session = SessionFactory(capacity=40, rsvp_required=True)
    SessionFactory(event=session.event)  # no capacity: the room's
    people = []
    for _i in range(n):
        for category, country in [(delegates, "CN"), (delegates, "DE"), (press, "FR")]:
            people.append(approved_registration(category=category, country=country))
        RegistrationFactory(category=press, country="CN", status="pending")
        RegistrationFactory(
            category=delegates, country="DE", status="rejected", rejection_reason="No."
        )
    for person in people[::2]:
        token = token_for(services.badge_for(person))
        services.scan_badge(token, by=desk)
        services.scan_badge(token, by=desk, session=session)
    for i, person in enumerate(people[1::2]):
        status = RSVP.Status.CONFIRMED if i % 3 else RSVP.Status.WAITLISTED
        RSVP.objects.create(user=person.user, session=session, status=status)
    return session


def cells(html: str, table: str) -> str:
    return html.split(f'id="{table}"', 1)[1].split("</section>", 1)[0]


def test_numbers_equal_independent_counts_and_link_to_the_admin(client, organizer):
    desk = UserFactory(name="Desk")
    session = seed(3, desk)
    client.force_login(organizer)
    response = client.get(reverse("delegates:statistics"))
    assert response.status_code == 200
    html = response.content.decode()

    regs = list(Registration.objects.values("country", "status", "category_id"))
    by_country = Counter(r["country"] for r in regs)
    assert by_country == {"CN": 6, "DE": 6, "FR": 3}
    countries = cells(html, "countries")
    for code, n in by_country.items():
        url = reverse("admin:delegates_registration_changelist") + f"?country__exact={code}"
        assert f'<a href="{url}">{n}</a>' in countries

    by_status = Counter(r["status"] for r in regs)
    status = cells(html, "status")
    for value, n in by_status.items():
        url = reverse("admin:delegates_registration_changelist") + f"?status__exact={value}"
        assert f'<a href="{url}">{n}</a>' in status

    categories = cells(html, "categories")
    for category_id, n in Counter(r["category_id"] for r in regs).items():
        url = reverse("admin:delegates_registration_changelist") + f"?category__exact={category_id}"
        assert f'<a href="{url}">{n}</a>' in categories

    in_session = CheckIn.objects.filter(session=session).count()
    assert in_session == 5  # every second of 9 approved people
    sessions = cells(html, "sessions")
    url = reverse("admin:delegates_checkin_changelist") + f"?session__exact={session.pk}"
    assert f'<a href="{url}">{in_session}</a>' in sessions
    assert '<td class="text-end">40</td>' in sessions  # capacity
    reserved = RSVP.objects.filter(session=session, status=RSVP.Status.CONFIRMED).count()
    assert reserved == 2  # of 4 people, every third waits
    seats = reverse("admin:delegates_sessionseats_change", args=[session.pk])
    assert f'<a href="{seats}">{reserved}</a>' in sessions
    assert '<td class="text-end">200</td>' in sessions  # the room's seats

    days = cells(html, "days")
    assert f">{CheckIn.objects.count()}</a>" in days
    assert "<svg" in cells(html, "countries")

    # Each linked list shows exactly that many rows.
    changelist = client.get(
        reverse("admin:delegates_registration_changelist") + "?country__exact=CN"
    )
    assert changelist.context["cl"].result_count == 6
    checkins = client.get(url)
    assert checkins.context["cl"].result_count == in_session


def test_csv_export_of_each_table(client, organizer):
    seed(1, UserFactory())
    client.force_login(organizer)
    for table in ["events", "sessions", "countries", "categories", "status", "days"]:
        response = client.get(reverse("delegates:statistics_csv", args=[table]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert len(rows) >= 2, table
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("delegates:statistics_csv", args=["countries"])).content.decode()
            )
        )
    )
    assert rows[0][:3] == ["Country or territory", "Code", "Registrations"]
    assert {r[1]: r[2] for r in rows[1:]} == {"CN": "2", "DE": "2", "FR": "1"}
    assert client.get("/delegates/statistics/nothing.csv").status_code == 404


def test_statistics_need_the_permission_and_the_admin_links_them(client, organizer):
    client.force_login(UserFactory())
    assert client.get(reverse("delegates:statistics")).status_code == 403
    client.force_login(organizer)
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("delegates:statistics") in index


def test_statistics_queries_do_not_grow(client, organizer):
    desk = UserFactory()
    client.force_login(organizer)
    first, second = assert_queries_do_not_grow(
        lambda: client.get(reverse("delegates:statistics")),
        lambda n: seed(n, desk),
        budget=STATISTICS_QUERIES,
        n=1,
    )
    changelist = reverse("admin:delegates_registration_changelist")
    for response, in_china in [(first, 2), (second, 6)]:  # one approved, one pending per n
        assert response.status_code == 200
        html = response.content.decode()
        assert len(re.findall(r"<section", html)) == 7
        assert f'<a href="{changelist}?country__exact=CN">{in_china}</a>' in cells(
            html, "countries"
        )


def figure(html: str, slug: str) -> str:
    """The number shown in one headline figure, without its link."""
    box = html.split(f'id="figure-{slug}"', 1)[1].split("</li>", 1)[0]
    value = box.split('figure-value">', 1)[1].split("</span>", 1)[0]
    return re.sub(r"<[^>]+>", "", value).strip()


def seed_exhibitors(n: int):
    """n approved applications (one organization applying twice), and some that are not."""
    for _i in range(n):
        approved = ApplicationFactory(status=Application.Status.APPROVED)
        ApplicationFactory(
            status=Application.Status.APPROVED,
            organization=approved.organization,
        )
        ApplicationFactory(status=Application.Status.SUBMITTED)
        SessionFactory(is_cancelled=True)
        SessionFactory(event=EventFactory(is_published=False))  # a draft
        SessionFactory(event=EventFactory(forum=ForumFactory(edition=2020)))  # last year's


@pytest.mark.parametrize("n", [1, 3])
def test_statistics_open_on_the_forums_headline_figures(client, organizer, n):
    seed(n, UserFactory())
    seed_exhibitors(n)
    client.force_login(organizer)
    html = client.get(reverse("delegates:statistics")).content.decode()
    assert html.index('id="headline"') < html.index('id="events"')

    regs = list(Registration.objects.values("country", "status"))
    at_entrance = CheckIn.objects.filter(event=None, session=None)
    expected = {
        "registered": len(regs),
        "approved": sum(r["status"] == "approved" for r in regs),
        "checked-in": len({c.registration_id for c in at_entrance}),
        "countries": len({r["country"] for r in regs}),
        "sessions": sum(
            not s.is_cancelled and s.event.is_published and s.event.forum.edition == 2021
            for s in Session.objects.select_related("event__forum")
        ),
        "exhibitors": len(
            {a.organization_id for a in Application.objects.filter(status="approved")}
        ),
        "today": CheckIn.objects.count(),  # every scan of the seed happened today
    }
    assert expected["registered"] == 5 * n
    assert expected["checked-in"] == (3 * n + 1) // 2
    assert expected["exhibitors"] == n
    assert expected["sessions"] == 2
    for slug, value in expected.items():
        assert figure(html, slug) == str(value), slug

    approved_list = reverse("admin:delegates_registration_changelist") + "?status__exact=approved"
    assert f'<a href="{approved_list}">{expected["approved"]}</a>' in html
    assert client.get(approved_list).context["cl"].result_count == expected["approved"]


def test_headline_figures_in_chinese(client, organizer):
    seed(1, UserFactory())
    client.force_login(organizer)
    html = client.get("/zh-hans" + reverse("delegates:statistics")).content.decode()
    headline = cells(html, "headline")
    assert "论坛概况" in headline
    assert "今日签到" in headline
