"""Booths: assigned once, within the approved area unless a reason is given, moved and vacated
with their history, and the exhibitor mailed hall and stand in their language."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from exhibitors import services
from exhibitors.models import Application, Booth, BoothAssignment
from notifications.models import OutboundMessage
from tests.factories.exhibitors import ApplicationFactory, BoothFactory, HallFactory

S = Application.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(db):
    return HallFactory(slug="hall-1", name_en="Hall 1", name_zh_hans="1号馆")


@pytest.fixture
def approved(section, organization):
    return ApplicationFactory(
        organization=organization, section=section, status=S.APPROVED, area_m2=18
    )


def test_assign_marks_the_booth_keeps_history_and_mails_hall_and_stand(
    approved, hall, section, team_member, django_capture_on_commit_callbacks
):
    booth = BoothFactory(hall=hall, section=section, code="A101", width_m=6, depth_m=3)
    with django_capture_on_commit_callbacks(execute=False):
        assignment = services.assign_booth(approved, booth, by=team_member)
    booth.refresh_from_db()
    assert (booth.status, booth.application) == (Booth.Status.ASSIGNED, approved)
    assert (assignment.assigned_by, assignment.ended_at) == (team_member, None)
    mail = OutboundMessage.objects.get(template_key="exhibitors/booth_assigned")
    # Wang Fang reads Chinese.
    assert mail.to_email == "wang.fang@example.org"
    assert mail.subject == "您的展位：1号馆A101号展位"
    assert "展馆：中关村展示中心1号馆" in mail.body_text
    assert "展位号：A101" in mail.body_text and "标准展位，6米 × 3米" in mail.body_text
    assert "/zh-hans/exhibitors/halls/hall-1/" in mail.body_text
    # The same assignment never mails twice (idempotency key).
    services._mail_booth(approved, assignment, "assigned")
    assert OutboundMessage.objects.filter(template_key="exhibitors/booth_assigned").count() == 1


def test_a_booth_is_never_assigned_twice(approved, hall, section, team_member, other_organization):
    booth = BoothFactory(hall=hall, section=section)
    services.assign_booth(approved, booth, by=team_member)
    other = ApplicationFactory(organization=other_organization, section=section, status=S.APPROVED)
    with pytest.raises(services.BoothError, match="is assigned: choose a free booth"):
        services.assign_booth(other, booth, by=team_member)
    with pytest.raises(services.BoothError, match="already assigned to"):
        services.assign_booth(approved, booth, by=team_member)
    # The database refuses a second open tenancy even past the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        BoothAssignment.objects.create(booth=booth, application=other)


def test_area_beyond_the_approved_one_needs_a_reason(approved, hall, section, team_member):
    first = BoothFactory(hall=hall, section=section, width_m=3, depth_m=3)
    second = BoothFactory(hall=hall, section=section, width_m=6, depth_m=3)
    services.assign_booth(approved, first, by=team_member)  # 9 of 18 m²
    with pytest.raises(services.BoothError, match="27 m², more than the 18 m² approved"):
        services.assign_booth(approved, second, by=team_member)
    assert Booth.objects.get(pk=second.pk).status == Booth.Status.AVAILABLE
    assignment = services.assign_booth(
        approved, second, by=team_member, override_reason="Sponsor upgrade"
    )
    assert assignment.reason == "Sponsor upgrade"
    assert services.assigned_area(approved) == 27


def test_only_approved_applications_in_the_booths_section(
    approved, hall, section, team_member, other_organization
):
    from tests.factories.exhibitors import SectionFactory

    elsewhere = BoothFactory(hall=hall, section=SectionFactory())
    with pytest.raises(services.BoothError, match="lies in another section"):
        services.assign_booth(approved, elsewhere, by=team_member)
    submitted = ApplicationFactory(
        organization=other_organization, section=section, status=S.SUBMITTED
    )
    with pytest.raises(services.BoothError, match="Only an approved application"):
        services.assign_booth(submitted, BoothFactory(hall=hall, section=section), by=team_member)
    blocked = BoothFactory(hall=hall, section=section, status=Booth.Status.BLOCKED)
    with pytest.raises(services.BoothError, match="is blocked"):
        services.assign_booth(approved, blocked, by=team_member)


def test_move_and_vacate_keep_the_history(approved, hall, section, team_member):
    first = BoothFactory(hall=hall, section=section, code="A1")
    second = BoothFactory(hall=hall, section=section, code="A2")
    services.assign_booth(approved, first, by=team_member)
    services.move_booth(approved, first, second, by=team_member, reason="Nearer the stage")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Booth.Status.AVAILABLE and first.application is None
    assert second.application == approved
    services.vacate_booth(second, by=team_member, reason="Cancelled")
    history = list(
        BoothAssignment.objects.filter(application=approved).values_list(
            "booth__code", "moved_from__code", "ended", "end_reason"
        )
    )
    assert history == [
        ("A1", None, "moved", "Nearer the stage"),
        ("A2", "A1", "vacated", "Cancelled"),
    ]
    with pytest.raises(services.BoothError, match="is not assigned"):
        services.vacate_booth(second, by=team_member)


def test_free_booths_fit_what_is_left(approved, hall, section, team_member):
    small = BoothFactory(hall=hall, section=section, code="S1")
    BoothFactory(hall=hall, section=section, code="BIG", width_m=6, depth_m=6)
    BoothFactory(hall=hall, section=section, code="HELD", status=Booth.Status.HELD)
    assert [b.code for b in services.free_booths_for(approved)] == ["S1"]
    services.assign_booth(approved, small, by=team_member)
    assert [b.code for b in services.free_booths_for(approved)] == []


def test_booth_areas_fit_the_section(hall, section):
    section.capacity_m2 = 20
    section.save()
    BoothFactory(hall=hall, section=section, width_m=3, depth_m=3)
    booth = Booth(hall=hall, section=section, code="X", width_m=4, depth_m=3, x_m=0, y_m=0)
    with pytest.raises(ValidationError, match="would cover 21 m², more than its floor area of 20"):
        booth.full_clean()


def test_the_portal_shows_logo_hall_and_stand(client, approved, hall, section, team_member):
    from django.core.files.base import ContentFile

    organization = approved.organization
    organization.logo.save("logo.png", ContentFile(png()), save=True)
    booth = BoothFactory(hall=hall, section=section, code="P7")
    services.assign_booth(approved, booth, by=team_member)
    client.force_login(organization.main_contact)
    html = client.get(organization.urls.portal).content.decode()
    assert f'src="{organization.logo.url}"' in html
    assert "Hall 1, stand P7" in html and "#stand-hall-1-P7" in html


def png() -> bytes:
    import io

    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (8, 8), "#1d5fa8").save(data, "PNG")
    return data.getvalue()


def test_the_approval_mail_lists_next_steps_and_deadlines(section, organization, organizer):
    from datetime import date

    section.documents_due_on = date(2021, 9, 10)
    section.staff_due_on = date(2021, 9, 17)
    section.save()
    application = ApplicationFactory(organization=organization, section=section, status=S.SUBMITTED)
    services.approve_application(application, by=organizer)
    mail = OutboundMessage.objects.get(template_key="exhibitors/application_status")
    assert "下一步" in mail.body_text
    assert "2021年9月10日" in mail.body_text and "2021年9月17日" in mail.body_text


@pytest.mark.parametrize("how", ["reject", "withdraw"])
def test_an_application_leaving_approval_frees_its_booths(approved, hall, section, organizer, how):
    booth = BoothFactory(hall=hall, section=section)
    services.assign_booth(approved, booth, by=organizer)
    if how == "reject":
        services.reject_application(approved, by=organizer, reason="Unpaid")
    else:
        services.withdraw_for_exhibitor(approved, by=organizer, reason="Asked")
    booth.refresh_from_db()
    assert (booth.status, booth.application) == (Booth.Status.AVAILABLE, None)
    assignment = BoothAssignment.objects.get(booth=booth)
    assert (assignment.ended, assignment.ended_by) == ("vacated", organizer)
