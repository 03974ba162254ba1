"""The application's change form in the admin saves what it changes, nothing else.

A reviewer's decision, taken while someone else has the change page open (or while that page's
save is running), stays: the status, the floor area it counted and the directory's listing. Once
submitted, an application's section, booth type and area are fixed (approval counted them
against the section's capacity); a draft's can still be corrected.
"""

import threading
import time

import pytest
from django import forms
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exhibitors import services
from exhibitors.models import Application
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory
from tests.services import require_postgres

S = Application.Status


def change_url(application) -> str:
    return reverse("admin:exhibitors_application_change", args=[application.pk])


def loaded_form(client, application) -> dict:
    """Open the change page; return what its form posts when saved unchanged, as a browser."""
    response = client.get(change_url(application))
    assert response.status_code == 200
    data = {}
    forms_on_page = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
        forms_on_page += inline.formset.forms
    for form in forms_on_page:
        for name, field in form.fields.items():
            value = form[name].value()
            if isinstance(field, forms.BooleanField):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = "" if value is None else value
    return data


def listed(client) -> str:
    return client.get("/exhibitors/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("editor", ["organizer", "team_member"])
def test_a_decision_taken_while_the_change_page_is_open_stays(
    client, section, organizer, editor, request
):
    application = ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=18)
    client.force_login(request.getfixturevalue(editor))
    stale = loaded_form(client, application)
    assert stale["exhibits"] == application.exhibits

    # Another reviewer approves it meanwhile.
    services.approve_application(application, by=organizer)
    decided = Application.objects.get(pk=application.pk)

    stale["exhibits"] = "Service robots; a snow-making drone."
    with CaptureQueriesContext(connection) as queries:
        response = client.post(change_url(application), stale)

    assert response.status_code == 302
    # The save writes its edit, never the status it read (a decision may commit in between:
    # see the PostgreSQL test below).
    (write,) = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "exhibitors_application"')]
    assert '"exhibits"' in write and '"status"' not in write
    application.refresh_from_db()
    assert application.exhibits == "Service robots; a snow-making drone."
    assert application.status == S.APPROVED
    assert application.status_changed_at == decided.status_changed_at
    assert services.approved_area(section) == 18
    assert application.organization.name_en in listed(client)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_decision_committed_during_the_save_is_not_written_back(client, section, organizer):
    """The change page's save reads the application, then writes it; a reviewer's approval
    commits in between. The save waits for the approval and writes only its own edit."""
    require_postgres()
    application = ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=18)
    client.force_login(organizer)
    stale = loaded_form(client, application) | {"exhibits": "Edited during the approval."}

    response = post_during(
        client, application, stale, lambda: services.approve_application(application, by=organizer)
    )

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.exhibits == "Edited during the approval."
    assert services.approved_area(section) == 18
    assert application.organization.name_en in listed(client)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_draft_submitted_and_approved_during_the_save_keeps_its_area(client, section, organizer):
    """The save of a draft's page changes its area; the applicant's submission and an approval
    commit in between. The save refuses: nothing of it holds, the page says why."""
    require_postgres()
    application = ApplicationFactory(section=section, status=S.DRAFT, area_m2=18)
    client.force_login(organizer)
    stale = loaded_form(client, application) | {"area_m2": "36", "exhibits": "Edited."}

    def submit_and_approve():
        services.submit_application(application, by=application.applicant)
        services.approve_application(application, by=organizer)

    response = post_during(client, application, stale, submit_and_approve)

    assert response.status_code == 200
    assert "This application is approved now" in response.content.decode()
    application.refresh_from_db()
    assert (application.status, application.area_m2) == (S.APPROVED, 18)
    assert application.exhibits != "Edited."
    assert services.approved_area(section) == 18


def post_during(client, application, data, review):
    """POST the change form while ``review`` runs in another transaction: the save reads the
    application before the review commits and writes it after."""
    reviewed, commit = threading.Event(), threading.Event()

    def other_reviewer():
        try:
            with transaction.atomic():  # holds the application's row lock until it commits
                review()
                reviewed.set()
                commit.wait(30)
        finally:
            connection.close()

    responses = []

    def this_editor():
        try:
            responses.append(client.post(change_url(application), data))
        finally:
            connection.close()

    other = threading.Thread(target=other_reviewer)
    other.start()
    assert reviewed.wait(30)
    mine = threading.Thread(target=this_editor)
    mine.start()  # reads the application as it was (the review is not committed yet)
    wait_for_a_lock_wait()
    commit.set()
    other.join(30)
    mine.join(30)
    (response,) = responses
    return response


def wait_for_a_lock_wait(seconds: float = 30) -> None:
    """Return once a backend of this database waits for a lock another one holds."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.05)
    pytest.fail("nobody waited for a lock")


@pytest.mark.django_db
def test_a_draft_form_saved_after_the_decision_moves_no_floor_area(client, section, organizer):
    """The page was opened on a draft (area editable); the applicant submitted, a reviewer
    approved; then the page is saved with a larger area. Nothing is saved, the page says why."""
    section.capacity_m2 = 18
    section.save()
    application = ApplicationFactory(section=section, status=S.DRAFT, area_m2=18)
    client.force_login(organizer)
    stale = loaded_form(client, application)
    assert "area_m2" in stale and "section" in stale

    services.submit_application(application, by=application.applicant)
    services.approve_application(application, by=organizer)
    stale |= {"area_m2": "36", "exhibits": "Edited in the stale draft form."}
    response = client.post(change_url(application), stale)

    assert response.status_code == 200
    html = response.content.decode()
    assert "This application is approved now" in html
    assert 'name="area_m2"' not in html  # the form as the application is now
    application.refresh_from_db()
    assert (application.status, application.area_m2) == (S.APPROVED, 18)
    assert application.exhibits != "Edited in the stale draft form."
    assert services.approved_area(section) == 18


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.WAITLISTED])
def test_section_booth_and_area_are_fixed_once_submitted(client, section, organizer, status):
    application = ApplicationFactory(
        section=section, status=status, booth_type="standard", area_m2=18
    )
    other_section = SectionFactory(capacity_m2=5000)
    client.force_login(organizer)
    html = client.get(change_url(application)).content.decode()
    for name in ["section", "booth_type", "area_m2", "declares_safety"]:
        assert f'name="{name}"' not in html
    assert "withdraws and applies again" in html
    assert 'name="exhibits"' in html

    moved = loaded_form(client, application) | {
        "section": other_section.pk,
        "booth_type": "raw",
        "area_m2": "400",
        "exhibits": "Moved to another section.",
    }
    response = client.post(change_url(application), moved)

    application.refresh_from_db()
    assert (application.section_id, application.booth_type, application.area_m2) == (
        section.pk,
        "standard",
        18,
    )
    assert application.status == status
    assert f"This application is {S(status).label} now" in response.content.decode()
    assert not other_section.applications.exists()


@pytest.mark.django_db
def test_a_drafts_section_can_still_be_corrected(client, section, organizer):
    draft = ApplicationFactory(section=section, status=S.DRAFT)
    elsewhere = SectionFactory(name_en="Quantum information")
    client.force_login(organizer)
    assert 'name="section"' in client.get(change_url(draft)).content.decode()

    response = client.post(
        change_url(draft), loaded_form(client, draft) | {"section": elsewhere.pk}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.section == elsewhere

    # Not into a section its organization has already applied to: the form says so.
    ApplicationFactory(section=section, organization=draft.organization, status=S.APPROVED)
    response = client.post(change_url(draft), loaded_form(client, draft) | {"section": section.pk})
    assert response.status_code == 200
    assert "has already applied to" in response.content.decode()
    draft.refresh_from_db()
    assert draft.section == elsewhere


@pytest.mark.django_db
def test_saving_an_unchanged_form_writes_nothing(client, section, organizer):
    application = ApplicationFactory(
        section=section, status=S.APPROVED, organization=OrganizationFactory()
    )
    client.force_login(organizer)
    unchanged = loaded_form(client, application)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(change_url(application), unchanged)
    assert response.status_code == 302
    writes = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert not [sql for sql in writes if "exhibitors_application" in sql]
