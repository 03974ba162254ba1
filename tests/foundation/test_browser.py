import pytest

from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_in_both_languages_is_accessible(page, demo_forum):
    page.goto("/")
    assert page.locator("h1").inner_text() == "2021 Zhongguancun Forum"
    assert_accessible(page)

    page.get_by_role("link", name="简体中文").click()
    page.wait_for_url("**/zh-hans/")
    assert page.locator("h1").inner_text() == "2021中关村论坛"
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert_accessible(page)


def test_signup_page_is_keyboard_reachable_and_accessible(page, demo_forum):
    page.goto("/accounts/signup/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.tagName, document.activeElement.textContent.trim()]"
    )
    assert focused == ["A", "Skip to main content"]
    assert_accessible(page)
