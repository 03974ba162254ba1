import pytest
from django.core.management import call_command
from django.db.models import Count, Sum

from exhibitors.models import Application, ExhibitionSection, Membership, Organization
from exhibitors.segments import exhibitors_by_section, exhibitors_by_status
from exhibitors.validators import validate_credit_code

pytestmark = pytest.mark.django_db


def test_demo_has_the_576_exhibitors_of_2021(client):
    call_command("seed_demo", verbosity=0)
    assert Organization.objects.count() == 576
    assert Membership.objects.count() == 576
    per_section = dict(
        Application.objects.values_list("section__slug").annotate(n=Count("id")).order_by()
    )
    assert len(per_section) == 5 and sum(per_section.values()) == 576
    statuses = dict(Application.objects.values_list("status").annotate(n=Count("id")).order_by())
    assert set(statuses) == set(Application.Status.values)
    assert statuses[Application.Status.APPROVED] > 0.8 * 576
    foreign = Organization.objects.exclude(country="CN")
    assert 30 < foreign.count() < 120
    assert not foreign.exclude(credit_code="").exists()
    for code in Organization.objects.filter(country="CN").values_list("credit_code", flat=True):
        validate_credit_code(code)
    for section in ExhibitionSection.objects.all():
        taken = section.applications.approved().aggregate(m2=Sum("area_m2"))["m2"]
        assert taken <= section.capacity_m2
    assert all(a.events.exists() for a in Application.objects.all()[:50]), (
        "each application has its history"
    )
    assert Organization.objects.filter(name_zh_hans__endswith="有限公司").count() > 300
    # The directory counts the published organizations with an approved booth.
    approved = Application.objects.approved().values("organization")
    listed = Organization.objects.filter(is_published=True, pk__in=approved).count()
    assert listed > 0.8 * 576
    assert f"{listed} exhibitors" in client.get("/exhibitors/").content.decode()


def test_segments_pick_exhibitors_by_section_and_status(section):
    from tests.factories.exhibitors import ApplicationFactory

    approved = ApplicationFactory(section=section, status=Application.Status.APPROVED)
    waiting = ApplicationFactory(section=section, status=Application.Status.WAITLISTED)
    assert list(exhibitors_by_section(section.slug)) == [approved.organization.main_contact]
    assert list(exhibitors_by_status("waitlisted")) == [waiting.organization.main_contact]
    from notifications.services import segments

    assert {"exhibitors.section", "exhibitors.status"} <= set(segments())
