"""In a real browser on a phone: booth staff type a badge code, rate the lead, add a note; the
CSV holds it."""

import csv
import io

import pytest

from tests.browser import assert_accessible
from tests.delegates.test_browser import log_in
from tests.leads.conftest import badge_of, exhibitor_with_booth, staff_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_type_a_code_rate_the_lead_and_export_it_on_a_phone(page, live_server):
    exhibitor = exhibitor_with_booth()
    staff_of(exhibitor, email="booth@example.org", name="Booth Staffer")
    badge = badge_of("Wang Fang", name_zh="王芳", title="CTO", user__email="wf@example.org")

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "booth@example.org", f"/accounts/login/?next=/leads/{exhibitor.code}/")
    page.wait_for_url(f"**/leads/{exhibitor.code}/")
    assert_accessible(page)
    field = page.get_by_label("Badge code")
    field.fill(badge.printed_code.lower())
    field.press("Enter")  # a USB scanner, or a person typing
    page.wait_for_url(f"**/leads/{exhibitor.code}/*/")
    person = page.locator("#lead-person").inner_text()
    assert "Wang Fang" in person and "王芳" in person and "wf@example.org" in person
    assert_accessible(page)
    page.get_by_label("hot").check()
    page.get_by_label("Notes").fill("Wants a demo of the robot arm")
    page.get_by_label("Tags").fill("distributor, follow up")
    page.get_by_role("button", name="Save the lead").click()
    page.wait_for_url(f"**/leads/{exhibitor.code}/")
    table = page.locator("#leads-table").inner_text()
    assert "Wang Fang" in table and "hot" in table and "distributor, follow up" in table
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)

    response = page.request.get(f"{live_server.url}/leads/{exhibitor.code}/export.csv")
    rows = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
    assert rows[1][2:6] == ["hot", "distributor, follow up", "Wants a demo of the robot arm", "yes"]
    assert "Wang Fang" in rows[1] and "wf@example.org" in rows[1]
