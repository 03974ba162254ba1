"""In chromium: a new visitor registers for the forum from the navbar, through account and mail
confirmation, back to the delegate form; a delegate and the door volunteer land on their page.
axe finds nothing serious on any page visited."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from tests.browser import assert_accessible
from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory, RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-demo-password"


def open_navbar(page):
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()


@pytest.mark.parametrize(
    ("prefix", "width", "door", "create", "step_two", "step_three"),
    [
        ("", 1280, "Register for the forum", "Create an account", "Check your mailbox", "Register for the forum"),
        ("/zh-hans", 390, "报名参会", "创建账户", "请查收邮件", "报名参会"),
    ],
)  # fmt: skip
def test_a_new_visitor_registers_for_the_forum_from_the_navbar(
    page, settings, prefix, width, door, create, step_two, step_three
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    CategoryFactory(slug="delegate", name_en="Delegate", name_zh_hans="参会代表")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{prefix}/")
    open_navbar(page)
    page.locator("nav.navbar").get_by_role("link", name=door).click()
    page.wait_for_url(re.compile(rf"{prefix}/accounts/login/\?next="))
    assert page.locator("[aria-current=step]").inner_text().startswith("1")
    assert_accessible(page)

    page.locator("main").get_by_role("link", name=create).click()
    page.wait_for_url(re.compile(rf"{prefix}/accounts/signup/\?next="))
    page.locator("input[name=email]").fill("new.delegate@example.org")
    page.locator("input[name=name]").fill("Wang Lei")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    assert_accessible(page)
    page.locator("form:has(input[name=password1]) [type=submit]").click()
    page.wait_for_url(f"**{prefix}/accounts/signup/done/")
    assert step_two in page.locator("h1").inner_text()
    assert page.locator("[aria-current=step]").inner_text().startswith("2")
    assert_accessible(page)

    [message] = mail.outbox
    link = re.search(r"https?://\S+?(/\S*accounts/verify/\S+/)", message.body).group(1)
    page.goto(link)
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    page.locator("input[name=username]").fill("new.delegate@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():  # the login URL's ?next= may already match
        page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(f"**{prefix}/delegates/register/")
    assert page.locator("h1").inner_text() == step_three
    assert page.locator("[aria-current=step]").inner_text().startswith("3")
    assert_accessible(page)
    page.screenshot(
        path=f"/tmp/doors-register{prefix.replace('/', '-')}-{width}.png", full_page=True
    )


@pytest.mark.parametrize("prefix", ["", "/zh-hans"])
def test_a_delegate_and_the_door_volunteer_land_on_their_page(page, prefix):
    delegate = RegistrationFactory(user=UserFactory(email="delegate@example.org")).user
    door = UserFactory(email="door@example.org")
    door.user_permissions.add(Permission.objects.get(codename="scan_badges"))
    for user, landing in [(delegate, "/delegates/me/"), (door, "/delegates/desk/")]:
        page.context.clear_cookies()
        page.goto(f"{prefix}/accounts/login/")
        page.locator("input[name=username]").fill(user.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form:has(input[name=password]) [type=submit]").click()
        page.wait_for_url(f"**{prefix}{landing}")
        assert_accessible(page)
