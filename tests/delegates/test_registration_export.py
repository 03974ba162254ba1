"""Registrations out of the admin, never in: who, from where, in which category and state; no
photo, no dietary or accessibility needs."""

import csv
import io

import pytest
from django.utils import timezone

from tests.factories.delegates import RegistrationFactory
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db
BASE = "/admin/delegates/registration/"


def export(client):
    response = client.post(f"{BASE}export/", {"resource": "0", "format": "0"})
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_export_leaves_out_photos_and_health_data(client, organizer):
    RegistrationFactory(
        user__email="ana@example.org",
        dietary_needs="Halal",
        accessibility_needs="Wheelchair access",
        photo="delegates/photos/ana.jpg",
        sensitive_consent_at=timezone.now(),
    )
    client.force_login(organizer)
    (row,) = export(client)
    assert row["email"] == "ana@example.org" and row["organization"] == "Tsinghua University"
    assert set(row) == {
        "email",
        "name",
        "name_zh",
        "organization",
        "title",
        "country",
        "category",
        "status",
        "created_at",
    }
    assert "Halal" not in str(row) and "Wheelchair" not in str(row) and "ana.jpg" not in str(row)


def test_registrations_are_not_imported(client, organizer):
    client.force_login(organizer)
    # No import page: the URL is read as an object id, and there is no such registration.
    response = client.get(f"{BASE}import/", follow=True)
    assert "Import" not in response.content.decode().split("<title>")[1].split("</title>")[0]


# login (session, user, groups), the list filters' choices (categories, countries), the count,
# the registrations with their account and category.
REGISTRATION_EXPORT_QUERIES = 7


def test_export_queries(client, organizer):
    client.force_login(organizer)
    first, second = assert_queries_do_not_grow(
        lambda: export(client),
        lambda n: RegistrationFactory.create_batch(n),
        budget=REGISTRATION_EXPORT_QUERIES,
    )
    assert len(first) == 2 and len(second) == 6
