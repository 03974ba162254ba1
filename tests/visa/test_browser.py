"""In a real browser: a delegate asks for a letter, the visa desk approves it, the delegate
downloads it; every page passes axe."""

import pytest
from django.contrib.auth.models import Group

from tests.browser import assert_accessible
from tests.delegates.test_browser import PASSWORD, log_in
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.delegates import RegistrationFactory
from tests.factories.events import ForumFactory
from visa.models import LetterRequest
from visa.roles import VISA_DESK

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_delegate_asks_desk_approves_delegate_downloads(page, roles):
    ForumFactory()
    user = UserFactory(email="amara@example.org", name="Amara Okafor")
    user.set_password(PASSWORD)
    user.save()
    RegistrationFactory(user=user, status="approved", country="NG", name=user.name)
    desk = StaffFactory(email="visa@zgcforum.example", name="Visa Officer")
    desk.set_password(PASSWORD)
    desk.save()
    desk.groups.add(Group.objects.get(name=VISA_DESK))

    log_in(page, "amara@example.org", "/accounts/login/?next=/delegates/me/")
    with page.expect_navigation():
        page.get_by_role("link", name="Ask for an invitation letter").click()
    assert_accessible(page)
    page.get_by_label("Name exactly as in your passport").fill("OKAFOR Amara")
    page.get_by_label("Nationality (the passport's country)").select_option("NG")
    page.locator("#id_passport_number").fill("A09876543")
    page.locator("#id_date_of_birth").fill("1990-05-02")
    page.get_by_label("Passport valid until").fill("2028-01-01")
    page.get_by_label("Intended date of entry into China").fill("2021-09-23")
    page.get_by_label("Intended date of exit from China").fill("2021-09-29")
    page.get_by_label("Chinese embassy or consulate where you will apply").fill(
        "Embassy of China in Abuja"
    )
    page.get_by_label("I agree that the forum stores").check()
    page.get_by_role("button", name="Ask for the letter").click()
    page.wait_for_selector("#visa-heading")
    assert "The visa desk will review your request" in page.content()
    assert_accessible(page)
    page.context.clear_cookies()

    request = LetterRequest.objects.get()
    log_in(
        page,
        "visa@zgcforum.example",
        f"/accounts/login/?next=/admin/visa/letterrequest/{request.pk}/change/",
    )
    page.wait_for_selector("#visa-review")
    assert "A09876543" in page.content()
    page.get_by_label("Decision").select_option("approve")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_selector(".messagelist")
    assert "The letter is issued" in page.content()
    page.context.clear_cookies()

    log_in(page, "amara@example.org", "/accounts/login/?next=/delegates/me/")
    page.wait_for_selector("#visa-heading")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my invitation letter (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as f:
        assert f.read(5) == b"%PDF-"
    page.goto(f"/zh-hans/visa/verify/{request.reference}/")
    assert "有效" in page.content() and "O. A." in page.content()
    assert_accessible(page)
