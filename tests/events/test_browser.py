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
    assert page.locator(".tg-room").count() > 5
    assert_accessible(page)
    page.goto("/zh-hans/schedule/?q=碳中和")
    assert page.locator("article.session-card").count() > 0
    assert_accessible(page)
    page.goto("/speakers/")
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_the_room_grid_is_as_tall_as_the_day_and_never_widens_the_page(page, demo_forum, width):
    """CSP on (the server's headers): boxes are placed by classes. A 09:00–17:30 exhibition is
    more than eight times as tall as a one-hour session; on a phone the rooms are a list."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/schedule/grid/?day=2021-09-24")
    assert "style-src" in (
        page.context.request.get("/schedule/grid/?day=2021-09-24").headers.get(
            "content-security-policy"
        )
        or ""
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    if width < 576:
        assert page.locator(".room-list h2").count() > 5
        assert_accessible(page)
        return

    def height(box) -> float:
        return box.bounding_box()["height"]

    boxes = page.locator(".tg-session")
    times = boxes.locator("span.small").all_inner_texts()

    def minutes(text: str) -> int:
        (h1, m1), (h2, m2) = (map(int, t.split(":")) for t in text[:11].split("–"))
        return (h2 * 60 + m2) - (h1 * 60 + m1)

    long_box = boxes.nth(next(i for i, t in enumerate(times) if t.startswith("09:00–17:30")))
    short = next(i for i, t in enumerate(times) if 30 <= minutes(t) <= 60)
    per_hour = height(boxes.nth(short)) * 60 / minutes(times[short])  # a one-hour box
    assert height(long_box) >= 8 * per_hour
    # the room names stay in view when the grid scrolls down
    page.locator(".room-grid-scroll").evaluate("el => el.scrollTop = 600")
    header = page.locator(".tg-room").first.bounding_box()
    grid_top = page.locator(".room-grid-scroll").bounding_box()["y"]
    assert abs(header["y"] - grid_top) < 3
    assert_accessible(page)
