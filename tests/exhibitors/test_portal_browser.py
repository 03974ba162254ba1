"""In chromium: an approved exhibitor adds an exhibit, invites stand staff, hands in a document
and its fapiao details; the exhibit is found in the directory; the team accepts the document in
the admin; the checklist turns green. axe: no serious or critical issue on any page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from exhibitors.models import Application, Requirement
from tests.browser import assert_accessible
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Snowy-Harbour-2021"


def log_in(page, email, url="/accounts/login/"):
    page.goto(url)
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    # Callers wait_for_url the ?next= the login URL already holds, or goto: wait for the POST.
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def test_approved_exhibitor_fills_the_portal_and_the_checklist_turns_green(
    page, live_server, tmp_path
):
    section = SectionFactory(
        slug="winter-olympics", name_en="Winter Olympics", name_zh_hans="科技冬奥"
    )
    contact = UserFactory(email="wang.fang@example.org", name="Wang Fang", language="en")
    contact.set_password(PASSWORD)
    contact.save()
    organization = OrganizationFactory(
        main_contact=contact,
        name_en="Beijing Snowline Robotics Co., Ltd.",
        name_zh_hans="北京雪线机器人有限公司",
    )
    ApplicationFactory(
        organization=organization, section=section, status=Application.Status.APPROVED
    )
    organization.has_approved_application = True
    organization.save()
    Requirement.objects.create(
        name_en="Insurance certificate",
        name_zh_hans="保险证明",
        kind="upload",
        due_on=timezone.localdate() + timedelta(days=10),
    )
    organizer = StaffFactory(email="organizer@example.org", is_superuser=True, name="Organizer")
    organizer.set_password(PASSWORD)
    organizer.save()

    log_in(page, contact.email, "/accounts/login/?next=" + organization.urls.portal)
    page.wait_for_url("**" + organization.urls.portal)
    assert page.locator(".checklist-open").count() == 4
    assert_accessible(page)

    # An exhibit.
    with page.expect_navigation():
        page.get_by_role("link", name="Exhibits", exact=True).click()
    assert_accessible(page)
    page.get_by_label("Name in Chinese").fill("造雪机器人")
    page.get_by_label("Name in English").fill("Snow-making robot")
    page.get_by_label("Description in English").fill("Snow for the Winter Olympics venues.")
    page.get_by_label("Maturity").select_option(label="pilot use")
    page.get_by_label("Premiere").select_option(label="world premiere")
    page.get_by_role("button", name="Save the exhibit").click()
    expect(page.locator("body")).to_contain_text("The exhibit is saved.")
    expect(page.get_by_role("heading", name="Snow-making robot")).to_be_visible()

    # Stand staff: two badges at 18 m², the main contact holds one.
    page.goto(organization.urls.staff)
    assert "1 of 2 badges used; 1 left." in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Email address").fill("li.na@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("main")).to_contain_text("2 of 2 badges used; 0 left.")

    # A document, uploaded.
    pdf = tmp_path / "insurance.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.goto(organization.urls.documents)
    assert_accessible(page)
    page.get_by_role("link", name="Insurance certificate").click()
    page.get_by_label("File").set_input_files(str(pdf))
    with page.expect_navigation():
        page.get_by_role("button", name="Hand in").click()
    assert "waiting for review" in page.locator("main").inner_text()

    # Fapiao details.
    page.goto(organization.urls.fees)
    assert_accessible(page)
    page.get_by_label("general VAT invoice").check()
    page.get_by_role("button", name="Save the fapiao details").click()
    expect(page.locator("body")).to_contain_text("The fapiao details are saved.")

    # The exhibit is found in the public directory.
    page.goto("/exhibitors/?q=snow-making")
    assert page.get_by_role("link", name="Beijing Snowline Robotics Co., Ltd.").is_visible()
    page.goto(organization.urls.public)
    assert page.get_by_role("heading", name=re.compile("Snow-making robot")).is_visible()
    assert_accessible(page)
    with page.expect_navigation():  # else the goto in log_in may abort the logout
        page.get_by_role("button", name="Log out").click()

    # The team accepts the document in the admin.
    log_in(page, organizer.email, "/admin/login/")
    page.goto("/admin/exhibitors/document/?status__exact=submitted")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("accept_selected")
    page.locator("button[name=index]").click()
    expect(page.locator(".messagelist")).to_contain_text("1 documents accepted.")
    page.context.clear_cookies()

    # The checklist is green.
    log_in(page, contact.email, "/accounts/login/?next=" + organization.urls.portal)
    page.wait_for_url("**" + organization.urls.portal)
    assert page.locator(".checklist-open").count() == 0
    assert page.locator(".checklist-done").count() == 4
    assert_accessible(page)
    page.goto("/zh-hans" + organization.urls.portal)
    assert "开幕前待办" in page.locator("main").inner_text()
    assert_accessible(page)
