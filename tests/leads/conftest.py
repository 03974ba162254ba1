import pytest

from delegates import services as delegate_services
from exhibitors.models import Application, Booth, Membership
from tests.delegates.conftest import approved_registration
from tests.factories.accounts import UserFactory
from tests.factories.exhibitors import ApplicationFactory, BoothFactory


def exhibitor_with_booth(**kwargs):
    """An organization with an approved application holding a booth; its main contact is admin."""
    application = ApplicationFactory(status=Application.Status.APPROVED, **kwargs)
    BoothFactory(section=application.section, status=Booth.Status.ASSIGNED, application=application)
    return application.organization


def staff_of(organization, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(organization=organization, user=user, role=Membership.Role.STAFF)
    return user


def badge_of(name="Visiting Delegate", *, consent=True, **kwargs):
    registration = approved_registration(name=name, **kwargs)
    if consent:
        delegate_services.set_lead_consent(registration, consent=True)
    return delegate_services.badge_for(registration)


@pytest.fixture
def exhibitor(db):
    return exhibitor_with_booth()


@pytest.fixture
def booth_staff(exhibitor):
    return staff_of(exhibitor, name="Booth Staffer", email="staffer@example.org")
