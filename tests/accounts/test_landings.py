"""After login each user lands where their work is; a ``next`` the login was given still wins."""

import pytest
from django.urls import reverse

from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.exhibitors import OrganizationFactory

PASSWORD = "a-long-demo-password"


def log_in(client, user, **params):
    url = reverse("accounts:login")
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    response = client.post(url, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.django_db
def test_organizers_land_in_the_admin(client):
    assert log_in(client, StaffFactory()) == reverse("admin:index")


@pytest.mark.django_db
def test_exhibitors_land_in_their_portal(client):
    contact = OrganizationFactory().main_contact
    assert log_in(client, contact) == reverse("exhibitors:portal")


@pytest.mark.django_db
def test_others_land_on_their_profile_and_next_wins(client):
    assert log_in(client, UserFactory()) == reverse("accounts:profile")
    client.logout()
    assert log_in(client, StaffFactory(), next="/schedule/") == "/schedule/"


@pytest.mark.django_db
def test_chinese_login_lands_on_the_chinese_page(client):
    response = client.post(
        "/zh-hans/accounts/login/", {"username": StaffFactory().email, "password": PASSWORD}
    )
    assert response["Location"] == "/zh-hans/admin/"
