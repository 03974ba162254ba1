from datetime import timedelta

import pytest
from django.utils import timezone

from exhibitors import services
from exhibitors.models import Application, ApplicationEvent
from tests.factories.exhibitors import ApplicationFactory, OrganizationFactory, SectionFactory

S = Application.Status
pytestmark = pytest.mark.django_db

# Each service, the status it asks for, and who calls it.
MOVES = {
    "submit": (services.submit_application, S.SUBMITTED, services.APPLICANT),
    "withdraw": (services.withdraw_application, S.WITHDRAWN, services.APPLICANT),
    "approve": (services.approve_application, S.APPROVED, services.ORGANIZER),
    "waitlist": (services.waitlist_application, S.WAITLISTED, services.ORGANIZER),
    "reject": (services.reject_application, S.REJECTED, services.ORGANIZER),
    "reopen": (services.reopen_application, S.SUBMITTED, services.ORGANIZER),
    "withdraw_for_exhibitor": (services.withdraw_for_exhibitor, S.WITHDRAWN, services.ORGANIZER),
}
ILLEGAL = [
    (status, move)
    for status in S.values
    for move, (_fn, to, actor) in MOVES.items()
    if not services.can_transition(status, to, actor)
]


def call(move, application, by):
    fn = MOVES[move][0]
    if move == "reject":
        return fn(application, by=by, reason="The exhibits do not fit the section.")
    return fn(application, by=by)


def test_the_table_lists_each_move_once_with_someone_allowed():
    assert all(actors for actors in services.TRANSITIONS.values())
    assert (S.APPROVED, S.SUBMITTED) not in services.TRANSITIONS
    assert len(ILLEGAL) > 20


@pytest.mark.parametrize(("status", "move"), ILLEGAL, ids=[f"{s}-{m}" for s, m in ILLEGAL])
def test_each_illegal_transition_is_refused_and_nothing_changes(status, move, section, organizer):
    application = ApplicationFactory(section=section, status=status)
    with pytest.raises(services.ApplicationError, match="cannot become"):
        call(move, application, organizer)
    application.refresh_from_db()
    assert application.status == status
    assert not ApplicationEvent.objects.filter(application=application).exists()


def test_applicant_journey_records_history(section, organization, organizer):
    user = organization.main_contact
    draft = services.create_application(
        organization,
        section,
        by=user,
        booth_type="standard",
        area_m2=18,
        exhibit_field="energy",
        exhibits="Hydrogen fuel cells",
        preference_1="corner",
        declares_accuracy=True,
        accepts_rules=True,
        declares_safety=True,
    )
    assert draft.status == S.DRAFT
    services.update_application(draft, by=user, area_m2=27)
    submitted = services.submit_application(draft, by=user)
    assert submitted.status == S.SUBMITTED and submitted.submitted_at
    approved = services.approve_application(submitted, by=organizer, reason="Welcome")
    assert approved.status == S.APPROVED
    history = list(approved.events.values_list("from_status", "to_status", "actor", "reason"))
    assert history == [
        ("", S.DRAFT, user.pk, ""),
        (S.DRAFT, S.SUBMITTED, user.pk, ""),
        (S.SUBMITTED, S.APPROVED, organizer.pk, "Welcome"),
    ]
    with pytest.raises(services.ApplicationError):
        services.update_application(approved, by=user, area_m2=36)


def test_applicant_withdraws_before_the_decision(section, organization):
    application = ApplicationFactory(section=section, organization=organization)
    services.submit_application(application, by=organization.main_contact)
    services.withdraw_application(application, by=organization.main_contact)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


def test_late_application_is_refused_with_the_dates(organization):
    closed = SectionFactory(
        applications_open_at=timezone.now() - timedelta(days=40),
        applications_close_at=timezone.now() - timedelta(days=1),
    )
    with pytest.raises(services.ApplicationError, match="are open from .* to "):
        services.create_application(
            organization,
            closed,
            by=organization.main_contact,
            booth_type="standard",
            area_m2=9,
            exhibit_field="ai",
            exhibits="x",
        )
    draft = ApplicationFactory(section=closed, organization=organization)
    with pytest.raises(services.ApplicationError, match="are open from"):
        services.submit_application(draft, by=organization.main_contact)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_submit_needs_every_declaration(section, organization):
    draft = ApplicationFactory(section=section, organization=organization, declares_safety=False)
    with pytest.raises(services.ApplicationError, match="declarations"):
        services.submit_application(draft, by=organization.main_contact)


@pytest.mark.parametrize(
    ("booth_type", "area", "ok"),
    [
        ("standard", 9, True),
        ("standard", 27, True),
        ("standard", 10, False),
        ("standard", 0, False),
        ("raw", 36, True),
        ("raw", 35, False),
        ("raw", 50, True),
    ],
)
def test_booth_areas(booth_type, area, ok):
    if ok:
        services.check_area(booth_type, area)
    else:
        with pytest.raises(services.ApplicationError):
            services.check_area(booth_type, area)


def test_database_refuses_a_standard_booth_off_the_grid(section):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ApplicationFactory(section=section, booth_type="standard", area_m2=10)


def test_reject_needs_a_reason(section, organizer):
    application = ApplicationFactory(section=section, status=S.SUBMITTED)
    with pytest.raises(services.ApplicationError, match="reason"):
        services.reject_application(application, by=organizer, reason="  ")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_approval_that_does_not_fit_waitlists(organizer):
    section = SectionFactory(capacity_m2=36)
    first = ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=27)
    second = ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=18)
    assert services.approve_application(first, by=organizer).status == S.APPROVED
    assert services.approve_application(second, by=organizer).status == S.WAITLISTED
    assert second.events.last().reason == "The section's floor area is taken."
    # Approving from the waiting list while the area is still taken is refused.
    with pytest.raises(services.ApplicationError, match="do not fit"):
        services.approve_application(second, by=organizer)


def test_freed_area_promotes_the_first_waitlisted_that_fits(organizer):
    section = SectionFactory(capacity_m2=45)
    approved = ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=36)
    services.approve_application(approved, by=organizer)
    big = ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=54, booth_type="raw")
    small = ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=27)
    later = ApplicationFactory(section=section, status=S.SUBMITTED, area_m2=18)
    for application in (big, small, later):
        assert services.approve_application(application, by=organizer).status == S.WAITLISTED
    services.reject_application(approved, by=organizer, reason="Missing safety papers.")
    for application in (big, small, later):
        application.refresh_from_db()
    # 45 m² free: the 54 m² one does not fit; the next in line (27) does, then 18 fits too.
    assert (big.status, small.status, later.status) == (S.WAITLISTED, S.APPROVED, S.APPROVED)
    event = small.events.last()
    assert event.actor is None and event.from_status == S.WAITLISTED
    assert services.approved_area(section) == 45


def test_withdrawing_an_approved_booth_promotes(organizer):
    section = SectionFactory(capacity_m2=18)
    approved = ApplicationFactory(section=section, status=S.SUBMITTED)
    waiting = ApplicationFactory(section=section, status=S.SUBMITTED)
    services.approve_application(approved, by=organizer)
    services.approve_application(waiting, by=organizer)
    services.withdraw_for_exhibitor(approved, by=organizer, reason="Asked by phone")
    waiting.refresh_from_db()
    assert waiting.status == S.APPROVED


def test_reopen_puts_a_rejected_application_back_in_the_queue(section, organizer):
    application = ApplicationFactory(section=section, status=S.SUBMITTED)
    services.reject_application(application, by=organizer, reason="Incomplete")
    services.reopen_application(application, by=organizer, reason="Papers arrived")
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.decision_reason == ""


def test_a_withdrawn_draft_cannot_be_reopened_by_organizers(section, organizer):
    draft = ApplicationFactory(section=section)
    services.withdraw_application(draft, by=draft.applicant)
    with pytest.raises(services.ApplicationError, match="never submitted"):
        services.reopen_application(draft, by=organizer)


def test_bulk_review_reports_each_row(organizer):
    section = SectionFactory(capacity_m2=18)
    rows = [
        ApplicationFactory(section=section, status=S.SUBMITTED),
        ApplicationFactory(section=section, status=S.SUBMITTED),
        ApplicationFactory(section=section, status=S.DRAFT),
    ]
    outcomes = services.review_many(rows, "approve", by=organizer)
    assert [(o.ok, o.application.status) for o in outcomes] == [
        (True, S.APPROVED),
        (True, S.WAITLISTED),
        (False, S.DRAFT),
    ]
    assert "cannot become" in outcomes[2].message


def test_one_application_per_section(section, organization):
    ApplicationFactory(section=section, organization=organization)
    with pytest.raises(services.ApplicationError, match="already applied"):
        services.create_application(
            organization,
            section,
            by=organization.main_contact,
            booth_type="standard",
            area_m2=9,
            exhibit_field="ai",
            exhibits="x",
        )


def test_create_organization_makes_the_creator_admin(db):
    from tests.factories.accounts import UserFactory

    user = UserFactory()
    organization = services.create_organization(
        by=user,
        name_en="Beijing Zhiyuan Technology Co., Ltd.",
        name_zh_hans="北京智源科技有限公司",
        country="CN",
        credit_code="91110108551385082Q",
        registration_number="ignored for China",
    )
    assert organization.main_contact == user
    assert organization.registration_number == ""
    assert organization.memberships.get().role == "admin"
    with pytest.raises(services.ExhibitorError, match="already registered"):
        services.create_organization(
            by=user,
            name_en="Copy",
            name_zh_hans="副本",
            country="CN",
            credit_code="91110108551385082Q",
        )


def test_invitation_is_accepted_only_by_the_invited_address(organization):
    from tests.factories.accounts import UserFactory

    admin = organization.main_contact
    invitation = services.invite_member(
        organization, email="Li.Lei@Example.org", role="staff", language="en", by=admin
    )
    stranger = UserFactory(email="someone@example.org")
    with pytest.raises(services.ExhibitorError, match="another address"):
        services.accept_invitation(invitation.token, user=stranger)
    invited = UserFactory(email="li.lei@example.org")
    membership = services.accept_invitation(invitation.token, user=invited)
    assert membership.role == "staff"
    with pytest.raises(services.ExhibitorError, match="not valid"):
        services.accept_invitation(invitation.token, user=invited)


def test_the_last_admin_and_the_main_contact_stay(organization):
    membership = organization.memberships.get()
    with pytest.raises(services.ExhibitorError):
        services.remove_member(membership, by=organization.main_contact)


def test_other_organizations_are_untouched(section, organizer):
    mine = ApplicationFactory(section=section, status=S.SUBMITTED)
    theirs = ApplicationFactory(
        section=section, status=S.SUBMITTED, organization=OrganizationFactory()
    )
    services.approve_application(mine, by=organizer)
    theirs.refresh_from_db()
    assert theirs.status == S.SUBMITTED
