"""Every exhibitor page: the same exact query count for N and 3N rows."""

import pytest
from django.urls import reverse

from exhibitors import services
from exhibitors.models import Application, Membership
from tests.factories.accounts import UserFactory
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory

S = Application.Status
pytestmark = pytest.mark.django_db


def sections(n):
    return [SectionFactory() for _ in range(n)]


@pytest.mark.parametrize("n", [1, 3])
def test_organization_page(client, organization, n, django_assert_num_queries):
    for section in sections(n):
        ApplicationFactory(organization=organization, section=section, status=S.APPROVED)
    with django_assert_num_queries(2):  # organization, its approved applications with sections
        response = client.get(organization.urls.public)
    assert response.content.decode().count('<h2 class="h4">Exhibits</h2>') == n


@pytest.mark.parametrize("n", [1, 3])
def test_portal_organization_page(client, organization, n, django_assert_num_queries):
    for section in sections(n):
        ApplicationFactory(organization=organization, section=section)
    client.force_login(organization.main_contact)
    # session, user, organization, membership, applications, sections (open ones)
    with django_assert_num_queries(6):
        response = client.get(organization.urls.portal)
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_application_page_with_its_history(
    client, organization, organizer, n, django_assert_num_queries
):
    section = SectionFactory(capacity_m2=0)
    application = ApplicationFactory(organization=organization, section=section)
    services.submit_application(application, by=organization.main_contact)
    for _ in range(n):
        services.approve_application(application, by=organizer)  # waitlisted: no room
        services.reject_application(application, by=organizer, reason="No room")
        services.reopen_application(application, by=organizer)
    client.force_login(organization.main_contact)
    # session, user, organization, membership, application, history
    with django_assert_num_queries(6):
        response = client.get(application.urls.portal)
    assert response.content.decode().count("<tr><td>") == 1 + 3 * n  # submitted, then 3 per round


@pytest.mark.parametrize("n", [1, 3])
def test_members_page(client, organization, n, django_assert_num_queries):
    for _ in range(n):
        Membership.objects.create(organization=organization, user=UserFactory())
        organization.invitations.create(email=f"{_}-{n}@example.org")
    client.force_login(organization.main_contact)
    # session, user, organization, membership (admin check), members, invitations
    with django_assert_num_queries(6):
        response = client.get(organization.urls.members)
    assert response.status_code == 200


@pytest.mark.parametrize("n", [2, 6])
def test_admin_review_queue(client, organizer, n, django_assert_num_queries):
    section = SectionFactory()
    for _ in range(n):
        ApplicationFactory(section=section, status=S.SUBMITTED, organization=OrganizationFactory())
    client.force_login(organizer)
    url = reverse("admin:exhibitors_application_changelist")
    with django_assert_num_queries(6):
        response = client.get(url, {"status__exact": "submitted"})
    assert response.status_code == 200
