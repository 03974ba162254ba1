"""The directory lists an organization while it is published and has an approved booth.

``Organization.has_approved_application`` stores the second half; every decision keeps it right.
These tests read what a visitor reads: the directory's cards and the organization's page.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from exhibitors import services
from exhibitors.models import Application, Organization
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory

S = Application.Status
pytestmark = pytest.mark.django_db

CARD_TITLE = re.compile(r'<h2 class="h5 card-title"><a href="[^"]+">([^<]+)</a></h2>')


def listed(client) -> set[str]:
    return set(CARD_TITLE.findall(client.get("/exhibitors/").content.decode()))


def submitted(section, name: str, organization=None) -> Application:
    organization = organization or OrganizationFactory(name_en=name)
    return ApplicationFactory(section=section, organization=organization, status=S.SUBMITTED)


def test_the_directory_follows_every_decision(client, organizer):
    section = SectionFactory(capacity_m2=18)  # room for one 18 m² booth
    general = SectionFactory()
    alpha = submitted(section, "Alpha Robotics Ltd.")
    beta = submitted(section, "Beta Sensors Ltd.")
    assert listed(client) == set()

    services.approve_application(alpha, by=organizer)
    assert listed(client) == {"Alpha Robotics Ltd."}
    assert client.get(alpha.organization.urls.public).status_code == 200
    services.approve_application(beta, by=organizer)  # no room left: waitlisted
    assert listed(client) == {"Alpha Robotics Ltd."}

    # A second approved booth; withdrawing it leaves the first, so Alpha stays listed.
    second = submitted(general, "", organization=alpha.organization)
    services.approve_application(second, by=organizer)
    services.withdraw_for_exhibitor(second, by=organizer, reason="One booth is enough")
    assert listed(client) == {"Alpha Robotics Ltd."}

    # Rejecting Alpha's only approved booth unlists it; the freed area promotes Beta.
    services.reject_application(alpha, by=organizer, reason="Missing safety papers")
    assert listed(client) == {"Beta Sensors Ltd."}
    assert client.get(alpha.organization.urls.public).status_code == 404

    services.reopen_application(alpha, by=organizer)
    services.waitlist_application(alpha, by=organizer)
    assert listed(client) == {"Beta Sensors Ltd."}

    # The organizers' bulk action: withdrawing Beta's booth promotes Alpha again.
    outcomes = services.review_many([beta], "withdraw", by=organizer)
    assert [o.ok for o in outcomes] == [True]
    assert listed(client) == {"Alpha Robotics Ltd."}

    services.reject_application(alpha, by=organizer, reason="Cancelled")
    assert listed(client) == set()


def test_an_applicant_withdrawing_before_the_decision_is_never_listed(client, section):
    application = submitted(section, "Gamma Quantum Ltd.")
    services.withdraw_application(application, by=application.applicant)
    assert listed(client) == set()


def test_cards_show_the_approved_sections_in_section_order(client):
    organization = OrganizationFactory(name_en="Delta Energy Ltd.")
    last, first, middle = (SectionFactory(position=p) for p in (3, 1, 2))
    for section in (last, first, middle):
        ApplicationFactory(section=section, organization=organization, status=S.APPROVED)
    ApplicationFactory(
        section=SectionFactory(position=0), organization=organization, status=S.REJECTED
    )
    page = client.get("/exhibitors/").content.decode()
    badges = re.findall(r'<span class="badge text-bg-secondary me-1">([^<]+)</span>', page)
    assert badges == [first.name, middle.name, last.name]


def test_the_migration_computes_the_flag_for_existing_rows(section):
    shown = ApplicationFactory(section=section, status=S.APPROVED).organization
    hidden = ApplicationFactory(section=section, status=S.WAITLISTED).organization
    Organization.objects.update(has_approved_application=False)
    Organization.objects.filter(pk=hidden.pk).update(has_approved_application=True)
    migration = importlib.import_module(
        "exhibitors.migrations.0009_organization_has_approved_application"
    )
    migration.fill_flag(apps, None)
    flags = dict(Organization.objects.values_list("pk", "has_approved_application"))
    assert flags == {shown.pk: True, hidden.pk: False}


# --- Admin ------------------------------------------------------------------------------------


def test_the_admin_deletes_drafts_only(client, section, organizer):
    booth = ApplicationFactory(section=section, status=S.APPROVED)
    draft = ApplicationFactory(section=section, status=S.DRAFT)
    client.force_login(organizer)
    change = reverse("admin:exhibitors_application_change", args=[booth.pk])
    delete = reverse("admin:exhibitors_application_delete", args=[booth.pk])
    assert f'href="{delete}"' not in client.get(change).content.decode()
    assert client.post(delete, {"post": "yes"}).status_code == 403
    draft_page = reverse("admin:exhibitors_application_change", args=[draft.pk])
    assert "/delete/" in client.get(draft_page).content.decode()

    changelist = reverse("admin:exhibitors_application_changelist")
    refused = client.post(
        changelist,
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [booth.pk, draft.pk], "post": "yes"},
    )
    assert refused.status_code == 403
    assert Application.objects.count() == 2
    assert listed(client) == {booth.organization.name_en}

    client.post(
        changelist, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [draft.pk], "post": "yes"}
    )
    assert list(Application.objects.values_list("pk", flat=True)) == [booth.pk]


def test_the_admin_cannot_move_an_application_to_another_organization(
    client, section, organizer, other_organization
):
    booth = ApplicationFactory(section=section, status=S.APPROVED)
    client.force_login(organizer)
    url = reverse("admin:exhibitors_application_change", args=[booth.pk])
    assert 'name="organization"' not in client.get(url).content.decode()
    saved = client.post(
        url,
        {
            "organization": other_organization.pk,
            "section": section.pk,
            "applicant": booth.applicant_id,
            "booth_type": booth.booth_type,
            "area_m2": booth.area_m2,
            "exhibit_field": booth.exhibit_field,
            "exhibits": booth.exhibits,
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert saved.status_code == 302
    booth.refresh_from_db()
    assert booth.organization_id != other_organization.pk
    assert listed(client) == {booth.organization.name_en}
