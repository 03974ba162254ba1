"""The review list opens on what awaits review, says "All" when asked, searches both languages
and the credit code, and is ordered by date too; an event's form fits 1280 px (browser test)."""

import re

import pytest
from django.urls import reverse

from exhibitors.models import Application
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, SessionFactory, at
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory

pytestmark = pytest.mark.django_db

S = Application.Status
URL = "/admin/exhibitors/application/"


def shown(response) -> int:
    return int(re.search(r'<p class="paginator">\s*(\d+) ', response.content.decode())[1])


@pytest.fixture
def organizer(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_review_list_opens_on_what_awaits_review(organizer):
    section = SectionFactory()
    for status in (S.SUBMITTED, S.SUBMITTED, S.APPROVED, S.DRAFT, S.WAITLISTED):
        ApplicationFactory(section=section, status=status)
    bare = organizer.get(reverse("admin:exhibitors_application_changelist"))
    assert bare.status_code == 302 and bare["Location"] == f"{URL}?status__exact=submitted"
    page = organizer.get(bare["Location"])
    assert shown(page) == 2
    html = page.content.decode()
    assert 'href="?status__exact=all"' in html  # "All" stays reachable
    assert shown(organizer.get(URL, {"status__exact": "all"})) == 5
    assert shown(organizer.get(URL, {"status__exact": "waitlisted"})) == 1
    assert organizer.get(URL, {"status__exact": "nonsense"}).status_code == 200
    assert 'class="toplinks"' in html  # the date hierarchy over submitted_at


def test_the_review_list_searches_both_languages_and_the_credit_code(organizer):
    organization = OrganizationFactory(
        name_en="Beijing Qingneng New Energy", name_zh_hans="北京清能新能源有限公司"
    )
    ApplicationFactory(organization=organization, status=S.SUBMITTED)
    ApplicationFactory(status=S.SUBMITTED)
    for query in ("清能", "Qingneng", organization.credit_code):
        assert shown(organizer.get(URL, {"status__exact": "all", "q": query})) == 1, query


def test_the_recipient_picker_is_grouped_and_searchable(organizer):
    event = EventFactory(title_zh_hans="前沿科技论坛")
    session = SessionFactory(event=event, title_zh_hans="开幕主旨演讲", starts_at=at(1, 9, 30))
    html = organizer.get("/zh-hans/admin/notifications/announcement/add/").content.decode()
    select = html[html.index('<select name="segment"') :]
    select = select[: select.index("</select>")]
    assert "searchable-select" in select and 'data-language="zh-CN"' in select
    assert "<optgroup" in select  # segments with parameters are groups of their own
    # A session is picked from its event's group, named with its day and time: no code to type.
    group = select.split('<optgroup label="议程的预约者 — 前沿科技论坛">', 1)[1].split(
        "</optgroup>"
    )[0]
    value = f"delegates.session_registrants?status=confirmed&amp;session={session.code}"
    assert (
        f'<option value="{value}">议程的预约者：已确认座位，前沿科技论坛 — 09-25 09:30 · 开幕主旨演讲'
        in group
    )
    assert "select2.full.min.js" in html and "admin-searchable-select.js" in html
    assert "select2/i18n/zh-CN.js" in html


def test_a_mass_approval_across_the_filtered_list_is_confirmed_first(organizer):
    section = SectionFactory(capacity_m2=10_000)
    submitted = [ApplicationFactory(section=section, status=S.SUBMITTED) for _ in range(33)]
    ApplicationFactory(section=section, status=S.REJECTED)  # outside the filter: untouched
    url = f"{URL}?status__exact=submitted"
    chosen = {
        "action": "approve_selected",
        "select_across": "1",
        "index": "0",
        "_selected_action": [submitted[0].pk],
    }
    page = organizer.post(url, chosen).content.decode()
    assert "To whom: 33 rows" in page
    assert page.count("<li>", page.index('id="confirm-rows"')) >= 30
    assert "… and 3 more." in page
    assert '<input type="hidden" name="select_across" value="1">' in page
    assert not Application.objects.filter(status=S.APPROVED).exists()
    organizer.post(url, {**chosen, "confirm": "1"})
    assert Application.objects.filter(status=S.APPROVED).count() == 33
    assert Application.objects.filter(status=S.REJECTED).count() == 1
