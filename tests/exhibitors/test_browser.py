"""In chromium: sign up, register the organization, apply; the organizer approves in the admin."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible
from tests.factories.accounts import StaffFactory
from tests.factories.exhibitors import SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Snowy-Harbour-2021"


def test_sign_up_register_apply_approve_listed(page, live_server, mailoutbox):
    SectionFactory(slug="carbon-neutrality", name_en="Carbon neutrality", name_zh_hans="碳中和")
    organizer = StaffFactory(email="organizer@example.org", is_superuser=True, name="Organizer")
    organizer.set_password(PASSWORD)
    organizer.save()

    # Sign up and confirm the address from the mail.
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("zhang.wei@example.org")
    page.locator("#id_name").fill("Zhang Wei")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/signup/done/")
    link = re.search(r"https?://\S+/accounts/verify/\S+/", mailoutbox[-1].body).group(0)
    page.goto(link.split("8000", 1)[-1])
    page.goto("/accounts/login/?next=/exhibitors/portal/")
    page.locator("#id_username").fill("zhang.wei@example.org")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():  # the login URL's ?next= already matches
        page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/exhibitors/portal/")
    assert_accessible(page)

    # Register the organization.
    with page.expect_navigation():
        page.get_by_role("link", name="Register an organization").click()
    assert_accessible(page)
    page.get_by_label("Name in Chinese").fill("北京清能新能源有限公司")
    page.get_by_label("Name in English").fill("Beijing Qingneng New Energy Co., Ltd.")
    page.get_by_label("Unified social credit code").fill("91110108551385082Q")
    page.get_by_label("Description in English").fill("Hydrogen fuel cells for city buses.")
    page.get_by_label("Description in Chinese").fill("城市公交氢燃料电池。")
    with page.expect_navigation():  # the form's own /exhibitors/portal/new/ matches the pattern
        page.get_by_role("button", name="Register the organization").click()
    page.wait_for_url(re.compile(r".*/exhibitors/portal/[\w-]+/$"))
    assert page.locator("h1").inner_text() == "Beijing Qingneng New Energy Co., Ltd."
    assert_accessible(page)

    # Apply for a booth, then submit.
    page.get_by_role("link", name="Apply for a booth").click()
    page.get_by_label("Exhibition section").select_option(label="Carbon neutrality")
    page.get_by_label("standard shell booth (multiples of 3 × 3 = 9 m²)").check()
    page.get_by_label("Requested area (m²)").fill("18")
    page.get_by_label("First booth preference").select_option(label="corner booth")
    page.get_by_label("Exhibit field").select_option(label="clean energy and carbon neutrality")
    page.get_by_label("Exhibit description").fill("A fuel-cell bus and its hydrogen tank.")
    page.get_by_label("The information given is true").check()
    page.get_by_label("Accepts the exhibition rules").check()
    page.get_by_label("Exhibits meet fire and safety regulations").check()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save the draft").click()
    with page.expect_navigation():  # the submission comes back to the application's page
        page.get_by_role("button", name="Submit for review").click()
    assert page.locator(".application-status").inner_text() == "submitted"
    assert_accessible(page)
    with page.expect_navigation():  # else the goto below may abort the logout
        page.get_by_role("button", name="Log out").click()

    # The organizer approves it in the admin.
    page.goto("/admin/login/")
    page.locator("#id_username").fill("organizer@example.org")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():  # else the goto below aborts the login
        page.get_by_role("button", name="Log in").click()
    page.goto("/admin/exhibitors/application/?status__exact=submitted")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("approve_selected")
    page.locator("button[name=index]").click()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("approved")

    # The organization is in the public directory.
    page.goto("/exhibitors/?q=清能")
    card = page.get_by_role("link", name="Beijing Qingneng New Energy Co., Ltd.")
    assert card.is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        card.click()
    assert page.locator("h1").inner_text() == "Beijing Qingneng New Energy Co., Ltd."
    assert_accessible(page)
    page.goto("/zh-hans/exhibitors/")
    assert page.get_by_role("link", name="北京清能新能源有限公司").is_visible()
    assert_accessible(page)
