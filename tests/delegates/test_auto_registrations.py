"""Speakers and exhibitor staff become approved registrations, so they get badges."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from delegates.models import Registration
from exhibitors.models import Application, Membership
from tests.delegates.conftest import pdf_text
from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory, RegistrationFactory
from tests.factories.events import SpeakerFactory
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories():
    return (
        CategoryFactory(slug="speaker", name_en="Speaker", name_zh_hans="演讲嘉宾"),
        CategoryFactory(slug="exhibitor-staff", name_en="Exhibitor staff", name_zh_hans="展商"),
    )


def test_speakers_with_an_email_get_a_registration_once(client, categories):
    speaker = SpeakerFactory(
        name="Maria Rossi", name_zh="玛丽亚", email="maria.rossi@example.org", country="IT"
    )
    SpeakerFactory(email="")  # no address: nobody to give the badge to
    existing = UserFactory(email="already@example.org")
    RegistrationFactory(user=existing, status="pending")
    SpeakerFactory(email="Already@example.org")

    call_command("register_speakers_and_staff", stdout=io.StringIO())
    call_command("register_speakers_and_staff", stdout=io.StringIO())  # idempotent

    registration = Registration.objects.get(user__email="maria.rossi@example.org")
    assert registration.category == categories[0]
    assert registration.status == "approved"
    assert (registration.name, registration.name_zh, registration.country.code) == (
        speaker.name,
        "玛丽亚",
        "IT",
    )
    assert registration.organization == "Tsinghua University"
    assert Registration.objects.count() == 2  # the pending person keeps their own
    client.force_login(registration.user)
    assert "玛丽亚" in pdf_text(client.get(reverse("delegates:badge")).content)


def test_exhibitor_staff_within_the_booth_allowance(categories, settings):
    settings.EXHIBITOR_STAFF_MINIMUM = 2
    organization = OrganizationFactory()
    for _i in range(4):
        Membership.objects.create(organization=organization, user=UserFactory())
    ApplicationFactory(organization=organization, status=Application.Status.APPROVED, area_m2=27)
    # Not approved: no staff badges.
    ApplicationFactory(status=Application.Status.SUBMITTED)

    from delegates import services

    assert services.register_exhibitor_staff() == 3  # 27 m² = three 9 m² units
    assert services.register_exhibitor_staff() == 0
    staff = Registration.objects.filter(category=categories[1])
    assert staff.count() == 3
    assert set(staff.values_list("status", flat=True)) == {"approved"}
    # The administrator (main contact) comes first.
    assert staff.filter(user=organization.main_contact).exists()
    assert User.objects.count() == 6  # nobody invented
