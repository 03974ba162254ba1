"""A delegate browses the schedule in chromium, without needing any JavaScript of ours."""

from pathlib import Path

import icalendar
import pytest

from tests.browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pick_a_day_and_a_theme_open_a_session_and_download_its_ics(page, demo_forum):
    page.goto("/schedule/")
    assert page.locator("h1").inner_text().startswith("Schedule")
    assert_accessible(page)

    page.get_by_role("navigation", name="Forum days").get_by_role("link").nth(1).click()
    page.wait_for_url("**/schedule/?day=2021-09-25")
    assert page.locator('[aria-current="page"]').first.inner_text().endswith("25")

    page.get_by_label("Theme").select_option("carbon-neutrality")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**theme=carbon-neutrality**")
    assert "day=2021-09-25" in page.url
    assert_accessible(page)
    cards = page.locator("article.session-card")
    assert cards.count() > 0

    title = cards.first.locator("h4 a").inner_text()
    cards.first.locator("h4 a").click()
    page.wait_for_url("**/sessions/**")
    assert page.locator("h1").inner_text() == title
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    download = info.value
    assert download.suggested_filename.endswith(".ics")
    cal = icalendar.Calendar.from_ical(Path(download.path()).read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1 and str(events[0]["SUMMARY"]) == title
    assert events[0]["DTSTART"].params["TZID"] == "Asia/Shanghai"


def test_room_grid_and_chinese_schedule_are_accessible(page, demo_forum):
    page.goto("/schedule/grid/?day=2021-09-24")
    assert page.locator("table th[scope=col]").count() > 5
    assert_accessible(page)
    page.goto("/zh-hans/schedule/?q=碳中和")
    assert page.locator("article.session-card").count() > 0
    assert_accessible(page)
    page.goto("/speakers/")
    assert_accessible(page)
