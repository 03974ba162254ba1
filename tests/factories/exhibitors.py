from datetime import timedelta

import factory
from django.utils import timezone

from exhibitors import services
from exhibitors.models import (
    Application,
    Booth,
    ExhibitionSection,
    Hall,
    Membership,
    Organization,
)
from exhibitors.validators import credit_code_check_character
from tests.factories.accounts import UserFactory


def credit_code(n: int) -> str:
    """A valid unified social credit code: enterprise, Beijing Haidian, serial n."""
    first17 = f"91110108{n:09d}"
    return first17 + credit_code_check_character(first17)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExhibitionSection
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"section-{n}")
    name_en = factory.Sequence(lambda n: f"Section {n}")
    name_zh_hans = factory.Sequence(lambda n: f"展区{n}")
    capacity_m2 = 1000
    position = factory.Sequence(lambda n: n)
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    applications_close_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"organization-{n}")
    name_en = factory.Sequence(lambda n: f"Zhongguancun Example {n} Technology Co., Ltd.")
    name_zh_hans = factory.Sequence(lambda n: f"中关村示例{n}科技有限公司")
    country = "CN"
    credit_code = factory.Sequence(credit_code)
    description_en = "Intelligent sensors."
    description_zh_hans = "智能传感器。"
    main_contact = factory.SubFactory(UserFactory)

    @factory.post_generation
    def admin_membership(obj, create, extracted, **kwargs):
        if create:
            Membership.objects.get_or_create(
                organization=obj, user=obj.main_contact, defaults={"role": Membership.Role.ADMIN}
            )


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    section = factory.SubFactory(SectionFactory)
    applicant = factory.SelfAttribute("organization.main_contact")
    status = Application.Status.DRAFT
    booth_type = Application.BoothType.STANDARD
    area_m2 = 18
    exhibit_field = Application.Field.AI
    exhibits = "A service robot for the Winter Olympics village."
    declares_accuracy = True
    accepts_rules = True
    declares_safety = True
    submitted_at = factory.LazyAttribute(
        lambda o: None if o.status == Application.Status.DRAFT else timezone.now()
    )

    @factory.post_generation
    def listing(obj, create, extracted, **kwargs):
        # Made with its status, not through review: set the directory's flag as review does.
        if create:
            services.refresh_listing(obj.organization_id)


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"hall-{n}")
    name_en = factory.Sequence(lambda n: f"Hall {n}")
    name_zh_hans = factory.Sequence(lambda n: f"{n}号馆")
    building_en = "Zhongguancun Exhibition Center"
    building_zh_hans = "中关村展示中心"
    floor = 1
    width_m = 120
    depth_m = 80
    position = factory.Sequence(lambda n: n)


class BoothFactory(factory.django.DjangoModelFactory):
    """A free 3 × 3 m standard shell booth, placed in rows of twenty along the hall."""

    class Meta:
        model = Booth

    hall = factory.SubFactory(HallFactory)
    section = factory.SubFactory(SectionFactory)
    code = factory.Sequence(lambda n: f"A{n:03d}")
    booth_type = Booth.Type.STANDARD
    width_m = 3
    depth_m = 3
    x_m = factory.Sequence(lambda n: 2 + (n % 20) * 3)
    y_m = factory.Sequence(lambda n: 2 + (n // 20 % 20) * 4)
