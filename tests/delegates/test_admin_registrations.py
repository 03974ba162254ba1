"""The accreditation desk corrects a registration in the admin through update_registration: the
person's public details only; an anonymised registration is read-only, and a POST to it is
refused with the reason, nothing saved."""

import pytest
from django.urls import reverse
from django.utils import timezone

from delegates import services
from delegates.models import Registration
from tests.factories.accounts import StaffFactory
from tests.factories.delegates import RegistrationFactory

pytestmark = pytest.mark.django_db


def change_url(registration) -> str:
    return reverse("admin:delegates_registration_change", args=[registration.pk])


def details(registration, **changes) -> dict:
    return {
        "name": registration.name,
        "name_zh": registration.name_zh,
        "organization": registration.organization,
        "title": registration.title,
        "country": str(registration.country),
        "category": registration.category_id,  # read-only: ignored if posted
        **changes,
    }


@pytest.fixture
def superuser():
    return StaffFactory(is_superuser=True)


def anonymise(registration) -> Registration:
    services.request_deletion(registration)
    return services.confirm_deletion(registration, by=None)


def test_the_desk_corrects_the_public_details(client, superuser):
    registration = RegistrationFactory(name="Anna Schmidt", status="approved")
    client.force_login(superuser)
    html = client.get(change_url(registration)).content.decode()
    assert 'name="name"' in html
    assert 'name="category"' not in html and 'name="dietary_needs"' not in html

    response = client.post(change_url(registration), details(registration, title="Dr."))

    assert response.status_code == 302, response.content.decode()[:2000]
    registration.refresh_from_db()
    assert (registration.title, registration.status) == ("Dr.", "approved")


def test_an_anonymised_registration_is_read_only(client, superuser):
    registration = anonymise(RegistrationFactory(name="Anna Schmidt"))
    client.force_login(superuser)
    html = client.get(change_url(registration)).content.decode()
    for name in services.EDITABLE_FIELDS:
        assert f'name="{name}"' not in html


def test_editing_an_anonymised_registration_is_refused(client, superuser):
    """The page was opened before the deletion was confirmed, and saved after."""
    registration = RegistrationFactory(name="Anna Schmidt", organization="Tsinghua University")
    client.force_login(superuser)
    assert client.get(change_url(registration)).status_code == 200
    anonymise(registration)

    response = client.post(
        change_url(registration), details(registration, name="Anna Schmidt", title="Dr.")
    )

    assert response.status_code == 200
    assert "This registration has been anonymised." in response.content.decode()
    registration.refresh_from_db()
    assert registration.anonymised_at is not None
    assert registration.name != "Anna Schmidt" and registration.title == ""
    assert registration.organization == "—"
    assert registration.anonymised_at <= timezone.now()
