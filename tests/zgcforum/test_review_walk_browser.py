"""In chromium at 1280 px, in both languages, the secretariat's review walk with a mixed queue:
the dashboard's "applications submitted" number is the one the list shows and the one the
database holds; the list fits the window; one application opens, is approved only after the
confirmation names its company, reads approved afterwards, and its applicant gets the mail.
axe finds nothing serious or critical on the dashboard, the list, the application, the
confirmation and an event's change page."""

import re

import pytest
from playwright.sync_api import expect

from exhibitors.models import Application
from tests.browser import assert_accessible
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, SessionFactory
from tests.factories.exhibitors import ApplicationFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
S = Application.Status
TEXT = {
    "en": {"approve": "Approve", "approved": "approved", "name": "name_en"},
    "zh-hans": {"approve": "批准", "approved": "已批准", "name": "name_zh_hans"},
}


def shot(page, language, step):
    page.screenshot(path=f"/tmp/review-walk-{language}-{step}.png", full_page=True)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_secretariat_walks_the_review_queue(page, language, mailoutbox):
    text = TEXT[language]
    prefix = "" if language == "en" else f"/{language}"
    UserFactory(email="organizer@example.org", is_staff=True, is_superuser=True)
    # A queue among other states, over two sections: only the submitted ones await review.
    sections = [SectionFactory(capacity_m2=1000), SectionFactory(capacity_m2=1000)]
    for index, status in enumerate([S.SUBMITTED] * 5 + [S.DRAFT, S.WAITLISTED, S.APPROVED]):
        ApplicationFactory(section=sections[index % 2], status=status)
    event = EventFactory()
    SessionFactory(event=event)
    submitted = Application.objects.filter(status=S.SUBMITTED).count()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{prefix}/admin/login/?next={prefix}/admin/")
    page.locator("input[name=username]").fill("organizer@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()

    # The dashboard: its number is the database's.
    queue = page.locator("#queue-exhibitors-submitted")
    queue.wait_for()
    assert int(queue.locator(".queue-count").inner_text()) == submitted
    assert_accessible(page)
    shot(page, language, "1-dashboard")

    # Its link: the list of exactly those, fitting 1280 px.
    queue.get_by_role("link").click()
    page.wait_for_url(f"**{prefix}/admin/exhibitors/application/?status__exact=submitted")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == submitted
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    shot(page, language, "2-list")
    # Every column shows beside the menu and the filters: the table does not scroll in its box.
    assert page.evaluate(
        "(r => r.scrollWidth <= r.clientWidth)(document.querySelector('.results'))"
    )
    assert_accessible(page)

    # One application: the applicant's facts, then Approve asks first, naming the company.
    rows.first.locator("th a").click()
    page.wait_for_url(re.compile(r"/admin/exhibitors/application/\d+/change/"))
    pk = int(re.search(r"/application/(\d+)/change/", page.url).group(1))
    application = Application.objects.select_related("organization", "applicant").get(pk=pk)
    company = getattr(application.organization, text["name"])
    assert company in page.locator("#company").inner_text()
    assert_accessible(page)
    shot(page, language, "3-application")

    page.get_by_role("button", name=text["approve"], exact=True).click()
    page.locator("#confirm-rows").wait_for()
    assert page.locator("#confirm-rows li").count() == 1
    assert company in page.locator("#confirm-rows li").inner_text()
    assert Application.objects.get(pk=pk).status == S.SUBMITTED
    assert mailoutbox == []
    assert_accessible(page)
    shot(page, language, "4-confirm")

    page.locator("#confirm-form").get_by_role("button", name=text["approve"], exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(company)
    expect(page.locator(".messagelist")).to_contain_text(text["approved"])
    assert Application.objects.get(pk=pk).status == S.APPROVED
    [mail] = mailoutbox
    assert mail.to == [application.applicant.email]
    shot(page, language, "5-approved")

    # The queue is one shorter; the application's page reads approved.
    page.goto(f"{prefix}/admin/")
    assert int(queue.locator(".queue-count").inner_text()) == submitted - 1
    page.goto(f"{prefix}/admin/exhibitors/application/{pk}/change/")
    assert page.locator(".field-status .readonly").inner_text() == text["approved"]

    # An event with its sessions inline.
    page.goto(f"{prefix}/admin/events/event/{event.pk}/change/")
    page.locator("#event_form").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert_accessible(page)
    shot(page, language, "6-event")
