"""Lead capture at the booth: consent decides what staff see, each organization sees its own."""

import csv
import io
import itertools
import threading

import pytest
from django.db import connection
from django.urls import reverse

from delegates import services as delegate_services
from delegates.badges import token_for
from delegates.models import Badge, WrongCode
from leads import services
from leads.exports import safe_cell
from leads.models import ConsentWithdrawal, Lead
from tests.factories.accounts import UserFactory
from tests.factories.exhibitors import OrganizationFactory
from tests.leads.conftest import badge_of, exhibitor_with_booth, staff_of
from tests.queries import assert_queries_do_not_grow
from tests.services import require_postgres

pytestmark = pytest.mark.django_db

LEADS_PAGE_QUERIES = 8  # session, user, membership, booth check, leads (one join), messages…
STATISTICS_QUERIES = 6


def scan(client, organization, text):
    return client.post(reverse("leads:scan", args=[organization.code]), {"token": text})


def export(client, organization, fmt="csv"):
    response = client.get(reverse("leads:export", args=[organization.code, fmt]))
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


def test_the_lead_table_holds_no_personal_column():
    columns = {f.column for f in Lead._meta.concrete_fields}
    assert columns == {
        "id",
        "organization_id",
        "badge_id",
        "scanned_at",
        "scanned_by_id",
        "rating",
        "notes",
        "tags",
        "updated_at",
    }
    with connection.cursor() as cursor:
        described = {
            c.name for c in connection.introspection.get_table_description(cursor, "leads_lead")
        }
    assert described == columns
    assert not {"name", "email", "title", "country", "organization_name"} & described


def test_a_typed_code_captures_a_consenting_person(client, exhibitor, booth_staff):
    badge = badge_of("Consenting Visitor", title="Chief Engineer", user__email="cv@example.org")
    client.force_login(booth_staff)
    response = scan(client, exhibitor, badge.printed_code.lower())
    lead = Lead.objects.get()
    assert response["Location"] == reverse("leads:lead", args=[exhibitor.code, lead.pk])
    page = client.get(response["Location"]).content.decode()
    assert "New lead captured." in page
    assert "Consenting Visitor" in page and "Chief Engineer" in page and "cv@example.org" in page
    response = client.post(
        response["Location"], {"rating": "hot", "notes": "Wants 200 units", "tags": "distributor"}
    )
    assert response.status_code == 302
    page = client.get(reverse("leads:scan", args=[exhibitor.code])).content.decode()
    assert "Consenting Visitor" in page and "hot" in page and "distributor" in page
    rows = export(client, exhibitor)
    assert rows[1][2:6] == ["hot", "distributor", "Wants 200 units", "yes"]
    assert "Consenting Visitor" in rows[1] and "cv@example.org" in rows[1]
    xlsx = export(client, exhibitor, "xlsx")
    assert "cv@example.org" in xlsx[1]


def test_without_consent_nothing_personal_shows(client, exhibitor, booth_staff):
    badge = badge_of("Private Visitor", consent=False, user__email="pv@example.org")
    client.force_login(booth_staff)
    page = client.get(scan(client, exhibitor, token_for(badge))["Location"]).content.decode()
    assert "Contact not shared" in page and "Private Visitor" not in page
    page = client.get(reverse("leads:scan", args=[exhibitor.code])).content.decode()
    assert "contact not shared" in page and "Private Visitor" not in page
    for fmt in ("csv", "xlsx"):
        rows = export(client, exhibitor, fmt)
        flat = " ".join(str(c) for row in rows for c in row)
        assert "Private Visitor" not in flat and "pv@example.org" not in flat
        assert rows[1][5] == "no"


def test_scanning_again_opens_the_same_lead(client, exhibitor, booth_staff):
    badge = badge_of()
    client.force_login(booth_staff)
    first = scan(client, exhibitor, token_for(badge))["Location"]
    colleague = staff_of(exhibitor)
    client.force_login(colleague)
    again = scan(client, exhibitor, badge.printed_code)
    assert again["Location"] == first
    assert "Already captured: here is the lead." in client.get(first).content.decode()
    assert Lead.objects.count() == 1


def test_withdrawn_consent_hides_the_contact_at_once(client, exhibitor, booth_staff):
    badge = badge_of("Changing Mind", user__email="cm@example.org")
    other = exhibitor_with_booth()
    for organization, staff in ((exhibitor, booth_staff), (other, staff_of(other))):
        client.force_login(staff)
        scan(client, organization, token_for(badge))
    registration = badge.registration
    client.force_login(registration.user)
    page = client.get(reverse("delegates:mine")).content.decode()
    assert exhibitor.name in page and other.name in page and "receives your contact" in page
    client.post(reverse("leads:withdraw"), {"organization": exhibitor.pk})
    client.force_login(booth_staff)
    page = client.get(reverse("leads:scan", args=[exhibitor.code])).content.decode()
    assert "Changing Mind" not in page and "contact not shared" in page
    assert "cm@example.org" not in str(export(client, exhibitor))
    client.force_login(staff_of(other))
    assert "Changing Mind" in client.get(reverse("leads:scan", args=[other.code])).content.decode()
    # From all: the other exhibitor too, and the general consent is off.
    client.force_login(registration.user)
    client.post(reverse("leads:withdraw"), {"organization": "all"})
    registration.refresh_from_db()
    assert registration.lead_consent_at is None
    assert ConsentWithdrawal.objects.filter(registration=registration).count() == 2
    client.force_login(staff_of(other))
    assert (
        "Changing Mind" not in client.get(reverse("leads:scan", args=[other.code])).content.decode()
    )


def test_a_delegate_cannot_withdraw_from_an_exhibitor_that_never_scanned(client):
    badge = badge_of()
    stranger = exhibitor_with_booth()
    client.force_login(badge.registration.user)
    response = client.post(reverse("leads:withdraw"), {"organization": stranger.pk}, follow=True)
    assert "This exhibitor has not scanned your badge." in response.content.decode()
    for bad in ("abc", "-1", "9" * 40):
        assert client.post(reverse("leads:withdraw"), {"organization": bad}).status_code == 404


def test_a_second_organization_never_sees_the_first_ones_leads(client, exhibitor, booth_staff):
    """The sweep: every leads address of the first organization, as the second one's staff."""
    badge = badge_of("Seen By First")
    client.force_login(booth_staff)
    scan(client, exhibitor, token_for(badge))
    lead = Lead.objects.get()
    second = exhibitor_with_booth()
    second_staff = staff_of(second)
    client.force_login(second_staff)
    addresses = [
        reverse("leads:scan", args=[exhibitor.code]),
        reverse("leads:lead", args=[exhibitor.code, lead.pk]),
        reverse("leads:export", args=[exhibitor.code, "csv"]),
        reverse("leads:export", args=[exhibitor.code, "xlsx"]),
    ]
    for address in addresses:
        assert client.get(address).status_code == 404, address
    assert (
        client.post(addresses[1], {"rating": "cold", "notes": "x", "tags": ""}).status_code == 404
    )
    # Through its own address, the first one's lead is not there either.
    own = reverse("leads:lead", args=[second.code, lead.pk])
    assert client.get(own).status_code == 404
    page = client.get(reverse("leads:scan", args=[second.code])).content.decode()
    assert "Seen By First" not in page and "No leads yet." in page
    assert len(export(client, second)) == 1  # the header only


def test_a_non_member_scan_is_refused(client, exhibitor):
    badge = badge_of()
    outsider = UserFactory()
    client.force_login(outsider)
    assert scan(client, exhibitor, token_for(badge)).status_code == 404
    with pytest.raises(services.LeadError, match="Only the organization's staff"):
        services.capture_lead(exhibitor, token_for(badge), by=outsider)
    assert not Lead.objects.exists()
    client.logout()
    response = client.get(reverse("leads:scan", args=[exhibitor.code]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_revoked_and_unknown_codes_are_refused(client, exhibitor, booth_staff):
    badge = badge_of()
    delegate_services.revoke_badge(badge, reason=Badge.RevokeReason.LOST)
    client.force_login(booth_staff)
    for text in (badge.printed_code, token_for(badge)):
        page = scan(client, exhibitor, text).content.decode()
        assert "This badge was revoked" in page
    page = scan(client, exhibitor, "ZZZZZ-ZZZZZ").content.decode()
    assert "No badge of the forum has this code." in page
    assert WrongCode.objects.filter(place="leads", scanned_by=booth_staff).count() == 1
    assert not Lead.objects.exists()


def test_a_burst_of_wrong_codes_is_throttled(client, exhibitor, booth_staff):
    badge = badge_of()
    client.force_login(booth_staff)
    page = client.get(reverse("leads:scan", args=[exhibitor.code])).content.decode()
    assert "After 10 wrong codes within 10 minutes" in page
    for i in range(10):
        scan(client, exhibitor, f"YYYYY-YYY{i:02d}")
    page = scan(client, exhibitor, badge.printed_code).content.decode()
    assert "Too many wrong codes" in page
    assert not Lead.objects.exists()


def test_an_organization_without_a_booth_captures_nothing(client):
    organization = OrganizationFactory()
    client.force_login(organization.main_contact)
    page = client.get(reverse("leads:scan", args=[organization.code])).content.decode()
    assert "Once your booth is assigned" in page and 'id="scan-form"' not in page
    page = scan(client, organization, token_for(badge_of())).content.decode()
    assert not Lead.objects.exists()


def test_the_portal_offers_the_leads_tab(client, exhibitor):
    client.force_login(exhibitor.main_contact)
    page = client.get(exhibitor.urls.portal).content.decode()
    assert reverse("leads:scan", args=[exhibitor.code]) in page


def test_bad_input_gets_a_message(client, exhibitor, booth_staff):
    client.force_login(booth_staff)
    assert "This field is required." in scan(client, exhibitor, "").content.decode()
    scan(client, exhibitor, token_for(badge_of()))
    lead = Lead.objects.get()
    url = reverse("leads:lead", args=[exhibitor.code, lead.pk])
    response = client.post(url, {"rating": "scorching", "notes": "", "tags": "x" * 250})
    assert response.status_code == 200
    assert client.get(reverse("leads:export", args=[exhibitor.code, "pdf"])).status_code == 404


def test_cells_are_formula_safe(client, exhibitor, booth_staff):
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("+86 10") == "'+86 10" and safe_cell("plain") == "plain"
    badge = badge_of("=cmd|' /C calc'!A0")
    client.force_login(booth_staff)
    scan(client, exhibitor, token_for(badge))
    services.update_lead(Lead.objects.get(), by=booth_staff, rating="", notes="@SUM(A1)", tags="")
    rows = export(client, exhibitor)
    assert rows[1][4] == "'@SUM(A1)" and "'=cmd|' /C calc'!A0" in rows[1]


def test_leads_page_queries_do_not_grow(client, exhibitor, booth_staff):
    client.force_login(booth_staff)
    people = itertools.count()

    def scanned(n):
        for _i in range(n):
            badge = badge_of(f"Person {next(people)}", consent=bool(_i % 2))
            services.capture_lead(exhibitor, token_for(badge), by=booth_staff)

    pages = assert_queries_do_not_grow(
        lambda: client.get(reverse("leads:scan", args=[exhibitor.code])),
        scanned,
        budget=LEADS_PAGE_QUERIES,
    )
    assert "6 leads" in pages[1].content.decode()


def test_statistics_count_without_personal_data(client, organizer_stats):
    exhibitor = exhibitor_with_booth()
    staff = staff_of(exhibitor)
    services.capture_lead(exhibitor, token_for(badge_of("Secret Name")), by=staff)
    client.force_login(organizer_stats)
    page = client.get(reverse("admin:index")).content.decode()
    assert reverse("leads:statistics") in page
    page = client.get(reverse("leads:statistics")).content.decode()
    assert exhibitor.name in page and "Secret Name" not in page
    assert "1 lead captured in all." in page
    client.force_login(staff)
    assert client.get(reverse("leads:statistics")).status_code == 403


def test_statistics_queries_do_not_grow(client, organizer_stats):
    client.force_login(organizer_stats)
    people = itertools.count()

    def more(n):
        for _i in range(n):
            exhibitor = exhibitor_with_booth()
            staff = staff_of(exhibitor)
            badge = badge_of(f"Visitor {next(people)}")
            services.capture_lead(exhibitor, token_for(badge), by=staff)

    assert_queries_do_not_grow(
        lambda: client.get(reverse("leads:statistics")), more, budget=STATISTICS_QUERIES
    )


@pytest.fixture
def organizer_stats(roles):
    from django.contrib.auth.models import Group

    from tests.factories.accounts import StaffFactory

    user = StaffFactory()
    user.groups.add(Group.objects.get(name="exhibition team"))
    return user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_scanning_one_badge_at_once_make_one_lead():
    require_postgres()
    exhibitor = exhibitor_with_booth()
    staff = [staff_of(exhibitor) for _ in range(8)]
    badge = badge_of("Popular Visitor")
    barrier = threading.Barrier(len(staff))
    results, errors = [], []

    def scan_now(user):
        try:
            barrier.wait()
            results.append(services.capture_lead(exhibitor, badge.printed_code, by=user))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan_now, args=(user,)) for user in staff]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Lead.objects.count() == 1
    assert sum(created for _lead, created in results) == 1
    assert len({lead.pk for lead, _created in results}) == 1
