import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from PIL import Image

from exhibitors.models import (
    Application,
    Booth,
    ExhibitionSection,
    Hall,
    Membership,
    Organization,
)
from exhibitors.segments import exhibitors_by_section, exhibitors_by_status
from exhibitors.selectors import listed_count
from exhibitors.validators import validate_credit_code

pytestmark = pytest.mark.django_db


def test_demo_has_the_576_exhibitors_of_2021(client):
    call_command("seed_demo", verbosity=0)
    # 576 exhibitors, each published with an approved application: the directory lists them all.
    assert listed_count() == 576
    listed = Organization.objects.filter(is_published=True, has_approved_application=True)
    assert listed.count() == 576
    assert Application.objects.approved().count() == 576
    assert "576 exhibitors" in client.get("/exhibitors/").content.decode()
    # Applicants in review, refused, withdrawn or with a draft come on top of them.
    others = Organization.objects.exclude(pk__in=listed)
    assert 60 <= others.count() <= 120
    # An administrator each; the first 40 exhibitors have a stand staff member too.
    assert Membership.objects.filter(role="admin").count() == Organization.objects.count()
    assert Membership.objects.filter(role="staff").count() == 40
    per_section = dict(
        Application.objects.values_list("section__slug").annotate(n=Count("id")).order_by()
    )
    assert len(per_section) == 5 and sum(per_section.values()) == Organization.objects.count()
    statuses = dict(Application.objects.values_list("status").annotate(n=Count("id")).order_by())
    assert set(statuses) == set(Application.Status.values)
    foreign = Organization.objects.exclude(country="CN")
    assert 30 < foreign.count() < 140
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
    # The floor: halls with plans, a booth of its approved area for every approved exhibitor.
    assert Hall.objects.count() >= 3
    assert not Application.objects.approved().filter(booths=None).exists()
    assert Booth.objects.filter(booth_type="raw").exists()
    for booth in Booth.objects.select_related("hall", "application")[:600]:
        assert booth.x_m + booth.width_m <= booth.hall.width_m
        assert booth.y_m + booth.depth_m <= booth.hall.depth_m
        if booth.application:
            assert booth.area_m2 == booth.application.area_m2
    for section in ExhibitionSection.objects.annotate(m2=Sum("booths__area_m2")):
        assert section.m2 <= section.capacity_m2
    from bench.exhibitor_pages import EXHIBITOR

    html = client.get(EXHIBITOR).content.decode()
    assert "Hall E1, stand" in html and "booth-current" in html


def test_demo_logos_are_sanitised_pngs_one_file_per_initials_and_colour(settings):
    call_command("seed_demo", verbosity=0)
    logos = list(Organization.objects.values_list("logo", flat=True))
    assert all(name.startswith("exhibitors/logos/demo-") for name in logos)
    files = sorted((settings.MEDIA_ROOT / "exhibitors" / "logos").iterdir())
    assert len(files) == len(set(logos)) < len(logos) / 2  # shared by initials and colour
    for path in files[:20]:
        with Image.open(path) as image:
            assert (image.format, image.size) == ("PNG", (240, 240))
            assert not image.info.get("exif") and not image.text  # what the sanitiser writes
    # A Chinese company's logo carries its brand in Chinese: "demo-u667a-6e90-…" is 智源.
    assert any("-u" in name for name in logos)


def test_segments_pick_exhibitors_by_section_and_status(section):
    from tests.factories.exhibitors import ApplicationFactory

    approved = ApplicationFactory(section=section, status=Application.Status.APPROVED)
    waiting = ApplicationFactory(section=section, status=Application.Status.WAITLISTED)
    assert list(exhibitors_by_section(section.slug)) == [approved.organization.main_contact]
    assert list(exhibitors_by_status("waitlisted")) == [waiting.organization.main_contact]
    from notifications.services import segments

    assert {"exhibitors.section", "exhibitors.status"} <= set(segments())
