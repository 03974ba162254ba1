"""In a real browser: register in Chinese, approval by the desk in the admin, a coordinator invites."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from delegates.models import Registration
from delegates.roles import ACCREDITATION_DESK
from tests.browser import assert_accessible
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.delegates import CategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def log_in(page, email, path):
    page.goto(path)
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    # The login URL's ?next= already matches the callers' wait_for_url: wait for the POST itself.
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()


def log_out(page):
    with page.expect_navigation():  # else the next goto may abort the logout
        page.locator("form[action$='/accounts/logout/'] button").click()


def test_delegate_registers_in_chinese_and_is_approved_by_the_desk(page, roles, smtp_sink):
    CategoryFactory(slug="delegate", name_en="Delegate", name_zh_hans="参会代表")
    desk = StaffFactory(email="desk@zgcforum.example", name="Desk")
    desk.groups.add(Group.objects.get(name=ACCREDITATION_DESK))
    UserFactory(email="zhao.min@example.org", name="Zhao Min", name_zh="赵敏", language="zh-hans")

    log_in(
        page, "zhao.min@example.org", "/zh-hans/accounts/login/?next=/zh-hans/delegates/register/"
    )
    page.wait_for_url("**/zh-hans/delegates/register/")
    assert page.locator("h1").inner_text() == "报名参会"
    assert_accessible(page)
    page.get_by_label("类别").select_option(label="参会代表")
    page.get_by_role("textbox", name="单位").fill("清华大学")
    page.get_by_label("职务或职称").fill("教授")
    page.get_by_role("combobox", name="国家或地区").select_option(value="CN")
    page.get_by_label("饮食需求").fill("素食")
    page.get_by_label("我接受参会条款和隐私声明。").check()
    page.get_by_role("button", name="注册").click()
    # Sensitive data without its own consent: refused, in Chinese.
    expect(page.get_by_text("照片、饮食或无障碍需求属于敏感个人信息").first).to_be_visible()
    page.get_by_label("我单独同意", exact=False).check()
    page.get_by_label("我接受参会条款和隐私声明。").check()
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/zh-hans/delegates/me/")
    assert "待审核" in page.locator("main").inner_text()
    assert_accessible(page)
    log_out(page)

    log_in(page, "desk@zgcforum.example", "/accounts/login/?next=/admin/delegates/registration/")
    page.wait_for_url("**/admin/delegates/registration/")
    page.get_by_role("link", name="Zhao Min").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.locator("#confirm-rows")).to_contain_text("zhao.min@example.org")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url("**/admin/delegates/registration/")
    assert "Registration approved." in page.locator("body").inner_text()
    assert Registration.objects.get().status == Registration.Status.APPROVED

    received, approved = smtp_sink.wait_for(2)  # the registration acknowledged, then approved
    assert received.recipients == approved.recipients == ["zhao.min@example.org"]
    assert received.subject == "已收到您的中关村论坛参会报名"
    assert approved.subject == "您的中关村论坛注册已获批准"
    assert "参会代表" in approved.text


def test_coordinator_registers_a_delegation_and_invites_two_members(page, roles, smtp_sink):
    UserFactory(email="coordinator@example.org", name="Lukas Müller", language="en")
    UserFactory(email="hannah.wagner@example.org", name="Hannah Wagner", language="zh-hans")
    log_in(page, "coordinator@example.org", "/accounts/login/?next=/delegates/delegations/new/")
    page.wait_for_url("**/delegates/delegations/new/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Delegation of Germany")
    page.get_by_label("Kind").select_option("country")
    page.get_by_label("Country or territory").select_option("DE")
    page.get_by_role("button", name="Register the delegation").click()
    page.wait_for_url("**/delegates/delegations/*/")
    for email, name in [("hannah.wagner@example.org", ""), ("felix.becker@example.org", "Felix")]:
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_role("button", name="Send invitation").click()
        expect(page.get_by_text(f"Invitation sent to {email}.")).to_be_visible()
    table = page.locator("#members").inner_text()
    assert "hannah.wagner@example.org" in table and "felix.becker@example.org" in table
    assert table.count("invited") == 2
    assert_accessible(page)
    smtp_sink.wait_for(2)
    (zh,) = smtp_sink.to("hannah.wagner@example.org")  # an account: mailed in its language
    assert "代表团" in zh.subject and "/zh-hans/delegates/join/" in zh.text
    (en,) = smtp_sink.to("felix.becker@example.org")
    assert "Delegation of Germany" in en.subject and "/delegates/join/" in en.text


def test_every_delegates_page_is_accessible_in_both_languages(page, roles):
    from django.utils import timezone

    from delegates.models import Delegation, DelegationMember
    from tests.factories.delegates import DelegationMemberFactory, RegistrationFactory

    category = CategoryFactory(slug="delegate", name_en="Delegate", name_zh_hans="参会代表")
    coordinator = UserFactory(email="coordinator@example.org", name="Lukas Müller")
    RegistrationFactory(user=coordinator, category=category, dietary_needs="", status="approved")
    delegation = Delegation.objects.create(name="Delegation of Germany", coordinator=coordinator)
    DelegationMemberFactory(delegation=delegation, user=coordinator, email=coordinator.email)
    member = DelegationMemberFactory(delegation=delegation)
    RegistrationFactory(
        user=member.user, category=category, status="rejected", rejection_reason="x"
    )
    place = DelegationMember.objects.create(
        delegation=delegation, email="invited@example.org", invited_at=timezone.now()
    )
    log_in(page, "coordinator@example.org", "/accounts/login/?next=/delegates/me/")
    page.wait_for_url("**/delegates/me/")
    paths = [
        "/delegates/me/",
        "/delegates/me/edit/",
        "/delegates/me/delete/",
        delegation.urls.detail,
        member.urls.edit,
        place.urls.join,
    ]
    for path in paths:
        for prefix in ("", "/zh-hans"):
            page.goto(prefix + path)
            assert page.locator("h1").count() == 1, path
            assert_accessible(page)
    log_out(page)
    page.goto("/zh-hans" + place.urls.join)  # a visitor without an account
    assert_accessible(page)
