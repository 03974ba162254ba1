"""Exhibitors in and out of spreadsheets: new organizations registered and profiles updated
through the services, only when the whole sheet passes."""

import csv
import io
import re

import pytest

from exhibitors.models import Membership, Organization
from tests.factories.accounts import UserFactory
from tests.factories.exhibitors import OrganizationFactory, credit_code
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db
BASE = "/admin/exhibitors/organization/"
HEADER = "slug,name_en,name_zh_hans,country,credit_code,registration_number,website,contact\n"


def upload(client, text: str):
    file = io.BytesIO(text.encode())
    file.name = "exhibitors.csv"
    return client.post(f"{BASE}import/", {"resource": "0", "format": "0", "import_file": file})


def confirm(client, html: str):
    fields = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)
        for name in ("import_file_name", "original_file_name", "format")
    }
    return client.post(f"{BASE}process_import/", fields | {"resource": "0"}, follow=True)


def test_new_and_known_exhibitors_are_saved_through_the_services(client, team_member, organization):
    contact = UserFactory(email="ops@robotics.example.pt")
    code = credit_code(900)
    client.force_login(team_member)
    sheet = HEADER + (
        f",Lisbon Robotics,,PT,,PT-514000000,https://robotics.example.pt,{contact.email}\n"
        f"{organization.slug},Renamed Co.,改名公司,CN,{organization.credit_code},,,\n"
        f",Carbon Tech,碳科技,CN,{code},,,Ops@Robotics.example.pt\n"
    )
    html = upload(client, sheet).content.decode()
    assert "Lisbon Robotics" in html and not Organization.objects.filter(name_en="Carbon Tech")
    confirm(client, html)
    robotics = Organization.objects.get(name_en="Lisbon Robotics")
    assert robotics.main_contact == contact and robotics.slug == "lisbon-robotics"
    assert Membership.objects.get(organization=robotics).role == Membership.Role.ADMIN
    organization.refresh_from_db()
    assert organization.name_en == "Renamed Co." and organization.name_zh_hans == "改名公司"
    assert Organization.objects.get(name_en="Carbon Tech").credit_code == code


def test_a_bad_row_imports_nothing(client, team_member, organization):
    client.force_login(team_member)
    sheet = HEADER + (
        ",Good Co.,,PT,,PT-1,,nobody@example.org\n"
        ",No Contact Co.,,PT,,PT-2,,\n"
        ",Mainland Co.,,CN,,,,wang.fang@example.org\n"
        "no-such-exhibitor,Ghost,,PT,,PT-3,,\n"
    )
    html = upload(client, sheet).content.decode()
    assert "Row 1 · contact: No user with the email address “nobody@example.org”." in html
    assert "Row 2 · contact: A new exhibitor needs a contact" in html
    assert "Row 3: Organizations registered in mainland China give their unified social" in html
    assert "Row 4 · slug: No exhibitor with the slug “no-such-exhibitor”." in html
    assert 'name="import_file_name"' not in html
    assert Organization.objects.count() == 1


# login (session, user, groups), the country filter's choices, the count, the organizations
# with their main contact.
ORGANIZATION_EXPORT_QUERIES = 6


def test_export_queries_and_round_trip(client, team_member):
    client.force_login(team_member)

    def export():
        response = client.post(f"{BASE}export/", {"resource": "0", "format": "0"})
        assert response.status_code == 200
        return response.content.decode()

    first, second = assert_queries_do_not_grow(
        export, lambda n: OrganizationFactory.create_batch(n), budget=ORGANIZATION_EXPORT_QUERIES
    )
    rows = list(csv.DictReader(io.StringIO(second)))
    assert len(rows) == 6 and all(row["contact"] for row in rows)
    html = upload(client, second).content.decode()
    assert 'name="import_file_name"' in html  # an export imports back
