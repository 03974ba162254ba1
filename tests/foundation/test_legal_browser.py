"""In chromium, on /zh-hans/: the registration's consent links to the privacy notice and the
terms, the footer shows the filing numbers, and axe finds nothing serious."""

import pytest

from tests.browser import assert_accessible
from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"
ICP = "京ICP备12345678号-1"
PUBLIC_SECURITY = "京公网安备11010802012345号"


def test_registration_links_the_legal_pages_and_the_footer_shows_the_filings(page, settings):
    settings.ICP_FILING = ICP
    settings.PUBLIC_SECURITY_FILING = PUBLIC_SECURITY
    CategoryFactory(slug="delegate", name_en="Delegate", name_zh_hans="参会代表")
    UserFactory(email="zhao.min@example.org", name="Zhao Min", name_zh="赵敏", language="zh-hans")

    page.goto("/zh-hans/accounts/login/?next=/zh-hans/delegates/register/")
    page.locator("input[name=username]").fill("zhao.min@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():  # the login URL's ?next= already matches
        page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url("**/zh-hans/delegates/register/")

    consent = page.locator("label[for=id_accepts_terms]")
    assert consent.inner_text().startswith("我接受参会条款和隐私声明。")  # then the required mark
    assert consent.get_by_role("link", name="参会条款").get_attribute("href") == "/zh-hans/terms/"
    assert consent.get_by_role("link", name="隐私声明").get_attribute("href") == "/zh-hans/privacy/"
    sensitive = page.locator("label[for=id_consents_to_sensitive_data]")
    assert (
        sensitive.get_by_role("link", name="隐私声明").get_attribute("href") == "/zh-hans/privacy/"
    )
    footer = page.locator("footer")
    assert (
        footer.get_by_role("link", name=ICP).get_attribute("href") == "https://beian.miit.gov.cn/"
    )
    assert PUBLIC_SECURITY in footer.inner_text()
    assert_accessible(page)

    consent.get_by_role("link", name="隐私声明").click()
    page.wait_for_url("**/zh-hans/privacy/")
    assert page.locator("h1").inner_text() == "隐私声明"
    assert page.get_by_role("heading", name="服务器日志").is_visible()
    assert_accessible(page)

    page.locator("footer").get_by_role("link", name="参会条款").click()
    page.wait_for_url("**/zh-hans/terms/")
    assert page.locator("h1").inner_text() == "参会条款"
    assert_accessible(page)


def test_admin_login_switches_language_accessibly(page):
    page.goto("/admin/login/?next=/admin/")
    assert_accessible(page)
    page.get_by_role("button", name="简体中文").click()
    page.wait_for_url("**/zh-hans/admin/login/?next=%2Fzh-hans%2Fadmin%2F")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("input[type=submit]").get_attribute("value") == "登录"
    assert_accessible(page)
