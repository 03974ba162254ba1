"""The unsubscribe page in a real browser: accessible, works without login, under the site's CSP."""

import pytest

from notifications import services
from tests.browser import assert_accessible
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unsubscribe_page_is_accessible_and_works_in_chinese(page):
    user = UserFactory(email="reader@example.org", language="zh-hans")
    url = services.unsubscribe_url(user)
    page.goto(url.split("127.0.0.1:8000", 1)[1])
    assert_accessible(page)
    page.get_by_role("button", name="退订").click()
    page.get_by_text("reader@example.org将不再收到公告").wait_for()
    assert_accessible(page)
    user.refresh_from_db()
    assert not user.receives_announcements
