"""An application added in the admin is made by the service, with the applicant's rules.

Organizers add an application on an exhibitor's behalf: the section's window, the area rules,
the preferences and a member of the organization as applicant hold as in the portal; the
organizer is the history's actor. Refusals show on the form, nothing is saved.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from exhibitors import services
from exhibitors.models import Application, ApplicationEvent, Membership
from tests.exhibitors.test_admin_saves import change_url, loaded_form
from tests.factories.accounts import UserFactory
from tests.factories.exhibitors import ApplicationFactory, SectionFactory

S = Application.Status
ADD_URL = reverse("admin:exhibitors_application_add")


def add_form(client, organization, section, **changes) -> dict:
    """What the add page posts, filled in as an organizer would."""
    response = client.get(ADD_URL)
    assert response.status_code == 200
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
    data |= {
        "organization": organization.pk,
        "section": section.pk,
        "booth_type": "standard",
        "area_m2": "18",
        "preference_1": "corner",
        "preference_2": "",
        "preference_3": "",
        "exhibit_field": "ai",
        "exhibits": "A snow-making drone.",
        "declares_accuracy": "on",
        "accepts_rules": "on",
        "declares_safety": "on",
        "applicant": organization.main_contact.pk,
    }
    return data | changes


def errors(response) -> str:
    assert response.status_code == 200
    return str(response.context["adminform"].form.errors)


@pytest.mark.django_db
def test_an_application_added_in_the_admin_is_a_draft_made_by_the_service(
    client, section, organization, organizer
):
    client.force_login(organizer)
    response = client.post(ADD_URL, add_form(client, organization, section))

    assert response.status_code == 302
    application = Application.objects.get(organization=organization, section=section)
    assert (application.status, application.area_m2) == (S.DRAFT, 18)
    assert application.applicant == organization.main_contact
    # The history says who made it: the organizer, on the applicant's behalf.
    assert list(application.events.values_list("from_status", "to_status", "actor")) == [
        ("", S.DRAFT, organizer.pk)
    ]
    # The applicant submits it, as any draft.
    services.submit_application(application, by=organization.main_contact)


@pytest.mark.django_db
def test_no_application_is_added_outside_the_sections_window(client, organization, organizer):
    closed = SectionFactory(
        name_en="Quantum information",
        applications_open_at=timezone.now() - timedelta(days=40),
        applications_close_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(organizer)
    response = client.post(ADD_URL, add_form(client, organization, closed))

    assert "Applications for Quantum information are open from" in errors(response)
    assert not Application.objects.exists()
    assert not ApplicationEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"area_m2": "20"}, "area_m2", "multiples of 9"),
        ({"booth_type": "raw", "area_m2": "27"}, "area_m2", "Raw space starts at 36"),
        ({"preference_2": "corner"}, "__all__", "Each booth preference can be chosen once"),
    ],
)
def test_the_area_and_preference_rules_hold_in_the_add_form(
    client, section, organization, organizer, changes, field, message
):
    client.force_login(organizer)
    response = client.post(ADD_URL, add_form(client, organization, section, **changes))

    form = response.context["adminform"].form
    assert message in " ".join(form.errors[field])
    assert "Constraint" not in errors(response)
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_the_applicant_added_must_be_a_member(client, section, organization, organizer):
    outsider = UserFactory(email="outsider@example.org")
    client.force_login(organizer)
    response = client.post(ADD_URL, add_form(client, organization, section, applicant=outsider.pk))

    form = response.context["adminform"].form
    assert "The applicant must be a member of" in " ".join(form.errors["applicant"])
    assert not Application.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.DRAFT, S.APPROVED])
def test_the_applicant_corrected_must_be_a_member(client, section, organization, organizer, status):
    application = ApplicationFactory(section=section, organization=organization, status=status)
    outsider = UserFactory(email="outsider@example.org")
    colleague = UserFactory(email="colleague@example.org")
    organization.memberships.create(user=colleague, role=Membership.Role.STAFF)
    client.force_login(organizer)

    response = client.post(
        change_url(application), loaded_form(client, application) | {"applicant": outsider.pk}
    )
    form = response.context["adminform"].form
    assert "The applicant must be a member of" in " ".join(form.errors["applicant"])
    application.refresh_from_db()
    assert application.applicant == organization.main_contact

    response = client.post(
        change_url(application), loaded_form(client, application) | {"applicant": colleague.pk}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.applicant == colleague


@pytest.mark.django_db
def test_the_services_refuse_an_applicant_who_is_not_a_member(section, organization, organizer):
    outsider = UserFactory(email="outsider@example.org")
    fields = {"booth_type": "standard", "area_m2": 9, "exhibit_field": "ai", "exhibits": "x"}
    with pytest.raises(services.ApplicationError, match="must be a member"):
        services.create_application(organization, section, by=outsider, **fields)
    with pytest.raises(services.ApplicationError, match="must be a member"):
        services.create_application(
            organization, section, by=organizer, applicant=outsider, **fields
        )
    assert not Application.objects.exists()

    application = ApplicationFactory(section=section, organization=organization)
    with pytest.raises(services.ApplicationError, match="must be a member"):
        services.correct_application(application, applicant=outsider)
    application.refresh_from_db()
    assert application.applicant == organization.main_contact
