"""Every exhibitor page: the same exact query count for N and 3N rows."""

import pytest
from django.urls import reverse

from exhibitors import services
from exhibitors.models import Application, Membership
from tests.factories.accounts import UserFactory
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory
from tests.queries import assert_queries_do_not_grow

S = Application.Status
pytestmark = pytest.mark.django_db


# Portal pages start with the login (session, user), the organization and the membership.
# organization, its approved applications with sections, the booths of the halls it stands in,
ORGANIZATION_QUERIES = 4  # … and its exhibits
PORTAL_QUERIES = 7  # login, organization, membership, applications, their booths, sections
APPLICATION_QUERIES = 6  # login, organization, membership, application, history
# login, organization, membership (admin check), members, invitations
MEMBERS_QUERIES = 6
# login session, user, sections to filter by, count shown and in all, the page of applications,
# the date hierarchy's span and its years (submitted_at)
REVIEW_QUEUE_QUERIES = 8


def sections(n):
    return [SectionFactory() for _ in range(n)]


def test_organization_page(client, organization):
    def approved_in_new_sections(n):
        for section in sections(n):
            ApplicationFactory(organization=organization, section=section, status=S.APPROVED)

    first, second = assert_queries_do_not_grow(
        lambda: client.get(organization.urls.public).content.decode(),
        approved_in_new_sections,
        budget=ORGANIZATION_QUERIES,
        n=1,
    )
    assert [html.count('<h2 class="h4">Exhibits</h2>') for html in (first, second)] == [1, 3]


def test_portal_organization_page(client, organization):
    def applications(n):
        for section in sections(n):
            ApplicationFactory(organization=organization, section=section)

    client.force_login(organization.main_contact)
    first, second = assert_queries_do_not_grow(
        lambda: client.get(organization.urls.portal), applications, budget=PORTAL_QUERIES, n=1
    )
    assert first.status_code == second.status_code == 200


def test_application_page_with_its_history(client, organization, organizer):
    section = SectionFactory(capacity_m2=0)
    application = ApplicationFactory(organization=organization, section=section)
    services.submit_application(application, by=organization.main_contact)

    def rounds(n):
        for _ in range(n):
            services.approve_application(application, by=organizer)  # waitlisted: no room
            services.reject_application(application, by=organizer, reason="No room")
            services.reopen_application(application, by=organizer)

    client.force_login(organization.main_contact)
    first, second = assert_queries_do_not_grow(
        lambda: client.get(application.urls.portal).content.decode(),
        rounds,
        budget=APPLICATION_QUERIES,
        n=1,
    )
    # submitted, then 3 per round
    assert [html.count("<tr><td>") for html in (first, second)] == [1 + 3 * 1, 1 + 3 * 3]


def test_members_page(client, organization):
    def members_and_invitations(n):
        for _ in range(n):
            Membership.objects.create(organization=organization, user=UserFactory())
            invited = organization.invitations.count()
            organization.invitations.create(email=f"invited-{invited}@example.org")

    client.force_login(organization.main_contact)
    first, second = assert_queries_do_not_grow(
        lambda: client.get(organization.urls.members),
        members_and_invitations,
        budget=MEMBERS_QUERIES,
        n=1,
    )
    assert first.status_code == second.status_code == 200
    assert [r.content.decode().count("invited-") for r in (first, second)] == [1, 3]


def test_admin_review_queue(client, organizer):
    section = SectionFactory()

    def submitted(n):
        for _ in range(n):
            ApplicationFactory(
                section=section, status=S.SUBMITTED, organization=OrganizationFactory()
            )

    client.force_login(organizer)
    url = reverse("admin:exhibitors_application_changelist")
    first, second = assert_queries_do_not_grow(
        lambda: client.get(url, {"status__exact": "submitted"}),
        submitted,
        budget=REVIEW_QUEUE_QUERIES,
        n=2,
    )
    assert first.status_code == second.status_code == 200
    assert "2 applications" in first.content.decode()
    assert "6 applications" in second.content.decode()
