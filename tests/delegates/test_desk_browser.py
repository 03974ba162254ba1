"""In a real browser: the desk scans a typed token, sees green, scans again, sees the warning."""

import pytest
from django.contrib.auth.models import Group

from delegates import services
from delegates.badges import token_for
from delegates.roles import ACCREDITATION_DESK, CHECKIN_DESK
from tests.browser import assert_accessible
from tests.delegates.conftest import approved_registration
from tests.delegates.test_browser import log_in
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.delegates import CategoryFactory
from tests.factories.events import SessionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_desk_scans_a_typed_token_twice_on_a_phone(page, roles):
    desk = UserFactory(email="door@zgcforum.example", name="Door Volunteer")
    desk.groups.add(Group.objects.get(name=CHECKIN_DESK))
    category = CategoryFactory(slug="press", name_en="Press", name_zh_hans="媒体")
    person = approved_registration(category=category, name="Wang Fang", name_zh="王芳")
    token = token_for(services.badge_for(person))
    SessionFactory()

    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, "door@zgcforum.example", "/accounts/login/?next=/delegates/desk/")
    page.wait_for_url("**/delegates/desk/")
    assert_accessible(page)
    field = page.get_by_label("Badge code")
    assert field.evaluate("el => el === document.activeElement")
    field.fill(token)
    field.press("Enter")  # what a USB scanner sends after the code
    result = page.locator(".desk-result")
    result.wait_for()
    assert "desk-ok" in result.get_attribute("class")
    text = result.inner_text()
    assert "Welcome — checked in" in text and "Wang Fang" in text and "王芳" in text
    assert "Press" in text
    assert_accessible(page)
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.get_by_label("Badge code").fill(token)
    page.get_by_role("button", name="Check in").click()
    page.wait_for_selector(".desk-refused")
    text = page.locator(".desk-result").inner_text()
    assert "Already checked in at" in text and "by Door Volunteer" in text
    assert_accessible(page)


def test_statistics_page_is_accessible(page, roles):
    organizer = StaffFactory(email="organizer@zgcforum.example", name="Organizer")
    organizer.groups.add(Group.objects.get(name=ACCREDITATION_DESK))
    desk = UserFactory()
    person = approved_registration(country="CN")
    services.scan_badge(token_for(services.badge_for(person)), by=desk)
    SessionFactory()
    log_in(page, "organizer@zgcforum.example", "/accounts/login/?next=/delegates/statistics/")
    page.wait_for_url("**/delegates/statistics/")
    assert page.locator("h1").inner_text() == "Attendance and statistics"
    assert_accessible(page)
    page.goto("/zh-hans/delegates/statistics/")
    assert_accessible(page)


def test_desk_scope_picker_filters_by_typing(page, roles):
    desk = UserFactory(email="door@zgcforum.example", name="Door Volunteer")
    desk.groups.add(Group.objects.get(name=CHECKIN_DESK))
    keynote = SessionFactory(title_en="Opening Keynote")
    SessionFactory(event=keynote.event, title_en="Quantum Panel")
    SessionFactory(title_en="Robotics Workshop")

    log_in(page, "door@zgcforum.example", "/accounts/login/?next=/delegates/desk/")
    page.wait_for_url("**/delegates/desk/")
    page.locator("summary").click()
    box = page.get_by_label("Find an event or session")
    box.fill("quantum")
    visible = page.locator("#desk-scope-select option:not([hidden])").all_inner_texts()
    assert [t for t in visible if "Panel" in t or "Keynote" in t or "Workshop" in t] == [
        t for t in visible if "Quantum Panel" in t
    ]
    assert any("Quantum Panel" in t for t in visible)
    assert_accessible(page)
    page.get_by_role("button", name="Switch desk").click()
    page.wait_for_url("**/delegates/desk/sessions/**")
    assert "Quantum Panel" in page.locator("#desk-scope").inner_text()
