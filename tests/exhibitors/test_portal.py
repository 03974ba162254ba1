"""The exhibitor's portal after approval: exhibits, stand staff within the allowance."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from delegates.models import Badge, Registration
from exhibitors import services
from exhibitors.models import Application, Exhibit, Invitation, Membership
from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory
from tests.factories.exhibitors import ApplicationFactory
from tests.queries import assert_queries_do_not_grow

S = Application.Status
pytestmark = pytest.mark.django_db

# login (session, user), organization, membership, exhibits
EXHIBITS_QUERIES = 5
# login (session, user), organization, membership (admin), members, invitations, approved areas
STAFF_QUERIES = 7


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def exhibit_data(**overrides) -> dict:
    return {
        "name_zh_hans": "冬奥会服务机器人",
        "name_en": "Winter Olympics service robot",
        "description_zh_hans": "为冬奥村提供无接触配送。",
        "description_en": "Contact-free delivery in the Olympic village.",
        "field": "ai",
        "maturity": "pilot",
        "first_release": "world",
    } | overrides


@pytest.fixture
def approved(organization, section):
    return ApplicationFactory(organization=organization, section=section, status=S.APPROVED)


# --- Exhibits -------------------------------------------------------------------------------


def test_an_exhibit_is_added_shown_on_the_page_and_found_by_the_search(client, approved):
    organization = approved.organization
    organization.has_approved_application = True
    organization.save()
    client.force_login(organization.main_contact)
    upload = SimpleUploadedFile("robot.png", png(), content_type="image/png")
    response = client.post(organization.urls.exhibits, exhibit_data(image=upload))
    assert response.status_code == 302 and response["Location"] == organization.urls.exhibits
    exhibit = Exhibit.objects.get()
    assert exhibit.image.name.startswith("exhibitors/exhibits/")
    assert "robot" not in exhibit.image.name  # renamed, re-encoded
    assert "Winter Olympics service robot" in text(client.get(organization.urls.exhibits))

    client.logout()
    page = text(client.get(organization.urls.public))
    assert "Winter Olympics service robot" in page
    assert "world premiere" in page and "pilot use" in page
    page = text(client.get("/zh-hans/exhibitors/organizations/" + organization.slug + "/"))
    assert "冬奥会服务机器人" in page and "全球首发" in page
    # The directory finds the organization by its exhibit, in either language.
    for query in ("service robot", "服务机器人", "contact-free"):
        assert organization.name_en in text(client.get("/exhibitors/", {"q": query})), query
    assert organization.name_en not in text(client.get("/exhibitors/", {"q": "quantum chip"}))


def test_an_exhibit_is_edited_and_removed(client, approved):
    organization = approved.organization
    member = UserFactory()
    Membership.objects.create(organization=organization, user=member)
    exhibit = services.add_exhibit(organization, by=member, **exhibit_data())
    client.force_login(member)  # a staff member keeps the exhibits too
    response = client.post(exhibit.urls.portal, exhibit_data(name_en="Snow-making robot"))
    assert response.status_code == 302
    exhibit.refresh_from_db()
    assert exhibit.name_en == "Snow-making robot"
    client.post(exhibit.urls.delete)
    assert not Exhibit.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name_zh_hans": "", "name_en": ""}, "Give the exhibit a name in Chinese or in English."),
        ({"maturity": "vapourware"}, "Select a valid choice."),
        (
            {"image": SimpleUploadedFile("robot.svg", b"<svg/>", content_type="image/svg+xml")},
            "PNG or JPEG",
        ),
    ],
)
def test_bad_exhibit_input_gets_a_message(client, approved, data, message):
    client.force_login(approved.organization.main_contact)
    response = client.post(approved.organization.urls.exhibits, exhibit_data(**data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Exhibit.objects.exists()


def test_exhibits_page_queries(client, organization):
    def exhibits(n):
        for i in range(n):
            services.add_exhibit(
                organization, by=organization.main_contact, **exhibit_data(name_en=f"Robot {i}")
            )

    client.force_login(organization.main_contact)
    first, second = assert_queries_do_not_grow(
        lambda: client.get(organization.urls.exhibits).content.decode(),
        exhibits,
        budget=EXHIBITS_QUERIES,
    )
    assert first.count('class="exhibit-row') == 2 and second.count('class="exhibit-row') == 6


# --- Stand staff and the allowance -----------------------------------------------------------


@pytest.mark.parametrize(
    ("booth_type", "area", "allowance"),
    [
        ("standard", 9, 2),
        ("standard", 18, 2),
        ("standard", 36, 4),
        ("standard", 54, 6),
        ("raw", 36, 4),
        ("raw", 54, 6),
    ],
)
def test_the_allowance_rule_and_a_refusal_beyond_it(
    client, organization, section, booth_type, area, allowance
):
    ApplicationFactory(
        organization=organization,
        section=section,
        status=S.APPROVED,
        booth_type=booth_type,
        area_m2=area,
    )
    assert services.staff_allowance_for(area, booth_type) == allowance
    assert services.staff_allowance(organization) == allowance
    client.force_login(organization.main_contact)
    # The main contact is one of them: allowance - 1 invitations fit.
    for i in range(allowance - 1):
        response = client.post(
            organization.urls.staff, {"email": f"staff{i}@example.org", "language": "zh-hans"}
        )
        assert response.status_code == 302, response.content.decode()
    response = client.post(
        organization.urls.staff, {"email": "one.too.many@example.org", "language": "en"}
    )
    assert response.status_code == 200
    assert f"Your allowance is {allowance} people" in text(response)
    assert Invitation.objects.count() == allowance - 1
    # The members page refuses a staff invitation beyond it too.
    response = client.post(
        organization.urls.members,
        {"email": "another@example.org", "role": "staff", "language": "en"},
    )
    assert "Your allowance is" in text(response)


def test_the_team_overrides_the_allowance(organization, approved):
    assert services.staff_allowance(organization) == 2  # 18 m²
    organization.staff_allowance = 5
    organization.save()
    for i in range(4):
        services.invite_staff(
            organization, email=f"s{i}@example.org", language="en", by=organization.main_contact
        )
    with pytest.raises(services.StaffError):
        services.invite_staff(
            organization, email="s5@example.org", language="en", by=organization.main_contact
        )


def test_no_staff_before_an_approved_application(client, organization):
    client.force_login(organization.main_contact)
    response = client.post(organization.urls.staff, {"email": "a@example.org", "language": "en"})
    assert "once an application for floor area is approved" in text(response)


def test_an_accepted_invitation_gives_a_registration_and_a_badge_at_once(
    client, organization, approved, django_capture_on_commit_callbacks
):
    CategoryFactory(slug="exhibitor-staff", name_en="Exhibitor staff", name_zh_hans="展商")
    client.force_login(organization.main_contact)
    client.post(organization.urls.staff, {"email": "li.na@example.org", "language": "zh-hans"})
    invitation = Invitation.objects.get()
    staff = UserFactory(email="li.na@example.org", name="Li Na")
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invitation.urls.accept)
    assert response.status_code == 302
    registration = Registration.objects.get(user=staff)
    assert registration.category.slug == "exhibitor-staff"
    assert registration.status == "approved"
    assert Badge.objects.filter(registration=registration, revoked_at__isnull=True).exists()
    assert Membership.objects.get(user=staff).role == "staff"


def test_staff_page_queries(client, organization, approved):
    organization.staff_allowance = 50
    organization.save()

    def staff(n):
        for _i in range(n):
            Membership.objects.create(organization=organization, user=UserFactory())
            services.invite_staff(
                organization,
                email=UserFactory.build().email,
                language="en",
                by=organization.main_contact,
            )

    client.force_login(organization.main_contact)
    first, second = assert_queries_do_not_grow(
        lambda: client.get(organization.urls.staff).content.decode(), staff, budget=STAFF_QUERIES
    )
    assert "5 of 50 badges used" in text_of(first) and "13 of 50" in text_of(second)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html)
