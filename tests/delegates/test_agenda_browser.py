"""In a real browser: star two sessions, join a full session's waitlist, get the freed seat."""

import pytest
from playwright.sync_api import expect

from delegates import services
from delegates.models import RSVP
from tests.browser import assert_accessible
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.events import SessionFactory, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-demo-password"


def log_in(page, email, path):
    page.goto(f"/accounts/login/?next={path}")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    # The login URL ends with ?next={path}: wait_for_url alone would not wait for the POST.
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) [type=submit]").click()
    page.wait_for_url(f"**{path}")


def log_out(page):
    with page.expect_navigation():  # else the next goto may abort the logout
        page.locator("form[action$='/accounts/logout/'] button").click()


def test_star_join_the_waitlist_and_get_the_seat_when_someone_cancels(page, smtp_sink):
    first = SessionFactory(title_en="Opening plenary", starts_at=at(0, 9), ends_at=at(0, 10))
    second = SessionFactory(
        title_en="AI governance panel", starts_at=at(0, 9, 30), ends_at=at(0, 11)
    )
    full = rsvp_session(1, title_en="Quantum lab visit", starts_at=at(1, 14), ends_at=at(1, 16))
    waiting = approved_delegate(email="wei.chen@example.org", name="Chen Wei")
    holder = approved_delegate(email="holder@example.org", name="Anna Holder")
    services.reserve_seat(full, user=holder)

    log_in(page, "wei.chen@example.org", first.urls.public)
    page.get_by_role("button", name="Add to my agenda").click()
    expect(page.get_by_text("“Opening plenary” is on your agenda.")).to_be_visible()
    page.goto(second.urls.public)
    page.get_by_role("button", name="Add to my agenda").click()
    # Starred before the next goto, which would otherwise abort the POST.
    expect(page.get_by_text("“AI governance panel” is on your agenda.")).to_be_visible()
    page.goto(full.urls.public)
    assert "Full — waitlist 0" in page.locator("main").inner_text()
    with page.expect_navigation():  # the POST comes back to the same URL
        page.get_by_role("button", name="Join the waitlist").click()
    page.wait_for_url(f"**{full.urls.public}")  # back where the form was
    main = page.locator("main").inner_text()
    assert "you are number 1 on the waitlist" in main and "Waitlist: number 1" in main
    page.goto("/delegates/agenda/")
    main = page.locator("main").inner_text()
    assert "Waitlist: number 1" in main
    assert main.count("Overlaps another session") == 2  # the two starred sessions
    assert_accessible(page)
    log_out(page)

    log_in(page, "holder@example.org", "/delegates/agenda/")
    page.get_by_role("button", name="Give up my seat").click()
    expect(
        page.get_by_text("Your reservation for “Quantum lab visit” is cancelled.")
    ).to_be_visible()
    log_out(page)

    log_in(page, "wei.chen@example.org", "/delegates/agenda/")
    main = page.locator("main").inner_text()
    assert "Seat confirmed" in main and "Waitlist" not in main
    assert_accessible(page)
    # The holder's seat and Chen Wei's waitlist place were acknowledged, then the promotion.
    mails = {(m.recipients[0], m.subject) for m in smtp_sink.wait_for(3)}
    assert mails == {
        ("holder@example.org", "Your seat is confirmed: Quantum lab visit"),
        ("wei.chen@example.org", "You are on the waitlist: Quantum lab visit"),
        ("wei.chen@example.org", "A seat is yours: Quantum lab visit"),
    }
    assert RSVP.objects.get(session=full).user_id == waiting.pk
