"""Each list of writable fields has one source: the services' list.

The admin's forms, the portal's form and the demo are built from ``events.services.SESSION_FIELDS``
and ``exhibitors.services.APPLICATION_FIELDS``; what else a form shows is listed here, so a field
added in one place only fails. The services refuse any other keyword (a programming error).
"""

import random

import pytest
from django.contrib import admin
from django.test import RequestFactory

from events import demo as events_demo
from events import services as events_services
from events.admin import SESSION_INLINE_FIELDS, SessionAdminForm
from events.models import Session
from exhibitors import demo as exhibitors_demo
from exhibitors import services as exhibitors_services
from exhibitors.admin import ApplicationAdminForm
from exhibitors.forms import ApplicationForm
from exhibitors.models import Application
from tests.factories.accounts import StaffFactory
from tests.factories.events import EventFactory, RoomFactory, SessionFactory, at
from tests.factories.exhibitors import ApplicationFactory, SectionFactory

pytestmark = pytest.mark.django_db

# What the session's change form shows besides the services' fields.
SESSION_FORM_EXTRAS = {"event", "code", "speakers", "moderators", "themes", "is_cancelled"}
# What the application's forms show besides the services' fields: who applies where.
APPLICATION_ADMIN_EXTRAS = {"organization", "section", "applicant"}
APPLICATION_PORTAL_EXTRAS = {"section"}
# What the application's change page shows read-only besides its form's fields.
APPLICATION_ADMIN_SHOWN = {"status", "decision_reason", "created_at", "submitted_at"}
APPLICATION_ADMIN_SHOWN |= {"status_changed_at"}


def admin_form_fields(model) -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = StaffFactory(is_superuser=True)
    return set(admin.site._registry[model].get_form(request).base_fields)


def test_session_forms_and_demo_write_the_services_fields():
    service = set(events_services.SESSION_FIELDS)
    assert len(service) == len(events_services.SESSION_FIELDS)
    assert set(SessionAdminForm.base_fields) - SESSION_FORM_EXTRAS == service
    assert set(SessionAdminForm.base_fields) >= SESSION_FORM_EXTRAS
    # The admin's form (is_cancelled read-only there: the cancel action).
    assert admin_form_fields(Session) - SESSION_FORM_EXTRAS == service
    # The event page's rows show a part of them, and the code.
    assert set(SESSION_INLINE_FIELDS) - {"code"} <= service

    event, room = EventFactory(), RoomFactory()
    values = events_demo.session_values(
        event, "demo-1", Session.Type.PANEL, ("Title", "标题"), at(0, 9), at(0, 10), room,
        random.Random(1),
    )  # fmt: skip
    assert set(values) == service


def test_application_forms_and_demo_write_the_services_fields():
    service = set(exhibitors_services.APPLICATION_FIELDS)
    assert len(service) == len(exhibitors_services.APPLICATION_FIELDS)
    assert set(ApplicationAdminForm.base_fields) - APPLICATION_ADMIN_EXTRAS == service
    assert set(ApplicationAdminForm.base_fields) >= APPLICATION_ADMIN_EXTRAS
    assert admin_form_fields(Application) - APPLICATION_ADMIN_EXTRAS == service
    assert set(ApplicationForm.base_fields) - APPLICATION_PORTAL_EXTRAS == service
    shown = set(admin.site._registry[Application].fields)
    assert shown - APPLICATION_ADMIN_EXTRAS - APPLICATION_ADMIN_SHOWN == service
    # What organizers may correct: every field of the services, split by status.
    assert set(exhibitors_services.correctable_fields(Application.Status.DRAFT)) == (
        service | {"section", "applicant"}
    )

    plan = {
        "booth_type": "standard",
        "area_m2": 18,
        "prefs": ["corner", "", ""],
        "field": "ai",
        "exhibits": "Robots.",
    }
    values = exhibitors_demo.application_values(plan, Application.Status.SUBMITTED)
    assert set(values) == service


def test_the_session_services_refuse_other_keywords():
    event, room = EventFactory(), RoomFactory()
    with pytest.raises(TypeError, match="unknown session fields: is_cancelled, released_in"):
        events_services.create_session(
            event,
            code="odd",
            title_en="Odd",
            room=room,
            starts_at=at(0, 9),
            ends_at=at(0, 10),
            is_cancelled=True,
            released_in=1,
        )
    assert not Session.objects.filter(code="odd").exists()

    session = SessionFactory(event=event, title_en="Before")
    with pytest.raises(TypeError, match="unknown session fields: sequence"):
        events_services.update_session(session, title_en="After", sequence=7)
    session.refresh_from_db()
    assert (session.title_en, session.sequence) == ("Before", 0)


def test_the_application_services_refuse_other_keywords():
    section = SectionFactory()
    draft = ApplicationFactory(section=section, area_m2=18)
    organization, user = draft.organization, draft.applicant
    fields = {"booth_type": "standard", "area_m2": 9, "exhibit_field": "ai", "exhibits": "x"}
    with pytest.raises(TypeError, match="unknown application fields: status"):
        exhibitors_services.create_application(
            organization, SectionFactory(), by=user, status="approved", **fields
        )
    with pytest.raises(TypeError, match="unknown application fields: status"):
        exhibitors_services.update_application(draft, by=user, area_m2=27, status="approved")
    with pytest.raises(TypeError, match="unknown application fields: decision_reason"):
        exhibitors_services.correct_application(draft, area_m2=27, decision_reason="x")
    draft.refresh_from_db()
    assert (draft.status, draft.area_m2) == (Application.Status.DRAFT, 18)
    assert Application.objects.count() == 1
