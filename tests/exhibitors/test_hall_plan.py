"""The hall plan: SVG drawn on the server from booth rows, links with accessible names, no style
(CSP); the exhibitor page and the directory show hall and stand. Query counts do not grow."""

import re
import xml.etree.ElementTree as ET

import pytest

from exhibitors import services
from exhibitors.models import Application, Booth, Organization
from tests.factories.accounts import StaffFactory
from tests.factories.exhibitors import (
    ApplicationFactory,
    BoothFactory,
    HallFactory,
    OrganizationFactory,
)
from tests.queries import assert_queries_do_not_grow

S = Application.Status
SVG = "{http://www.w3.org/2000/svg}"
pytestmark = pytest.mark.django_db

HALL_QUERIES = 2  # the hall, its booths with sections and exhibitors
# organization, approved applications with sections, the booths of its halls
ORGANIZATION_QUERIES = 4  # … and its exhibits
# sections, halls, countries (filter), count, page, approved sections and stands of the page
DIRECTORY_QUERIES = 6


@pytest.fixture
def hall(db):
    return HallFactory(slug="hall-1", name_en="Hall 1", name_zh_hans="1号馆")


def exhibitor_with_booth(section, hall, **booth):
    application = ApplicationFactory(
        section=section, status=S.APPROVED, area_m2=9, organization=OrganizationFactory()
    )
    booth = BoothFactory(hall=hall, section=section, **booth)
    services.assign_booth(application, booth, by=StaffFactory())
    return application.organization, booth


def svg_of(html: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg .*?</svg>", html, re.S).group(0))


def test_a_booth_added_appears_as_a_link_with_its_code_and_name(client, section, hall):
    organization, booth = exhibitor_with_booth(section, hall, code="B205")
    BoothFactory(hall=hall, section=section, code="B206")  # free: drawn, not a link
    html = client.get(hall.urls.public).content.decode()
    svg = svg_of(html)
    links = svg.findall(f".//{SVG}a")
    assert len(links) == 1
    link = links[0]
    assert link.get("href") == organization.urls.public
    name = f"Stand B205: {organization.name}"
    assert link.get("aria-label") == name
    assert link.find(f"{SVG}title").text == name
    assert link.find(f"{SVG}text").text == "B205"
    assert "plan-c" in link.get("class")
    assert "B206" in [t.text for t in svg.iter(f"{SVG}text")]
    # No inline style anywhere on the page's plan (CSP): classes only.
    assert all("style" not in element.attrib for element in svg.iter())
    assert svg.find(f".//{SVG}style") is None and "<style" not in html
    # A legend and the booths as text.
    assert 'class="list-inline plan-legend' in html and "Carbon neutrality" in html
    assert '<table class="table table-sm booth-list">' in html


def test_the_exhibitor_page_shows_hall_and_stand_and_highlights_the_booth(client, section, hall):
    organization, booth = exhibitor_with_booth(section, hall, code="C301")
    neighbour, _booth = exhibitor_with_booth(section, hall, code="C302")
    html = client.get(organization.urls.public).content.decode()
    assert "Hall 1, stand C301" in html
    assert f'href="{hall.urls.public}#stand-hall-1-C301"' in html
    current = [a for a in svg_of(html).iter(f"{SVG}a") if "booth-current" in a.get("class")]
    assert [a.find(f"{SVG}text").text for a in current] == ["C301"]


def test_the_directory_card_shows_the_stand_and_filters_by_hall(client, section, hall):
    organization, _booth = exhibitor_with_booth(section, hall, code="D101")
    elsewhere, _other = exhibitor_with_booth(section, HallFactory(slug="hall-2"), code="E1")
    html = client.get("/exhibitors/?hall=hall-1").content.decode()
    assert "Hall 1, stand D101" in html and organization.name in html
    assert elsewhere.name not in html
    assert f'<a class="me-3" href="{hall.urls.public}">Hall 1</a>' in html  # the plans, linked


def test_an_unknown_hall_is_a_404(client):
    assert client.get("/exhibitors/halls/nowhere/").status_code == 404


def test_hall_page_query_count_does_not_grow(client, section, hall):
    def booths(n):
        for _ in range(n):
            exhibitor_with_booth(section, hall)
            BoothFactory(hall=hall, section=section)

    first, second = assert_queries_do_not_grow(
        lambda: client.get(hall.urls.public).content.decode(),
        booths,
        budget=HALL_QUERIES,
        n=3,
    )
    assert [len(svg_of(html).findall(f".//{SVG}a")) for html in (first, second)] == [3, 9]


def test_exhibitor_page_query_count_does_not_grow(client, section, hall):
    organization, _booth = exhibitor_with_booth(section, hall)

    def neighbours(n):
        for _ in range(n):
            exhibitor_with_booth(section, hall)

    first, second = assert_queries_do_not_grow(
        lambda: client.get(organization.urls.public).content.decode(),
        neighbours,
        budget=ORGANIZATION_QUERIES,
        n=3,
    )
    assert [len(svg_of(html).findall(f".//{SVG}a")) for html in (first, second)] == [4, 10]


def test_directory_with_stands_query_count_does_not_grow(client, section, hall):
    first, second = assert_queries_do_not_grow(
        lambda: client.get("/exhibitors/?hall=hall-1").content.decode(),
        lambda n: [exhibitor_with_booth(section, hall) for _ in range(n)],
        budget=DIRECTORY_QUERIES,
        n=4,
    )
    assert [html.count('class="mt-1 mb-0 exhibitor-stand"') for html in (first, second)] == [4, 12]


def test_booth_status_classes_tell_free_from_taken(client, section, hall):
    BoothFactory(hall=hall, section=section, code="F1", status=Booth.Status.BLOCKED)
    svg = svg_of(client.get(hall.urls.public).content.decode())
    assert "booth-blocked" in svg.find(f"{SVG}g").get("class")


# session, user, organizations, their applications with sections, the booths with halls
PORTAL_HOME_QUERIES = 5


def test_the_portal_home_shows_each_organizations_applications_and_stands(client, section, hall):
    from exhibitors.models import Membership

    organization, booth = exhibitor_with_booth(section, hall, code="C12")
    user = organization.main_contact
    second = OrganizationFactory()
    Membership.objects.create(organization=second, user=user)
    client.force_login(user)
    page = re.sub(r"\s+", " ", client.get("/exhibitors/portal/").content.decode())
    assert f"{section.name} · Approved · " in page
    assert f'href="{hall.urls.public}#stand-hall-1-C12">Hall 1, stand C12</a>' in page
    assert "No application yet." in page  # the second organization
    chinese = client.get("/zh-hans/exhibitors/portal/").content.decode()
    assert "1号馆C12号展位" in chinese


def test_portal_home_query_count_does_not_grow(client, section, hall):
    from exhibitors.models import Membership

    user = StaffFactory(is_staff=False)
    client.force_login(user)

    def organizations_with_stands(n):
        for _ in range(n):
            organization, _booth = exhibitor_with_booth(section, hall)
            Membership.objects.create(organization=organization, user=user)

    first, second = assert_queries_do_not_grow(
        lambda: client.get("/exhibitors/portal/"),
        organizations_with_stands,
        budget=PORTAL_HOME_QUERIES,
    )
    assert [r.content.decode().count("portal-home-application") for r in (first, second)] == [
        2,
        6,
    ]


def test_the_plan_names_exhibitors_and_halls_in_the_readers_language(client, section, hall):
    """The plan reads plain rows (no model instances): each name in the page's language, the
    other language's when it has none, as the models' own fallback; a free or unlisted booth
    says its status."""
    bilingual, _b = exhibitor_with_booth(section, hall, code="A1")
    Organization.objects.filter(pk=bilingual.pk).update(
        name_en="Bilingual Labs", name_zh_hans="双语实验室"
    )
    english_only, _b = exhibitor_with_booth(section, hall, code="A2")
    Organization.objects.filter(pk=english_only.pk).update(
        name_en="Only English Ltd", name_zh_hans=""
    )
    hidden, _b = exhibitor_with_booth(section, hall, code="A3")
    Organization.objects.filter(pk=hidden.pk).update(is_published=False)
    BoothFactory(hall=hall, section=section, code="A4", status=Booth.Status.BLOCKED)

    def labels(prefix):
        html = client.get(prefix + hall.urls.public).content.decode()
        svg = svg_of(html)
        shapes = [*svg.iter(f"{SVG}a"), *svg.iter(f"{SVG}g")]
        return html, sorted(shape.find(f"{SVG}title").text for shape in shapes)

    html, english = labels("")
    assert english == [
        "Stand A1: Bilingual Labs",
        "Stand A2: Only English Ltd",
        f"Stand A3: {Booth.Status.ASSIGNED.label}",
        f"Stand A4: {Booth.Status.BLOCKED.label}",
    ]
    assert '<h1 class="h2">Hall 1</h1>' in html
    html, chinese = labels("/zh-hans")
    assert chinese[:2] == ["A1号展位：双语实验室", "A2号展位：Only English Ltd"]
    assert '<h1 class="h2">1号馆</h1>' in html
