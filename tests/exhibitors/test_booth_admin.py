"""The exhibition team in the admin: booths imported from a sheet (checked, shown, saved only
when confirmed), the occupancy exported, a booth assigned from the application's page."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import Workbook

from exhibitors.models import Application, Booth
from notifications.models import OutboundMessage
from tests.factories.exhibitors import ApplicationFactory, BoothFactory, HallFactory

S = Application.Status
pytestmark = pytest.mark.django_db
IMPORT = "/admin/exhibitors/booth/import/"
PROCESS = "/admin/exhibitors/booth/process_import/"
HEADER = "hall,code,section,booth_type,width_m,depth_m,open_sides,x_m,y_m,status\n"


@pytest.fixture
def hall(db):
    return HallFactory(slug="hall-1", name_en="Hall 1", name_zh_hans="1号馆")


def upload(client, content: bytes, name: str, fmt: int):
    file = io.BytesIO(content)
    file.name = name
    return client.post(IMPORT, {"resource": "0", "format": str(fmt), "import_file": file})


def test_a_bad_row_is_shown_and_nothing_is_imported(client, team_member, hall, section):
    client.force_login(team_member)
    sheet = HEADER + (
        "hall-1,A1,carbon-neutrality,standard,3,3,corner,0,0,available\n"
        "hall-9,A2,carbon-neutrality,standard,3,3,inline,3,0,available\n"
        "hall-1,A3,carbon-neutrality,standard,-3,3,inline,6,0,\n"
    )
    response = upload(client, sheet.encode(), "booths.csv", 0)
    html = response.content.decode()
    assert response.status_code == 200
    assert "No hall with the slug “hall-9”." in html
    assert "A booth is wider and deeper than 0 m" in html
    assert Booth.objects.count() == 0
    assert 'name="import_file_name"' not in html  # no confirm button while a row is wrong


def test_a_good_sheet_is_previewed_then_imported_on_confirm(client, team_member, hall, section):
    client.force_login(team_member)
    book = Workbook()
    rows = (
        [HEADER.strip().split(",")]
        + [
            ["hall-1", f"B{i}", "carbon-neutrality", "standard", 3, 3, "inline", 3 * i, 0, ""]
            for i in range(3)
        ]
        + [["hall-1", "R1", "carbon-neutrality", "raw", 6, 6, "island", 20, 10, "held"]]
    )
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    response = upload(client, data.getvalue(), "booths.xlsx", 1)
    html = response.content.decode()
    assert response.status_code == 200 and "R1" in html
    assert Booth.objects.count() == 0  # a preview only
    confirm = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)
        for name in ("import_file_name", "original_file_name", "format", "resource")
    }
    response = client.post(PROCESS, confirm)
    assert response.status_code == 302
    assert sorted(Booth.objects.values_list("code", "status")) == [
        ("B0", "available"),
        ("B1", "available"),
        ("B2", "available"),
        ("R1", "held"),
    ]


def test_a_section_over_its_floor_area_is_a_row_error(client, team_member, hall, section):
    section.capacity_m2 = 10
    section.save()
    client.force_login(team_member)
    sheet = HEADER + "hall-1,A1,carbon-neutrality,standard,4,3,inline,0,0,\n"
    html = upload(client, sheet.encode(), "booths.csv", 0).content.decode()
    assert "would cover 12 m², more than its floor area of 10 m²" in html
    assert Booth.objects.count() == 0


def test_occupancy_export_lists_who_stands_where(client, team_member, hall, section, organization):
    from exhibitors import services

    application = ApplicationFactory(organization=organization, section=section, status=S.APPROVED)
    booth = BoothFactory(hall=hall, section=section, code="C1")
    services.assign_booth(application, booth, by=team_member)
    client.force_login(team_member)
    response = client.post(
        "/admin/exhibitors/booth/export/",
        {"resource": "1", "format": "0", "booth_id": [booth.pk]}
        | {
            f"occupancyresource_{f}": "on"
            for f in (
                "hall",
                "code",
                "section",
                "booth_type",
                "area",
                "status",
                "organization",
                "approved",
            )
        },
    )
    text = response.content.decode()
    assert response.status_code == 200, text[:500]
    assert "C1" in text and organization.name in text and "assigned" in text


def test_assign_from_the_application_page(client, team_member, hall, section, organization):
    application = ApplicationFactory(
        organization=organization,
        section=section,
        status=S.APPROVED,
        area_m2=9,
        preference_1="corner",
    )
    fits = BoothFactory(hall=hall, section=section, code="F1")
    large = BoothFactory(hall=hall, section=section, code="L1", width_m=6, depth_m=6)
    client.force_login(team_member)
    page = client.get(reverse("admin:exhibitors_application_change", args=[application.pk]))
    html = page.content.decode()
    assert "corner booth" in html and "left to place: 9 m²" in html
    fitting, larger = html.split("Larger than what is left")
    assert "F1" in fitting and "L1" in larger
    url = reverse("admin:exhibitors_application_assign_booth", args=[application.pk])
    response = client.post(url, {"booth": large.pk}, follow=True)
    assert "more than the 9 m² approved" in response.content.decode()
    response = client.post(url, {"booth": fits.pk}, follow=True)
    assert "is assigned to" in response.content.decode()
    assert Booth.objects.get(pk=fits.pk).application == application
    assert OutboundMessage.objects.filter(template_key="exhibitors/booth_assigned").count() == 1
    for bad in ("abc", "-1", "9" * 40):
        assert client.post(url, {"booth": bad}, follow=True).status_code == 200


@pytest.mark.parametrize("bad", ["abc", "-1", "9" * 40])
def test_hostile_ids_in_the_booth_admin_are_no_500(client, team_member, bad):
    client.force_login(team_member)
    for url in [
        f"/admin/exhibitors/booth/?hall__id__exact={bad}",
        f"/admin/exhibitors/booth/?section__id__exact={bad}",
        f"/admin/exhibitors/booth/{bad}/change/",
        f"/admin/exhibitors/hall/{bad}/change/",
    ]:
        assert client.get(url).status_code in (200, 302), url
    form = {"hall": bad, "section": bad, "code": "X1", "width_m": 3, "depth_m": 3, "x_m": 0}
    assert client.post("/admin/exhibitors/booth/add/", form).status_code == 200


def test_vacate_from_the_application_page(client, team_member, hall, section, organization):
    from exhibitors import services

    application = ApplicationFactory(organization=organization, section=section, status=S.APPROVED)
    booth = BoothFactory(hall=hall, section=section, code="V1")
    services.assign_booth(application, booth, by=team_member)
    client.force_login(team_member)
    url = reverse("admin:exhibitors_application_vacate_booth", args=[application.pk])
    response = client.post(url, {"booth": booth.pk, "reason": "Moved to next year"}, follow=True)
    assert "is free again" in response.content.decode()
    assert Booth.objects.get(pk=booth.pk).status == Booth.Status.AVAILABLE
    assert client.get(url).status_code == 404  # POST only


# login (session, user, 2 permission sets), the application, the booth panel (held booths, their
# area, the section, free booths, approved area, booth area), the form (application, status
# changes, organization, section, applicant), the booths' tenancies, and the applicant panel
# (the organization, the section's approved area).
APPLICATION_PAGE_QUERIES = 19
# login (session, user, 2 permission sets), the hall and section filters, count shown and in
# all, the page of booths with hall, section and exhibitor.
BOOTH_LIST_QUERIES = 9


def test_application_page_with_its_booth_panel_queries(client, team_member, hall, section):
    from tests.queries import assert_queries_do_not_grow

    application = ApplicationFactory(section=section, status=S.APPROVED, area_m2=900)
    client.force_login(team_member)
    url = reverse("admin:exhibitors_application_change", args=[application.pk])

    def booths(n):
        from exhibitors import services

        for _ in range(n):
            services.assign_booth(
                application, BoothFactory(hall=hall, section=section), by=team_member
            )
            BoothFactory(hall=hall, section=section)

    first, second = assert_queries_do_not_grow(
        lambda: client.get(url).content.decode(), booths, budget=APPLICATION_PAGE_QUERIES, n=2
    )
    assert first.count("<option value=") < second.count("<option value=")


def test_booth_changelist_queries(client, team_member, hall, section):
    from tests.queries import assert_queries_do_not_grow

    client.force_login(team_member)
    first, second = assert_queries_do_not_grow(
        lambda: client.get("/admin/exhibitors/booth/").content.decode(),
        lambda n: BoothFactory.create_batch(n, hall=hall, section=section),
        budget=BOOTH_LIST_QUERIES,
        n=3,
    )
    assert "3 booths" in first and "9 booths" in second


def test_the_section_list_shows_approved_and_booth_area_apart(client, team_member, hall, section):
    ApplicationFactory(section=section, status=S.APPROVED, area_m2=18)
    ApplicationFactory(section=section, status=S.APPROVED, area_m2=9)
    BoothFactory.create_batch(3, hall=hall, section=section)  # 27 m²
    client.force_login(team_member)
    html = client.get("/admin/exhibitors/exhibitionsection/").content.decode()
    assert '<td class="field-approved_m2">27</td>' in html
    assert '<td class="field-booths_m2">27</td>' in html


def test_the_documented_example_plan_imports(client, team_member, hall, section):
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "booths.csv"
    client.force_login(team_member)
    html = upload(client, example.read_bytes(), "booths.csv", 0).content.decode()
    assert 'name="import_file_name"' in html
