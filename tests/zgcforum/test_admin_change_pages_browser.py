"""In chromium, the admin's change pages as organizers use them: axe finds nothing serious or
critical on the change page of an event (with its sessions inline), a session, an application,
a registration, an announcement, a booth and a check-in, at 1280 px in both languages; an
organizer abroad reads one note that times are the forum's, not Django's warning under every
field, even after "Add another"; the application's review page fits a phone."""

import pytest
from playwright.sync_api import expect

from delegates import services as delegate_services
from delegates.badges import token_for
from delegates.models import CheckIn
from tests.browser import assert_accessible
from tests.delegates.conftest import approved_registration
from tests.factories.accounts import UserFactory
from tests.factories.events import EventFactory, SessionFactory
from tests.factories.exhibitors import ApplicationFactory, BoothFactory
from tests.factories.notifications import AnnouncementFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def log_in(page, prefix=""):
    UserFactory(email="organizer@example.org", is_staff=True, is_superuser=True)
    page.goto(f"{prefix}/admin/login/?next={prefix}/admin/")
    page.locator("input[name=username]").fill("organizer@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    # The login page has a #content too: wait for the POST's own response.
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_selector("#content")


def change_pages() -> dict[str, str]:
    """One object of each kind, by the admin path of its change page."""
    event = EventFactory(title_en="Frontier technology forum")
    session = SessionFactory(event=event)
    registration = approved_registration(name="Sweep Person")
    desk = UserFactory(name="Desk")
    delegate_services.scan_badge(token_for(delegate_services.badge_for(registration)), by=desk)
    check_in = CheckIn.objects.get(registration=registration)
    return {
        "event": f"events/event/{event.pk}",
        "session": f"events/session/{session.pk}",
        "application": f"exhibitors/application/{ApplicationFactory(status='submitted').pk}",
        "registration": f"delegates/registration/{registration.pk}",
        "announcement": f"notifications/announcement/{AnnouncementFactory().pk}",
        "booth": f"exhibitors/booth/{BoothFactory().pk}",
        "check-in": f"delegates/checkin/{check_in.pk}",
    }


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_change_page_is_axe_clean(page, language):
    prefix = "" if language == "en" else f"/{language}"
    pages = change_pages()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, prefix)
    for kind, path in pages.items():
        response = page.goto(f"{prefix}/admin/{path}/change/")
        assert response.status == 200, kind
        page.wait_for_load_state("load")
        page.wait_for_selector("#content-main")
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), kind
        page.screenshot(path=f"/tmp/change-{language}-{kind}.png", full_page=True)
        assert_accessible(page)
        # A single-choice autocomplete of the form opened: its search field, the list it fetched.
        picker = page.locator(
            "fieldset.aligned select.admin-autocomplete:not([multiple])"
            " + .select2 .select2-selection--single"
        )
        assert picker.count() or kind not in ("event", "session"), kind  # venue; event, room
        if picker.count():
            picker.first.click()
            page.wait_for_selector(".select2-dropdown .select2-search__field")
            page.wait_for_selector(".select2-results__option:not(.loading-results)")
            assert_accessible(page)
            page.keyboard.press("Escape")


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_application_review_page_fits_a_phone(page, language):
    prefix = "" if language == "en" else f"/{language}"
    submitted = ApplicationFactory(status="submitted")
    approved = ApplicationFactory(status="approved")  # with the booth panel
    BoothFactory(section=approved.section)  # free, in its section: offered to assign
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, prefix)
    for application in (submitted, approved):
        page.goto(f"{prefix}/admin/exhibitors/application/{application.pk}/change/")
        page.wait_for_selector("#company")
        shot = f"/tmp/application-390-{language}-{application.status}.png"
        page.screenshot(path=shot, full_page=True)
        wide = page.evaluate(
            """() => [...document.querySelectorAll('#content *')]
                .filter(el => el.getBoundingClientRect().right > innerWidth + 1)
                .map(el => el.tagName + '#' + el.id + '.' + el.className).slice(0, 8)"""
        )
        assert wide == [], application.status
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


NOTE = {
    "en": "Dates and times are in the forum's time zone (Asia/Shanghai)",
    "zh-hans": "日期和时间均按论坛所在时区（Asia/Shanghai）填写",
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_organizer_abroad_reads_one_time_zone_note_per_form(browser, live_server, language):
    prefix = "" if language == "en" else f"/{language}"
    event = EventFactory()
    SessionFactory(event=event)
    context = browser.new_context(base_url=live_server.url, timezone_id="Europe/Berlin")
    page = context.new_page()
    log_in(page, prefix)
    page.goto(f"{prefix}/admin/events/event/{event.pk}/change/")
    page.wait_for_selector("#event_form")
    page.wait_for_load_state("load")
    assert page.locator(".timezonewarning").count() == 0
    assert page.locator(".timezone-note").count() == 1
    assert NOTE[language] in page.locator(".timezone-note").inner_text()
    # Rows added for more sessions bring their date and time fields, not more warnings.
    rows = page.locator("#sessions-group tr.form-row:not(.empty-form)")
    before = rows.count()
    add = page.locator("#sessions-group .add-row a")
    add.click()
    add.click()
    expect(rows).to_have_count(before + 2)
    assert page.locator("#sessions-group tr.form-row input.vTimeField").count() >= before + 2
    assert page.locator(".timezonewarning").count() == 0
    assert page.locator(".timezone-note").count() == 1
    page.screenshot(path=f"/tmp/timezone-note-{language}.png", full_page=True)
    context.close()

    # On Beijing time there is nothing to say.
    context = browser.new_context(base_url=live_server.url, timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.goto(f"{prefix}/admin/login/?next={prefix}/admin/events/event/{event.pk}/change/")
    page.locator("input[name=username]").fill("organizer@example.org")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_selector("#event_form")
    page.wait_for_load_state("load")
    assert page.locator(".timezone-note, .timezonewarning").count() == 0
    context.close()


SESSION_SEARCH = {
    "en": ("Registrants of a session — Frontier technology forum", "Opening keynote"),
    "zh-hans": ("议程的预约者 — 前沿科技论坛", "开幕主旨演讲"),
}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_session_segment_is_found_by_searching_its_title(page, language):
    prefix = "" if language == "en" else f"/{language}"
    group, title = SESSION_SEARCH[language]
    event = EventFactory(title_en="Frontier technology forum", title_zh_hans="前沿科技论坛")
    keynote = SessionFactory(event=event, title_en="Opening keynote", title_zh_hans="开幕主旨演讲")
    SessionFactory(event=event)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, prefix)
    page.goto(f"{prefix}/admin/notifications/announcement/add/")
    page.wait_for_selector(".field-segment .select2-selection")
    page.locator(".field-segment .select2-selection").click()
    page.locator(".select2-search__field").fill(title)
    # Three matches (confirmed, waitlisted, on their agenda), under the event's group.
    results = page.locator(".select2-results__option[role=option]")
    expect(page.locator(".select2-results__group")).to_have_text([group])  # the search's answer
    expect(results).to_have_count(3)
    assert page.locator(".select2-results__group").all_inner_texts() == [group]
    page.screenshot(path=f"/tmp/session-search-{language}.png")
    assert_accessible(page)  # the open picker's search field and results are named
    results.first.click()
    value = page.locator("#id_segment").input_value()
    assert value == f"delegates.session_registrants?status=confirmed&session={keynote.code}"
