"""In chromium at 1280 px, in both languages: the dashboard's queue leads to the filtered list of
applications (no sideways scrolling), one opens with the applicant's facts and is approved; axe
finds nothing serious on the dashboard, the list and the review page."""

import pytest
from playwright.sync_api import expect

from exhibitors.models import Application
from tests.browser import assert_accessible
from tests.factories.accounts import UserFactory
from tests.factories.exhibitors import ApplicationFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
LABELS = {
    "en": ("Applications submitted", "Approve", "approved"),
    "zh-hans": ("已提交的申请", "批准", "已批准"),
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_secretariat_follows_the_queue_and_approves_an_application(page, language):
    queue_label, approve, approved = LABELS[language]
    UserFactory(email="organizer@example.org", is_staff=True, is_superuser=True)
    section = SectionFactory(capacity_m2=1000)
    for _ in range(3):
        ApplicationFactory(section=section, status=Application.Status.SUBMITTED)
    ApplicationFactory(section=section, status=Application.Status.DRAFT)
    page.set_viewport_size({"width": 1280, "height": 900})
    prefix = "" if language == "en" else f"/{language}"
    page.goto(f"{prefix}/admin/login/?next={prefix}/admin/")
    page.locator("input[name=username]").fill("organizer@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) input[type=submit]").click()
    page.wait_for_selector("#work-queues")
    queue = page.locator("#queue-exhibitors-submitted")
    assert queue.locator(".queue-count").inner_text() == "3"
    assert queue_label in queue.inner_text()
    assert_accessible(page)

    queue.get_by_role("link").click()
    page.wait_for_url("**/exhibitors/application/?status__exact=submitted")
    assert page.locator("input[name=_selected_action]").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert_accessible(page)

    page.locator("#result_list tbody th a").first.click()
    page.wait_for_selector("#company")
    assert_accessible(page)
    page.get_by_role("button", name=approve, exact=True).click()
    # The confirmation: what will happen and to whom; nothing approved until confirmed.
    page.wait_for_selector("#confirm-rows")
    assert page.locator("#confirm-rows li").count() == 1
    assert Application.objects.filter(status=Application.Status.APPROVED).count() == 0
    assert_accessible(page)
    page.get_by_role("button", name=approve, exact=True).click()
    # wait_for_load_state() returns at once (the confirmation is loaded): wait for the response.
    expect(page.locator(".messagelist")).to_contain_text(approved)
    assert Application.objects.filter(status=Application.Status.APPROVED).count() == 1
    assert approved in page.content()


def test_the_event_change_page_is_accessible(page):
    from tests.factories.events import EventFactory, SessionFactory

    UserFactory(email="organizer@example.org", is_staff=True, is_superuser=True)
    event = EventFactory()
    SessionFactory(event=event)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/admin/login/?next=/admin/events/event/{event.pk}/change/")
    page.locator("input[name=username]").fill("organizer@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) input[type=submit]").click()
    page.wait_for_selector("#event_form")
    assert_accessible(page)


COMPOSE = {
    "en": ("Simplified", "Send now", "The announcement is being sent."),
    "zh-hans": ("简体", "立即发送", "公告正在发送。"),
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_secretariat_composes_an_announcement_picking_recipients_by_search(page, language):
    from notifications.models import Announcement

    search, send, sending = COMPOSE[language]
    UserFactory(email="organizer@example.org", is_staff=True, is_superuser=True)
    UserFactory(email="wang@example.org", language="zh-hans")
    page.set_viewport_size({"width": 1280, "height": 900})
    prefix = "" if language == "en" else f"/{language}"
    add = f"{prefix}/admin/notifications/announcement/add/"
    page.goto(f"{prefix}/admin/login/?next={add}")
    page.locator("input[name=username]").fill("organizer@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) input[type=submit]").click()
    page.wait_for_selector(".field-segment .select2-selection")
    assert_accessible(page)
    # The recipients: typed into the picker's search, chosen from the group it finds.
    page.locator(".field-segment .select2-selection").click()
    page.locator(".select2-search__field").fill(search)
    # The match for the search, not the first option of the list shown before it came back.
    page.locator(".select2-results__option--highlighted", has_text=search).click()
    assert page.locator("#id_segment").input_value() == "language?language=zh-hans"
    page.locator("#id_subject_en").fill("Registration is open")
    page.locator("#id_body_en").fill("Register now.")
    page.locator("#id_subject_zh_hans").fill("注册现已开放")
    page.locator("#id_body_zh_hans").fill("现在就注册。")
    page.locator("input[name=_continue]").click()
    page.wait_for_selector("#recipient-count")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    # Send: first what will happen and to whom, then the sending.
    page.get_by_role("button", name=send, exact=True).click()
    page.wait_for_selector("#confirm-rows")
    assert page.locator("#confirm-rows li").all_inner_texts() == ["wang@example.org"]
    assert Announcement.objects.get().status == Announcement.Status.DRAFT
    assert_accessible(page)
    page.get_by_role("button", name=send, exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(sending)
    assert Announcement.objects.get().status != Announcement.Status.DRAFT
