import pytest
from django.contrib.auth.models import Group

from exhibitors.roles import EXHIBITION_TEAM
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.exhibitors import OrganizationFactory, SectionFactory


@pytest.fixture
def section(db):
    """A section whose application window is open now (the demo windows are in 2021)."""
    return SectionFactory(
        slug="carbon-neutrality", name_en="Carbon neutrality", name_zh_hans="碳中和"
    )


@pytest.fixture
def organizer(db):
    return StaffFactory(email="organizer@example.org", is_superuser=True, name="Organizer")


@pytest.fixture
def team_member(roles):
    user = StaffFactory(email="team@example.org", name="Exhibition Team")
    user.groups.add(Group.objects.get(name=EXHIBITION_TEAM))
    return user


@pytest.fixture
def organization(db):
    contact = UserFactory(email="wang.fang@example.org", name="Wang Fang", language="zh-hans")
    return OrganizationFactory(main_contact=contact)


@pytest.fixture
def other_organization(db):
    contact = UserFactory(email="emily.miller@example.org", name="Emily Miller", language="en")
    return OrganizationFactory(main_contact=contact)
