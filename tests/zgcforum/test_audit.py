"""The audit trail: history on applications, booths, registrations, RSVPs and badges, read by the
secretariat at /admin/recent-changes/ with the values before and after each edit."""

import html as htmllib
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import FORUM_SECRETARIAT
from delegates import services as delegates_services
from delegates.models import RSVP, Badge
from exhibitors import services as exhibitors_services
from exhibitors.models import Application
from exhibitors.roles import EXHIBITION_TEAM
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.exhibitors import ApplicationFactory
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

RECENT = "/admin/recent-changes/"
# Session, user, permissions (2), groups (the navbar); per model with history (16): its latest
# rows with their authors and, when it has any, the rows before them.
RECENT_CHANGES_QUERIES = 5 + 2 * 16


def staff_in(group_name: str):
    user = StaffFactory()
    user.groups.set([Group.objects.get(name=group_name)])
    return user


def cells(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_edits_leave_history_the_secretariat_reads_with_old_and_new_values(client, roles):
    application = ApplicationFactory(area_m2=18, exhibits="A service robot.")
    exhibitors_services.update_application(
        application,
        by=application.applicant,
        area_m2=27,
        exhibits="Two service robots and a charging dock.",
    )
    session = rsvp_session(1)
    holder, waiting = approved_delegate(), approved_delegate()
    for person in (holder, waiting):
        delegates_services.reserve_seat(session, user=person)
    delegates_services.cancel_rsvp(session, user=holder)  # the waitlisted one moves up
    badge = delegates_services.badge_for(waiting.registration)
    delegates_services.revoke_badge(badge, reason=Badge.RevokeReason.LOST)

    assert Application.history.filter(id=application.pk).count() >= 2
    assert RSVP.history.filter(user=waiting).values_list("status", flat=True)[0] == "confirmed"
    assert Badge.history.filter(id=badge.pk).count() == 2

    client.force_login(staff_in(FORUM_SECRETARIAT))
    page = cells(client.get(RECENT))
    assert "requested area (m²) : 18 → 27" in page
    assert "A service robot. → Two service robots and a charging dock." in page
    assert "status : waitlisted → confirmed" in page
    assert "reason for revoking : → lost" in page  # blank before
    # One kind of record at a time.
    only_badges = cells(client.get(RECENT, {"model": "delegates.badge"}))
    assert "reason for revoking" in only_badges and "requested area" not in only_badges
    # Nonsense filters show every kind, never an error.
    assert client.get(RECENT, {"model": "nope"}).status_code == 200


def test_the_application_history_page_shows_old_and_new_values(client, roles):
    application = ApplicationFactory(area_m2=18)
    exhibitors_services.update_application(application, by=application.applicant, area_m2=36)
    client.force_login(staff_in(EXHIBITION_TEAM))
    page = cells(client.get(reverse("admin:exhibitors_application_history", args=[application.pk])))
    assert "18 → 36" in page
    # History is read, never replayed (SIMPLE_HISTORY_REVERT_DISABLED).
    record = Application.history.filter(id=application.pk).first()
    form = client.get(
        reverse("admin:exhibitors_application_simple_history", args=[application.pk, record.pk])
    )
    assert "Revert" not in form.content.decode()


def test_only_whoever_holds_the_audit_permission_reads_recent_changes(client, roles):
    client.force_login(staff_in(EXHIBITION_TEAM))
    assert client.get(RECENT).status_code == 403
    client.force_login(UserFactory())  # not staff: the admin login
    assert client.get(RECENT).status_code == 302
    client.logout()
    assert client.get(RECENT)["Location"].startswith("/admin/login/")
    client.force_login(staff_in(FORUM_SECRETARIAT))
    assert client.get(RECENT).status_code == 200
    assert client.get("/zh-hans" + RECENT).status_code == 200


def test_recent_changes_in_constant_queries(client, roles):
    client.force_login(staff_in(FORUM_SECRETARIAT))

    def grow(n):
        for _ in range(n):
            application = ApplicationFactory(area_m2=18)
            exhibitors_services.update_application(
                application, by=application.applicant, area_m2=27
            )
            badge = delegates_services.badge_for(approved_delegate().registration)
            delegates_services.revoke_badge(badge)

    first, second = assert_queries_do_not_grow(
        lambda: client.get(RECENT), grow, budget=RECENT_CHANGES_QUERIES, n=2
    )
    assert cells(first).count("18 → 27") == 2
    assert cells(second).count("18 → 27") == 6
