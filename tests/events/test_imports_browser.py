"""In chromium, the programme team uploads a sessions sheet with a refused row: at 1280 and 390 px,
in both languages, the row's reason reads in the page's language, the preview's 18-column table
scrolls inside its box and the page keeps the window's width; axe finds nothing serious."""

import pytest
from django.contrib.auth.models import Group

from events.models import WorkingChange
from events.roles import PROGRAMME_TEAM
from tests.browser import assert_accessible
from tests.events.test_imports import HEADER, row
from tests.factories.accounts import StaffFactory
from tests.factories.events import SessionFactory, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFUSED = {"en": ("Row 1", "is already booked"), "zh-hans": ("第1行", "占用")}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_refused_row_reads_clearly_at_any_width(
    page, roles, event, room, language, width, tmp_path
):
    team = StaffFactory(email="team@example.org")
    team.groups.set(Group.objects.filter(name=PROGRAMME_TEAM))
    SessionFactory(event=event, room=room, starts_at=at(0, 9), ends_at=at(0, 10))
    sheet = tmp_path / "sessions.csv"
    sheet.write_text(HEADER + row("s-clash", event, room, at(0, 9, 30), at(0, 10, 30)))
    prefix = "" if language == "en" else f"/{language}"

    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{prefix}/admin/login/?next={prefix}/admin/events/session/import/")
    page.locator("input[name=username]").fill("team@example.org")
    page.locator("input[name=password]").fill("a-long-demo-password")
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.locator("input[type=file]").set_input_files(str(sheet))
    page.locator("select[name=format]").select_option(label="csv")
    page.locator("#content form [type=submit]").first.click()

    page.locator("table.import-preview").wait_for()
    refusal = page.locator(".import-errors li").inner_text()
    assert all(words in refusal for words in REFUSED[language])
    assert page.evaluate("document.documentElement.scrollWidth") == width
    assert not page.get_by_role("button", name="Confirm import").count()
    assert WorkingChange.objects.count() == 0
    assert_accessible(page)
    page.screenshot(path=f"/tmp/import-refused-{language}-{width}.png", full_page=True)
