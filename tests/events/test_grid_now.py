"""The room grid's "now" line: drawn during the forum's hours, in place, never stored whole."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from events import selectors
from tests.factories.events import EventFactory, ForumFactory, SectionFactory, SessionFactory, at

pytestmark = pytest.mark.django_db


def test_grid_now_is_the_five_minute_row_of_the_moment():
    tz = ZoneInfo("Asia/Shanghai")
    origin, last = at(0, 9), at(0, 17, 30)
    bounds = (origin, last, 5)
    assert selectors.grid_now(bounds, at(0, 9), tz)["row"] == 2
    line = selectors.grid_now(bounds, at(0, 10, 7), tz)
    assert line["row"] == 2 + 13 and line["end_column"] == 5  # 67 minutes: row 13 from the top
    assert line["at"].strftime("%H:%M") == "10:07"
    assert selectors.grid_now(bounds, at(0, 8, 59), tz) is None
    assert selectors.grid_now(bounds, at(0, 17, 30), tz) is None
    assert selectors.grid_now(None, at(0, 10), tz) is None


def today_forum():
    now = timezone.now().astimezone(UTC)
    today = now.date()
    forum = ForumFactory(
        edition=2090, starts_on=today, ends_on=today + timedelta(days=1), timezone="UTC"
    )
    event = EventFactory(forum=forum, section=SectionFactory(forum=forum))
    start = datetime(now.year, now.month, now.day, now.hour, tzinfo=UTC)
    session = SessionFactory(event=event, starts_at=start, ends_at=start + timedelta(hours=1))
    return today, session


def test_the_grid_of_today_draws_the_line_and_is_rendered_each_time(
    client, django_assert_max_num_queries
):
    today, session = today_forum()
    url = f"/schedule/grid/?day={today.isoformat()}"
    page = client.get(url).content.decode()
    assert page.count('class="tg-now gr-') == 1
    assert "Now <time" in page
    expected = selectors.grid_now(
        (session.starts_at, session.ends_at, 3), timezone.now(), ZoneInfo("UTC")
    )
    assert f"tg-now gr-{expected['row']} ge-3" in page or f"gr-{expected['row'] + 1} " in page
    # Not stored whole: the next visitor's page is built again (the fragment is cached).
    second = client.get(url)
    assert second.status_code == 200 and "tg-now" in second.content.decode()
    zh = client.get(f"/zh-hans{url}").content.decode()
    assert "现在 <time" in zh


def test_a_past_day_has_no_line(client, programme):
    programme(2)
    page = client.get("/schedule/grid/?day=2021-09-24").content.decode()
    assert "tg-now" not in page and "<!--now-->" in page
