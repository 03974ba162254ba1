"""In a real browser: a delegate stars three sessions from a long day list and reserves a seat,
each one click, each time back at the card they clicked (CSP on, no JavaScript of ours)."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.delegates.test_agenda_browser import log_in
from tests.factories.events import SessionFactory, at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = "/schedule/?day=2021-09-24"


@pytest.mark.parametrize("width", [1280, 390])
def test_star_three_sessions_and_reserve_a_seat_without_losing_the_place(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    sessions = [
        SessionFactory(title_en=f"Session {i:02d}", starts_at=at(0, 8 + i // 4, 15 * (i % 4)))
        for i in range(40)
    ]
    seat = rsvp_session(30, title_en="Reservable workshop", starts_at=at(0, 17), ends_at=at(0, 18))
    approved_delegate(email="wei.chen@example.org", name="Chen Wei")
    log_in(page, "wei.chen@example.org", DAY)

    for session in (sessions[12], sessions[25], sessions[33]):
        card = page.locator(f"#session-{session.code}")
        card.scroll_into_view_if_needed()
        card.get_by_role("button", name="Add to my agenda").click()
        page.wait_for_url(f"**#session-{session.code}")
        card = page.locator(f"#session-{session.code}")
        assert "On my agenda" in card.inner_text()
        expect(card).to_be_in_viewport()  # back at the card, not at the top of the day
        assert card.get_by_role("button", name="Remove from my agenda").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")

    card = page.locator(f"#session-{seat.code}")
    card.scroll_into_view_if_needed()
    assert "30 seats left" in card.inner_text()
    card.get_by_role("button", name="Reserve a seat").click()
    page.wait_for_url(f"**#session-{seat.code}")
    card = page.locator(f"#session-{seat.code}")
    assert "Seat confirmed" in card.inner_text()
    expect(card).to_be_in_viewport()
    assert card.get_by_role("button", name="Give up my seat").count() == 1
    assert_accessible(page)

    page.goto("/delegates/agenda/")
    main = page.locator("main").inner_text()
    for title in ("Session 12", "Session 25", "Session 33", "Reservable workshop"):
        assert title in main
    assert_accessible(page)
    page.goto("/zh-hans" + DAY)
    assert page.locator("#session-" + seat.code).inner_text().count("座位已确认") == 1
    assert_accessible(page)
