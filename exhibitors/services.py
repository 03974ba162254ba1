"""Every write to the exhibition: organizations, members, applications and their review.

Application statuses move only along ``TRANSITIONS``; each move is one ``ApplicationEvent`` row
(who, when, why) and one mail to the applicant, sent after commit by ``notify()``.
Lock order, always: section, then applications (``_lock``), then booths, then organizations, in
primary key order. ``_save`` writes the application alone; each public service whose transitions
can enter or leave APPROVED (approve, withdraw, reject, and the promotions they make) calls
``refresh_listing`` once, last, with every organization it touched (the application's own and those
of the waitlisted applications it promoted), which recomputes their ``has_approved_application``
(what the directory lists) in the same transaction. Locking an organization as each application is
saved would cross: a review in section A holding X and promoting Y's application, one in section B
holding Y and promoting X's: a deadlock.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Sum
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User

from .models import (
    Application,
    ApplicationEvent,
    Booth,
    BoothAssignment,
    Document,
    Exhibit,
    ExhibitionSection,
    Fapiao,
    Invitation,
    Membership,
    Organization,
    Reminder,
    Requirement,
)

S = Application.Status

APPLICANT, ORGANIZER, SYSTEM = "applicant", "organizer", "system"

# (from, to) → who may make the move. Anything not listed is refused.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({APPLICANT}),
    (S.DRAFT, S.WITHDRAWN): frozenset({APPLICANT}),
    (S.SUBMITTED, S.APPROVED): frozenset({ORGANIZER}),
    (S.SUBMITTED, S.WAITLISTED): frozenset({ORGANIZER}),
    (S.SUBMITTED, S.REJECTED): frozenset({ORGANIZER}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({APPLICANT}),
    (S.WAITLISTED, S.APPROVED): frozenset({ORGANIZER, SYSTEM}),
    (S.WAITLISTED, S.REJECTED): frozenset({ORGANIZER}),
    (S.WAITLISTED, S.WITHDRAWN): frozenset({APPLICANT}),
    # Freeing an approved booth: the area goes to the waitlist.
    (S.APPROVED, S.REJECTED): frozenset({ORGANIZER}),
    (S.APPROVED, S.WITHDRAWN): frozenset({ORGANIZER}),
    # Reopen: back into the review queue.
    (S.REJECTED, S.SUBMITTED): frozenset({ORGANIZER}),
    (S.WITHDRAWN, S.SUBMITTED): frozenset({ORGANIZER}),
}

# Statuses the applicant still may change the application in.
EDITABLE = {S.DRAFT}
# Statuses in which the application is still waiting for a decision.
UNDECIDED = {S.DRAFT, S.SUBMITTED, S.WAITLISTED}


class ExhibitorError(Exception):
    """A request that cannot be carried out; the message is shown to the user."""


class ApplicationError(ExhibitorError):
    """An application change that the rules refuse."""


def can_transition(from_status: str, to_status: str, actor: str) -> bool:
    return actor in TRANSITIONS.get((from_status, to_status), ())


def _check_transition(application: Application, to: str, actor: str) -> None:
    if not can_transition(application.status, to, actor):
        raise ApplicationError(
            _("An application that is %(current)s cannot become %(new)s.")
            % {"current": S(application.status).label, "new": S(to).label}
        )


def _notify(recipients, template_key: str, context: dict, *, key: str, related=None) -> None:
    from notifications.services import notify

    notify(recipients, template_key, context, key=key, related=related)


# --- Organizations --------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "organization"
    slug, n = base, 1
    while Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


ORGANIZATION_FIELDS = {
    "name_en",
    "name_zh_hans",
    "country",
    "website",
    "credit_code",
    "registration_number",
    "description_en",
    "description_zh_hans",
}


def _clean_registration(fields: dict) -> None:
    if str(fields.get("country", "")) == "CN":
        fields["registration_number"] = ""
        if not fields.get("credit_code"):
            raise ExhibitorError(
                _(
                    "Organizations registered in mainland China give their unified social credit code."
                )
            )
    else:
        fields["credit_code"] = ""
        if not fields.get("registration_number"):
            raise ExhibitorError(_("Give the organization's registration number."))


@transaction.atomic
def create_organization(*, by: User, logo: ContentFile | None = None, **fields) -> Organization:
    """Register an organization; its creator becomes its admin and main contact."""
    fields = {k: v for k, v in fields.items() if k in ORGANIZATION_FIELDS}
    _clean_registration(fields)
    if (
        fields.get("credit_code")
        and Organization.objects.filter(credit_code=fields["credit_code"]).exists()
    ):
        raise ExhibitorError(_("An organization with this credit code is already registered."))
    organization = Organization(
        slug=_unique_slug(fields.get("name_en") or ""), main_contact=by, **fields
    )
    if logo is not None:
        organization.logo.save(logo.name, logo, save=False)
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as exc:
        raise ExhibitorError(
            _("An organization with this credit code is already registered.")
        ) from exc
    Membership.objects.create(organization=organization, user=by, role=Membership.Role.ADMIN)
    return organization


@transaction.atomic
def update_organization(
    organization: Organization,
    *,
    by: User,
    logo: ContentFile | None = None,
    main_contact: User | None = None,
    **fields,
) -> Organization:
    """Save the profile; the main contact must be a member."""
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    fields = {k: v for k, v in fields.items() if k in ORGANIZATION_FIELDS}
    _clean_registration(fields)
    for name, value in fields.items():
        setattr(organization, name, value)
    if main_contact is not None:
        if not organization.memberships.filter(user=main_contact).exists():
            raise ExhibitorError(_("The main contact must be a member of the organization."))
        organization.main_contact = main_contact
    if logo is not None:
        old = organization.logo.name
        organization.logo.save(logo.name, logo, save=False)
        if old:
            transaction.on_commit(lambda: organization.logo.storage.delete(old))
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as exc:
        raise ExhibitorError(
            _("An organization with this credit code is already registered.")
        ) from exc
    return organization


@transaction.atomic
def invite_member(
    organization: Organization, *, email: str, role: str, language: str, by: User
) -> Invitation:
    """Mail an invitation to join; the invited person accepts it with an account of that address."""
    email = User.objects.normalize_email(email).strip().lower()
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.memberships.filter(user__email__iexact=email).exists():
        raise ExhibitorError(_("%(email)s is already a member.") % {"email": email})
    if organization.invitations.filter(email__iexact=email, accepted_at__isnull=True).exists():
        raise ExhibitorError(_("%(email)s has already been invited.") % {"email": email})
    invitation = Invitation.objects.create(
        organization=organization, email=email, role=role, language=language, invited_by=by
    )
    from notifications.services import Recipient

    recipient = User.objects.filter(email__iexact=email).first() or Recipient(email, language)
    _notify(
        [recipient],
        "exhibitors/invitation",
        {
            "invitation": invitation,
            "organization": organization,
            "invited_by": by,
            "site_url": settings.SITE_URL,
        },
        key=f"invitation:{invitation.pk}",
    )
    return invitation


@transaction.atomic
def accept_invitation(token: str, *, user: User) -> Membership:
    """Join the organization; only the invited address may accept, and only once."""
    invitation = (
        Invitation.objects.select_for_update()
        .filter(token=token)
        .select_related("organization")
        .first()
    )
    if invitation is None or invitation.accepted_at is not None:
        raise ExhibitorError(_("This invitation is not valid any more."))
    if invitation.email.lower() != user.email.lower():
        raise ExhibitorError(
            _("This invitation was sent to another address. Log in with %(email)s to accept it.")
            % {"email": invitation.email}
        )
    membership, _created = Membership.objects.get_or_create(
        organization=invitation.organization, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    transaction.on_commit(lambda: _staff_joined(membership), robust=True)
    return membership


def _staff_joined(membership: Membership) -> None:
    """Tell the other apps (delegates: a registration and a badge), after the commit."""
    from .signals import staff_joined

    organization = membership.organization
    staff_joined.send(sender=Organization, organization=organization, membership=membership)


def _lock_organization(organization_id: int) -> Organization:
    """Lock the organization: serialises every change to its members and their roles."""
    return Organization.objects.select_for_update().get(pk=organization_id)


def _last_admin(organization: Organization, membership: Membership) -> bool:
    admins = organization.memberships.filter(role=Membership.Role.ADMIN)
    return (
        membership.role == Membership.Role.ADMIN and not admins.exclude(pk=membership.pk).exists()
    )


@transaction.atomic
def add_member(organization: Organization, *, user: User, role: str, by: User) -> Membership:
    """Make ``user`` a member (organizers, in the admin; exhibitors invite instead)."""
    organization = _lock_organization(organization.pk)
    if organization.memberships.filter(user=user).exists():
        raise ExhibitorError(_("%(email)s is already a member.") % {"email": user.email})
    return Membership.objects.create(organization=organization, user=user, role=role)


@transaction.atomic
def change_role(membership: Membership, role: str, *, by: User) -> Membership:
    """Give a member another role; an organization keeps at least one administrator."""
    organization = _lock_organization(membership.organization_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role != Membership.Role.ADMIN and _last_admin(organization, membership):
        raise ExhibitorError(_("An organization keeps at least one administrator."))
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, by: User) -> None:
    """Remove someone; the last admin and the main contact stay."""
    organization = _lock_organization(membership.organization_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.user_id == organization.main_contact_id:
        raise ExhibitorError(_("Choose another main contact before removing this person."))
    if _last_admin(organization, membership):
        raise ExhibitorError(_("An organization keeps at least one administrator."))
    membership.delete()


# --- Applications: the applicant's side ----------------------------------------------------


# What an application's services write besides its organization, section and applicant, in the
# model's order. The portal's and the admin's forms and the demo are built from this list, and
# the services refuse any other keyword.
APPLICATION_FIELDS = (
    "booth_type",
    "area_m2",
    "preference_1",
    "preference_2",
    "preference_3",
    "exhibit_field",
    "exhibits",
    "declares_accuracy",
    "accepts_rules",
    "declares_safety",
)


def _refuse_unknown(service: str, fields, allowed=APPLICATION_FIELDS) -> None:
    """A keyword no service writes is a programming error, not something to drop unseen."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"{service}() got unknown application fields: {', '.join(unknown)}")


def window_text(section: ExhibitionSection) -> str:
    if section.applications_open_at is None or section.applications_close_at is None:
        return _("Applications for %(section)s are not open.") % {"section": section.name}
    return _("Applications for %(section)s are open from %(open)s to %(close)s") % {
        "section": section.name,
        "open": formats.date_format(
            timezone.localtime(section.applications_open_at), "DATETIME_FORMAT"
        ),
        "close": formats.date_format(
            timezone.localtime(section.applications_close_at), "DATETIME_FORMAT"
        ),
    }


def _check_window(section: ExhibitionSection) -> None:
    if not section.is_open():
        raise ApplicationError(window_text(section))


def check_area(booth_type: str, area_m2: int | None) -> None:
    """Standard shell booths come in 9 m² units; raw space starts at 36 m²."""
    if not area_m2 or area_m2 <= 0:
        raise ApplicationError(_("Give the floor area you need."))
    if booth_type == Application.BoothType.STANDARD and area_m2 % Application.STANDARD_UNIT_M2:
        raise ApplicationError(
            _("Standard shell booths come in multiples of 9 m² (3 × 3 m): 9, 18, 27, 36 …")
        )
    if booth_type == Application.BoothType.RAW and area_m2 < Application.RAW_MINIMUM_M2:
        raise ApplicationError(_("Raw space starts at 36 m²."))


def check_applicant(organization: Organization, applicant: User) -> None:
    """The applicant answers for the application and gets its mails: a member of the organization."""
    if not Membership.objects.filter(organization=organization, user=applicant).exists():
        raise ApplicationError(
            _("The applicant must be a member of %(organization)s.")
            % {"organization": organization.name}
        )


def check_preferences(fields: dict) -> None:
    chosen = [fields.get(f"preference_{i}") for i in (1, 2, 3) if fields.get(f"preference_{i}")]
    if len(chosen) != len(set(chosen)):
        raise ApplicationError(_("Each booth preference can be chosen once."))


def _record(
    application: Application, to: str, *, by: User | None, reason: str = ""
) -> ApplicationEvent:
    event = ApplicationEvent.objects.create(
        application=application,
        from_status=application.status,
        to_status=to,
        actor=by,
        reason=reason,
    )
    application.status = to
    application.status_changed_at = event.at
    return event


@transaction.atomic(savepoint=False)  # the caller's transaction, or one of its own
def refresh_listing(*organization_ids: int) -> None:
    """Recompute ``has_approved_application`` of these organizations from their applications, in
    the caller's transaction, so the directory never lists one without an approved booth."""
    organizations = Organization.objects.filter(pk__in=organization_ids).order_by("pk")
    # Lock, then count in a statement of its own: its snapshot then sees what a concurrent review
    # of the same organization (in another section) committed while this one waited. A single
    # UPDATE would count from before the wait and could unlist an approved organization.
    list(organizations.select_for_update().values_list("pk", flat=True))
    approved = Application.objects.approved().filter(organization=OuterRef("pk"))
    organizations.update(has_approved_application=Exists(approved))


def _save(application: Application, *fields: str) -> None:
    """Save a status change (``_record``). The caller then refreshes the listing of every
    organization it touched, once, at its end (lock order: see the module's docstring)."""
    application.save(update_fields=["status", "status_changed_at", *fields])


def _mail_applicant(application: Application, event: ApplicationEvent, kind: str) -> None:
    _notify(
        [application.applicant],
        "exhibitors/application_status",
        {
            "application": application,
            "organization": application.organization,
            "section": application.section,
            "event": event,
            "kind": kind,
            "site_url": settings.SITE_URL,
        },
        key=f"application:{application.pk}:event:{event.pk}",
        related=application,
    )


@transaction.atomic
def create_application(
    organization: Organization,
    section: ExhibitionSection,
    *,
    by: User,
    applicant: User | None = None,
    **fields,
) -> Application:
    """A draft application to a section whose window is open.

    ``by`` makes it (the history's actor): the applicant, or an organizer in the admin on behalf
    of ``applicant``. Organizers get no exception to the window: only the applicant submits a
    draft, and only while the window is open; organizers admitting a late exhibitor extend it.
    """
    _refuse_unknown("create_application", fields)
    applicant = applicant or by
    section = ExhibitionSection.objects.select_for_update().get(pk=section.pk)
    _check_window(section)
    check_applicant(organization, applicant)
    check_area(fields.get("booth_type"), fields.get("area_m2"))
    check_preferences(fields)
    if Application.objects.filter(organization=organization, section=section).exists():
        raise ApplicationError(
            _("%(organization)s has already applied to %(section)s.")
            % {"organization": organization.name, "section": section.name}
        )
    application = Application.objects.create(
        organization=organization, section=section, applicant=applicant, **fields
    )
    ApplicationEvent.objects.create(application=application, to_status=S.DRAFT, actor=by)
    return application


@transaction.atomic
def update_application(application: Application, *, by: User, **fields) -> Application:
    """Change a draft."""
    _refuse_unknown("update_application", fields)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in EDITABLE:
        raise ApplicationError(_("Only a draft can be changed."))
    check_area(
        fields.get("booth_type", application.booth_type), fields.get("area_m2", application.area_m2)
    )
    check_preferences(fields)
    for name, value in fields.items():
        setattr(application, name, value)
    application.save()
    return application


# --- Applications: organizers' corrections (the admin's change form) -------------------------

# What approval counts against the section's floor area, and the applicant's own declarations:
# fixed once the application leaves the draft. An exhibitor who wants another section or booth
# withdraws and applies again; organizers reject or reopen through the review services.
DRAFT_ONLY_FIELDS = (
    "section",
    "booth_type",
    "area_m2",
    "declares_accuracy",
    "accepts_rules",
    "declares_safety",
)
# What organizers may correct at any status: the rest. The status and the decision move only
# through the review services below, never through a form.
CORRECTABLE_FIELDS = (
    "applicant",
    *(name for name in APPLICATION_FIELDS if name not in DRAFT_ONLY_FIELDS),
)


def correctable_fields(status: str) -> tuple[str, ...]:
    """The fields an organizer may change in an application of this status."""
    if status in EDITABLE:
        return (*DRAFT_ONLY_FIELDS, *CORRECTABLE_FIELDS)
    return CORRECTABLE_FIELDS


def check_correctable(status: str, names) -> None:
    if set(names) - set(correctable_fields(status)):
        raise ApplicationError(
            _(
                "This application is %(status)s now: its section, booth type, area and "
                "declarations are fixed. Nothing was saved; the form shows the application "
                "as it is now."
            )
            % {"status": S(status).label}
        )


@transaction.atomic
def correct_application(application: Application, **fields) -> Application:
    """An organizer's corrections: only the given fields are written, under the row's lock.

    The admin's form was read before this request's save: writing the whole row would put back
    a status, a decision or a listing that a review committed in between. Nothing given, nothing
    written.
    """
    _refuse_unknown("correct_application", fields, allowed=correctable_fields(S.DRAFT))
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not fields:
        return application
    check_correctable(application.status, fields)
    if "booth_type" in fields or "area_m2" in fields:
        check_area(
            fields.get("booth_type", application.booth_type),
            fields.get("area_m2", application.area_m2),
        )
    preferences = ("preference_1", "preference_2", "preference_3")
    if set(preferences) & set(fields):
        check_preferences(
            {name: fields.get(name, getattr(application, name)) for name in preferences}
        )
    if "applicant" in fields:
        check_applicant(application.organization, fields["applicant"])
    section = fields.get("section")
    if section is not None and section.pk != application.section_id:
        taken = Application.objects.filter(
            organization_id=application.organization_id, section=section
        ).exists()
        if taken:
            raise _already_applied(application, section)
    for name, value in fields.items():
        setattr(application, name, value)
    try:
        with transaction.atomic():
            application.save(update_fields=list(fields))
    except IntegrityError as exc:
        if section is None:
            raise
        # The organization applied to that section meanwhile.
        raise _already_applied(application, section) from exc
    return application


def _already_applied(application: Application, section: ExhibitionSection) -> ApplicationError:
    return ApplicationError(
        _("%(organization)s has already applied to %(section)s.")
        % {"organization": application.organization.name, "section": section.name}
    )


def _lock(application: Application) -> tuple[ExhibitionSection, Application]:
    """Lock the section (serialises every floor-area decision in it), then the application."""
    section = ExhibitionSection.objects.select_for_update().get(pk=application.section_id)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("organization", "applicant")
        .get(pk=application.pk)
    )
    application.section = section
    return section, application


@transaction.atomic
def submit_application(application: Application, *, by: User) -> Application:
    """Send a complete draft for review, while the section's window is open."""
    section, application = _lock(application)
    _check_transition(application, S.SUBMITTED, APPLICANT)
    _check_window(section)
    check_area(application.booth_type, application.area_m2)
    if not (
        application.declares_accuracy and application.accepts_rules and application.declares_safety
    ):
        raise ApplicationError(_("Confirm all three declarations before submitting."))
    if not application.exhibits.strip():
        raise ApplicationError(_("Describe your exhibits before submitting."))
    event = _record(application, S.SUBMITTED, by=by)
    application.submitted_at = event.at
    _save(application, "submitted_at")
    _mail_applicant(application, event, "submitted")
    return application


@transaction.atomic
def withdraw_application(
    application: Application, *, by: User, reason: str = "", actor: str = APPLICANT
) -> Application:
    """The applicant withdraws before a decision; organizers may withdraw an approved booth."""
    section, application = _lock(application)
    _check_transition(application, S.WITHDRAWN, actor)
    was_approved = application.status == S.APPROVED
    event = _record(application, S.WITHDRAWN, by=by, reason=reason)
    _save(application)
    if was_approved:
        _vacate_all(application, by=by, reason=reason)
    _mail_applicant(application, event, "withdrawn")
    promoted = _promote_waitlisted(section) if was_approved else []
    refresh_listing(application.organization_id, *(p.organization_id for p in promoted))
    return application


# --- Review: the organizers' side ----------------------------------------------------------


def approved_area(section: ExhibitionSection) -> int:
    """Floor area taken by approved applications, summed in SQL."""
    return (
        Application.objects.approved().filter(section=section).aggregate(m2=Sum("area_m2"))["m2"]
        or 0
    )


@transaction.atomic
def approve_application(application: Application, *, by: User, reason: str = "") -> Application:
    """Approve, or waitlist when the section's floor area is taken."""
    section, application = _lock(application)
    _check_transition(application, S.APPROVED, ORGANIZER)
    fits = approved_area(section) + application.area_m2 <= section.capacity_m2
    if fits:
        event = _record(application, S.APPROVED, by=by, reason=reason)
        kind = "approved"
    elif application.status == S.WAITLISTED:
        raise ApplicationError(
            _("%(area)s m² do not fit in %(section)s: %(free)s m² are free.")
            % {
                "area": application.area_m2,
                "section": section.name,
                "free": max(section.capacity_m2 - approved_area(section), 0),
            }
        )
    else:
        event = _record(
            application,
            S.WAITLISTED,
            by=by,
            reason=reason or _("The section's floor area is taken."),
        )
        kind = "waitlisted"
    _save(application)
    _mail_applicant(application, event, kind)
    refresh_listing(application.organization_id)
    return application


@transaction.atomic
def waitlist_application(application: Application, *, by: User, reason: str = "") -> Application:
    section, application = _lock(application)
    _check_transition(application, S.WAITLISTED, ORGANIZER)
    event = _record(application, S.WAITLISTED, by=by, reason=reason)
    _save(application)
    _mail_applicant(application, event, "waitlisted")
    return application


@transaction.atomic
def reject_application(application: Application, *, by: User, reason: str) -> Application:
    """Reject with a reason the applicant reads; a freed booth goes to the waitlist."""
    if not (reason or "").strip():
        raise ApplicationError(_("Give the reason for the rejection: the applicant reads it."))
    section, application = _lock(application)
    _check_transition(application, S.REJECTED, ORGANIZER)
    was_approved = application.status == S.APPROVED
    event = _record(application, S.REJECTED, by=by, reason=reason.strip())
    application.decision_reason = reason.strip()
    _save(application, "decision_reason")
    if was_approved:
        _vacate_all(application, by=by, reason=reason)
    _mail_applicant(application, event, "rejected")
    promoted = _promote_waitlisted(section) if was_approved else []
    refresh_listing(application.organization_id, *(p.organization_id for p in promoted))
    return application


@transaction.atomic
def reopen_application(application: Application, *, by: User, reason: str = "") -> Application:
    """Put a rejected or withdrawn application back into the review queue."""
    section, application = _lock(application)
    _check_transition(application, S.SUBMITTED, ORGANIZER)
    if application.submitted_at is None:
        # A draft withdrawn by its applicant never passed the submission checks.
        raise ApplicationError(_("This application was never submitted: the applicant submits it."))
    event = _record(application, S.SUBMITTED, by=by, reason=reason)
    application.decision_reason = ""
    _save(application, "decision_reason")
    _mail_applicant(application, event, "reopened")
    return application


def _promote_waitlisted(section: ExhibitionSection) -> list[Application]:
    """Offer free area to waitlisted applications in waiting order (caller holds the section lock
    and refreshes the listing of the promoted applications' organizations)."""
    free = section.capacity_m2 - approved_area(section)
    promoted = []
    waiting = (
        Application.objects.select_for_update(of=("self",))
        .filter(section=section, status=S.WAITLISTED, area_m2__lte=max(free, 0))
        .select_related("organization", "applicant")
        .order_by("status_changed_at", "pk")
    )
    for application in waiting:
        if application.area_m2 > free:
            continue
        application.section = section
        event = _record(
            application, S.APPROVED, by=None, reason=_("Floor area became free in the section.")
        )
        _save(application)
        _mail_applicant(application, event, "promoted")
        free -= application.area_m2
        promoted.append(application)
    return promoted


@dataclass
class Outcome:
    application: Application
    ok: bool
    message: str


def withdraw_for_exhibitor(application: Application, *, by: User, reason: str = "") -> Application:
    """Organizers withdraw an approved booth when the exhibitor asks them to."""
    return withdraw_application(application, by=by, reason=reason, actor=ORGANIZER)


ACTIONS = {
    "approve": approve_application,
    "withdraw": withdraw_for_exhibitor,
    "reject": reject_application,
    "waitlist": waitlist_application,
    "reopen": reopen_application,
}


def review_many(applications, action: str, *, by: User, reason: str = "") -> list[Outcome]:
    """Apply one review action to each application on its own; a refusal does not stop the rest."""
    service = ACTIONS[action]
    outcomes = []
    for application in applications:
        try:
            result = service(application, by=by, reason=reason)
        except ApplicationError as exc:
            outcomes.append(Outcome(application, False, str(exc)))
        else:
            outcomes.append(Outcome(result, True, result.get_status_display()))
    return outcomes


# --- Booths: the exhibition team places approved applications on the floor -----------------


class BoothError(ExhibitorError):
    """A booth assignment, move or vacation that the rules refuse."""


def m2(value) -> str:
    """An area as people write it: 9, 13.5 (never 9.00)."""
    return f"{float(value):g}"


def assigned_area(application: Application):
    """Floor area of the booths the application holds, summed in SQL."""
    return application.booths.aggregate(m2=Sum("area_m2"))["m2"] or 0


def booth_area(section: ExhibitionSection):
    """Floor area of all the section's booths (assigned or not), summed in SQL."""
    return Booth.objects.filter(section=section).aggregate(m2=Sum("area_m2"))["m2"] or 0


@transaction.atomic
def save_booth(booth: Booth) -> Booth:
    """A booth of the plan created or changed (the admin's form, a sheet's row): checked as the
    model checks it (stand number, size, the section's floor area), under the section's lock so
    two saves cannot both take its last square metres. Tenancy is never set here: see
    ``assign_booth``, ``move_booth``, ``vacate_booth``."""
    ExhibitionSection.objects.select_for_update().filter(pk=booth.section_id).first()
    if booth.pk and Booth.objects.filter(pk=booth.pk, application__isnull=False).exists():
        raise BoothError(
            _("Booth %(code)s is assigned: vacate it before changing it.") % {"code": booth.code}
        )
    booth.full_clean()
    booth.save()
    return booth


def _lock_booth(booth: Booth) -> Booth:
    return Booth.objects.select_for_update(of=("self",)).select_related("hall").get(pk=booth.pk)


def _check_free(booth: Booth, application: Application) -> None:
    if booth.status != Booth.Status.AVAILABLE:
        if booth.application_id == application.pk:
            raise BoothError(
                _("Booth %(booth)s is already assigned to %(organization)s.")
                % {"booth": booth.code, "organization": application.organization.name}
            )
        raise BoothError(
            _("Booth %(booth)s is %(status)s: choose a free booth.")
            % {"booth": booth.code, "status": booth.get_status_display()}
        )
    if booth.section_id != application.section_id:
        raise BoothError(
            _("Booth %(booth)s lies in another section than %(section)s.")
            % {"booth": booth.code, "section": application.section.name}
        )


def _check_area(application: Application, booth: Booth, override_reason: str, *, moving=None):
    held = assigned_area(application) - (moving.area_m2 if moving is not None else 0)
    if held + booth.area_m2 > application.area_m2 and not override_reason.strip():
        raise BoothError(
            _(
                "Booth %(booth)s (%(area)s m²) would give %(organization)s %(total)s m², more "
                "than the %(approved)s m² approved. Give a reason to assign it all the same."
            )
            % {
                "booth": booth.code,
                "area": m2(booth.area_m2),
                "organization": application.organization.name,
                "total": m2(held + booth.area_m2),
                "approved": application.area_m2,
            }
        )


def _take(booth: Booth, application: Application, *, by, reason: str, moved_from=None):
    booth.status = Booth.Status.ASSIGNED
    booth.application = application
    booth.save(update_fields=["status", "application"])
    try:
        with transaction.atomic():
            return BoothAssignment.objects.create(
                booth=booth,
                application=application,
                assigned_by=by,
                reason=reason.strip(),
                moved_from=moved_from,
            )
    except IntegrityError as exc:  # booth_assigned_once: another tenancy is open
        raise BoothError(
            _("Booth %(booth)s was assigned meanwhile: choose another one.") % {"booth": booth.code}
        ) from exc


def _release(booth: Booth, *, by, how: str, reason: str = "") -> None:
    BoothAssignment.objects.filter(booth=booth, ended_at__isnull=True).update(
        ended=how, ended_by=by, end_reason=reason.strip(), ended_at=timezone.now()
    )
    booth.status = Booth.Status.AVAILABLE
    booth.application = None
    booth.save(update_fields=["status", "application"])


def _mail_booth(application: Application, assignment: BoothAssignment, kind: str) -> None:
    booth = assignment.booth
    _notify(
        [application.applicant],
        "exhibitors/booth_assigned",
        {
            "application": application,
            "organization": application.organization,
            "section": application.section,
            "booth": booth,
            "hall": booth.hall,
            "kind": kind,
            "site_url": settings.SITE_URL,
        },
        key=f"booth-assignment:{assignment.pk}",
        related=application,
    )


@transaction.atomic
def assign_booth(
    application: Application, booth: Booth, *, by: User, override_reason: str = ""
) -> BoothAssignment:
    """Give a free booth of its section to an approved application; mail hall and stand.

    Locks section, application, then booth: two team members assigning one booth to two
    organizations wait for each other, and the second finds it taken. Beyond the approved area
    only with ``override_reason``, which the history keeps."""
    section, application = _lock(application)
    if application.status != S.APPROVED:
        raise BoothError(_("Only an approved application gets a booth."))
    booth = _lock_booth(booth)
    _check_free(booth, application)
    _check_area(application, booth, override_reason)
    assignment = _take(booth, application, by=by, reason=override_reason)
    _mail_booth(application, assignment, "assigned")
    return assignment


@transaction.atomic
def move_booth(
    application: Application, from_booth: Booth, to_booth: Booth, *, by: User, reason: str = ""
) -> BoothAssignment:
    """Move an application from one of its booths to a free one; both tenancies stay recorded."""
    section, application = _lock(application)
    # Booths in primary-key order, as every booth lock.
    first, second = sorted([from_booth, to_booth], key=lambda b: b.pk)
    locked = {b.pk: _lock_booth(b) for b in (first, second)}
    from_booth, to_booth = locked[from_booth.pk], locked[to_booth.pk]
    if from_booth.application_id != application.pk:
        raise BoothError(
            _("%(organization)s does not hold booth %(booth)s.")
            % {"organization": application.organization.name, "booth": from_booth.code}
        )
    _check_free(to_booth, application)
    _check_area(application, to_booth, reason, moving=from_booth)
    _release(from_booth, by=by, how=BoothAssignment.End.MOVED, reason=reason)
    assignment = _take(to_booth, application, by=by, reason=reason, moved_from=from_booth)
    _mail_booth(application, assignment, "moved")
    return assignment


def _vacate_all(application: Application, *, by, reason: str = "") -> None:
    """Free every booth of an application leaving APPROVED (caller holds section and application
    locks; booths locked next, in primary-key order)."""
    booths = Booth.objects.select_for_update().filter(application=application).order_by("pk")
    for booth in booths:
        _release(booth, by=by, how=BoothAssignment.End.VACATED, reason=reason)


@transaction.atomic
def vacate_booth(booth: Booth, *, by: User, reason: str = "") -> Booth:
    """Free an assigned booth; its tenancy ends as vacated."""
    booth = Booth.objects.get(pk=booth.pk)
    if booth.application_id is None:
        raise BoothError(_("Booth %(booth)s is not assigned.") % {"booth": booth.code})
    _lock(booth.application)
    booth = _lock_booth(booth)
    if booth.application_id is None:
        raise BoothError(_("Booth %(booth)s is not assigned.") % {"booth": booth.code})
    _release(booth, by=by, how=BoothAssignment.End.VACATED, reason=reason)
    return booth


def free_booths_for(application: Application) -> list[Booth]:
    """Available booths of the application's section that fit what is left of its approved area,
    smallest first (the admin's assignment form)."""
    left = application.area_m2 - assigned_area(application)
    return list(
        Booth.objects.filter(
            section_id=application.section_id, status=Booth.Status.AVAILABLE, area_m2__lte=left
        )
        .select_related("hall")
        .order_by("area_m2", "hall__position", "code")
    )


# --- The exhibitor's portal: exhibits ------------------------------------------------------

# What an exhibit's services write besides its organization and image.
EXHIBIT_FIELDS = (
    "name_zh_hans",
    "name_en",
    "description_zh_hans",
    "description_en",
    "field",
    "maturity",
    "first_release",
)


def _check_exhibit(fields: dict) -> dict:
    _refuse_unknown("exhibit", fields, EXHIBIT_FIELDS)
    fields = dict(fields)
    if not (fields.get("name_zh_hans") or "").strip() and not (fields.get("name_en") or "").strip():
        raise ExhibitorError(_("Give the exhibit a name in Chinese or in English."))
    return fields


@transaction.atomic
def add_exhibit(
    organization: Organization, *, by: User, image: ContentFile | None = None, **fields
) -> Exhibit:
    """A new exhibit, last in the organization's list."""
    fields = _check_exhibit(fields)
    organization = _lock_organization(organization.pk)
    last = organization.exhibits.aggregate(m=Max("position"))["m"]
    exhibit = Exhibit(organization=organization, position=(last or 0) + 1, **fields)
    if image is not None:
        exhibit.image.save(image.name, image, save=False)
    exhibit.save()
    return exhibit


@transaction.atomic
def update_exhibit(
    exhibit: Exhibit, *, by: User, image: ContentFile | None = None, **fields
) -> Exhibit:
    fields = _check_exhibit(fields)
    exhibit = Exhibit.objects.select_for_update().get(pk=exhibit.pk)
    for name, value in fields.items():
        setattr(exhibit, name, value)
    if image is not None:
        old = exhibit.image.name
        exhibit.image.save(image.name, image, save=False)
        if old:
            transaction.on_commit(lambda: exhibit.image.storage.delete(old))
    exhibit.save()
    return exhibit


@transaction.atomic
def delete_exhibit(exhibit: Exhibit, *, by: User) -> None:
    old = exhibit.image.name
    Exhibit.objects.filter(pk=exhibit.pk).delete()
    if old:
        transaction.on_commit(lambda: exhibit.image.storage.delete(old))


# --- The exhibitor's portal: stand staff and their allowance ------------------------------


def staff_allowance_for(area_m2, booth_type: str = Application.BoothType.STANDARD) -> int:
    """The rule (the one place it lives): one badge per 9 m² of floor area, at least two, for
    standard booths and raw space alike. Settings may change the figures."""
    per_unit = getattr(settings, "EXHIBITOR_STAFF_PER_9M2", 1)
    minimum = getattr(settings, "EXHIBITOR_STAFF_MINIMUM", 2)
    return max(minimum, (int(area_m2 or 0) // Application.STANDARD_UNIT_M2) * per_unit)


def approved_areas(organization_ids=None) -> dict[int, list[tuple[str, int]]]:
    """{organization id: [(booth type, m²) of each approved application]}."""
    rows = Application.objects.approved().order_by()
    if organization_ids is not None:
        rows = rows.filter(organization_id__in=organization_ids)
    areas: dict[int, list[tuple[str, int]]] = {}
    for organization_id, booth_type, area in rows.values_list(
        "organization_id", "booth_type", "area_m2"
    ):
        areas.setdefault(organization_id, []).append((booth_type, area))
    return areas


def staff_allowance(organization: Organization, areas=None) -> int:
    """How many people may act (and wear a badge) for the organization: the team's override, or
    the rule over its approved applications; 0 before any is approved."""
    if organization.staff_allowance is not None:
        return organization.staff_allowance
    if areas is None:
        areas = approved_areas([organization.pk]).get(organization.pk, [])
    if not areas:
        return 0
    # The rule over the whole approved area (two 9 m² applications: 18 m², two badges).
    booth_type = Application.BoothType.RAW if any(t == "raw" for t, _a in areas) else "standard"
    return staff_allowance_for(sum(area for _t, area in areas), booth_type)


def staff_used(organization: Organization) -> int:
    """Members and open invitations: each counts against the allowance."""
    return (
        organization.memberships.count()
        + organization.invitations.filter(accepted_at__isnull=True).count()
    )


class StaffError(ExhibitorError):
    """An invitation beyond the organization's staff allowance."""


@transaction.atomic
def invite_staff(organization: Organization, *, email: str, language: str, by: User) -> Invitation:
    """Invite a stand staff member, within the allowance (counted under the organization's lock)."""
    organization = _lock_organization(organization.pk)
    allowance = staff_allowance(organization)
    used = staff_used(organization)
    if allowance == 0:
        raise StaffError(
            _("Stand staff can be invited once an application for floor area is approved.")
        )
    if used >= allowance:
        raise StaffError(
            _(
                "Your allowance is %(allowance)s people and %(used)s are members or invited: "
                "remove someone or ask the exhibition team for more."
            )
            % {"allowance": allowance, "used": used}
        )
    return invite_member(
        organization, email=email, role=Membership.Role.STAFF, language=language, by=by
    )


def invite(organization: Organization, *, email: str, role: str, language: str, by: User):
    """An invitation from the portal. Once floor area is approved, stand staff come within the
    allowance; before, any colleague may join to apply."""
    if role == Membership.Role.STAFF and staff_allowance(organization) > 0:
        return invite_staff(organization, email=email, language=language, by=by)
    return invite_member(organization, email=email, role=role, language=language, by=by)


# --- The exhibitor's portal: required documents -------------------------------------------

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# What an upload may be, recognised by its first bytes (never by its name or the browser's word).
DOCUMENT_TYPES = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
    "dwg": (b"AC10", "image/vnd.dwg"),
}
FASCIA_WIDTH = 12  # Chinese characters; a Latin letter, digit or space is half of one


def _is_wide(char: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(char) in ("W", "F")


def fascia_width(text: str) -> float:
    return sum(1 if _is_wide(c) else 0.5 for c in text)


def check_fascia(text: str) -> str:
    """The fascia board holds at most 12 Chinese characters or 24 Latin letters (a mix: each
    Latin letter half a Chinese character)."""
    text = " ".join((text or "").split())
    if not text:
        raise ExhibitorError(_("Give the text of the fascia board."))
    if fascia_width(text) > FASCIA_WIDTH:
        raise ExhibitorError(
            _(
                "The fascia board holds at most 12 Chinese characters or 24 Latin letters; "
                "%(text)s is longer."
            )
            % {"text": text}
        )
    return text


def check_upload(upload) -> tuple[str, str]:
    """(extension, content type) of an accepted upload; ExhibitorError with a message otherwise."""
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ExhibitorError(
            _("The file is too large: at most %(mb)s MB.")
            % {"mb": DOCUMENT_MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for extension, (magic, content_type) in DOCUMENT_TYPES.items():
        if head.startswith(magic):
            return extension, content_type
    raise ExhibitorError(_("Upload a PDF, PNG, JPEG or DWG file; this file is none of them."))


def applicable(requirement: Requirement, organization: Organization) -> bool:
    return any(
        requirement.applies_to(application) for application in organization.applications.approved()
    )


def _document_recipients(document: Document) -> list[User]:
    admins = User.objects.filter(
        exhibitor_memberships__organization_id=document.organization_id,
        exhibitor_memberships__role=Membership.Role.ADMIN,
    )
    people = {user.pk: user for user in admins}
    if document.submitted_by_id:
        people.setdefault(document.submitted_by_id, document.submitted_by)
    return list(people.values())


def _mail_document(document: Document, kind: str) -> None:
    _notify(
        _document_recipients(document),
        "exhibitors/document",
        {
            "document": document,
            "requirement": document.requirement,
            "organization": document.organization,
            "kind": kind,
            "site_url": settings.SITE_URL,
        },
        key=f"document:{document.pk}:{kind}:{timezone.now().timestamp()}",
        related=document,
    )


@transaction.atomic
def submit_document(
    organization: Organization,
    requirement: Requirement,
    *,
    by: User,
    text: str = "",
    upload=None,
) -> Document:
    """Hand in (or again, after a return) what a requirement asks for; mailed as received."""
    organization = _lock_organization(organization.pk)
    if not applicable(requirement, organization):
        raise ExhibitorError(_("This document is not asked of your organization."))
    document = (
        Document.objects.select_for_update()
        .filter(requirement=requirement, organization=organization)
        .first()
    )
    if document is not None and document.status == Document.Status.ACCEPTED:
        raise ExhibitorError(_("This document is accepted already; ask the team to change it."))
    document = document or Document(requirement=requirement, organization=organization)
    old_file = document.file.name if document.pk else ""
    if requirement.kind == Requirement.Kind.UPLOAD:
        if upload is None:
            raise ExhibitorError(_("Choose the file to upload."))
        extension, content_type = check_upload(upload)
        original = (getattr(upload, "name", "") or f"document.{extension}").rsplit("/", 1)[-1]
        document.file.save(f"upload.{extension}", upload, save=False)
        document.filename = original[:200]
        document.content_type = content_type
        document.size = upload.size
        document.text = ""
    else:
        if requirement.kind == Requirement.Kind.FASCIA:
            text = check_fascia(text)
        else:
            text = (text or "").strip()
            if not text:
                raise ExhibitorError(_("Fill in the text first."))
        document.text = text
    document.status = Document.Status.SUBMITTED
    document.submitted_by = by
    document.submitted_at = timezone.now()
    document.reviewed_by, document.reviewed_at, document.comment = None, None, ""
    document.save()
    if old_file and old_file != document.file.name:
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    _mail_document(document, "submitted")
    return document


@transaction.atomic
def review_document(document: Document, *, accept: bool, by: User, comment: str = "") -> Document:
    """The team accepts a submitted document, or returns it with a comment (required)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if document.status != Document.Status.SUBMITTED:
        raise ExhibitorError(_("Only a document waiting for review can be accepted or returned."))
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ExhibitorError(_("Say what to change: a returned document needs a comment."))
    document.status = Document.Status.ACCEPTED if accept else Document.Status.RETURNED
    document.reviewed_by, document.reviewed_at, document.comment = by, timezone.now(), comment
    document.save(update_fields=["status", "reviewed_by", "reviewed_at", "comment"])
    _mail_document(document, "accepted" if accept else "returned")
    return document


# --- Reminders ----------------------------------------------------------------------------

REMIND_DAYS_BEFORE = 7


def send_document_reminders(today=None) -> int:
    """Mail each organization about its documents due in 7 days or overdue (not handed in, or
    returned): once per requirement, organization, stage and due date (a ``Reminder`` row,
    unique), so running twice sends nothing new and a new due date arms them again."""
    from datetime import timedelta

    today = today or timezone.localdate()
    soon = today + timedelta(days=REMIND_DAYS_BEFORE)
    requirements = list(Requirement.objects.filter(due_on__lte=soon).select_related("section"))
    if not requirements:
        return 0
    approved = Application.objects.approved().select_related("organization")
    done = set(
        Document.objects.filter(requirement__in=requirements)
        .exclude(status=Document.Status.RETURNED)
        .values_list("requirement_id", "organization_id")
    )
    sent = 0
    seen = set()
    for application in approved.order_by("organization_id", "pk"):
        for requirement in requirements:
            pair = (requirement.pk, application.organization_id)
            if pair in seen or pair in done or not requirement.applies_to(application):
                continue
            seen.add(pair)
            stage = (
                Reminder.Stage.OVERDUE if requirement.due_on < today else Reminder.Stage.DUE_SOON
            )
            sent += _remind(requirement, application.organization, stage)
    return sent


@transaction.atomic
def _remind(requirement: Requirement, organization: Organization, stage: str) -> int:
    _reminder, created = Reminder.objects.get_or_create(
        requirement=requirement, organization=organization, stage=stage, due_on=requirement.due_on
    )
    if not created:
        return 0
    admins = User.objects.filter(
        exhibitor_memberships__organization=organization,
        exhibitor_memberships__role=Membership.Role.ADMIN,
    )
    _notify(
        admins,
        "exhibitors/document_reminder",
        {
            "requirement": requirement,
            "organization": organization,
            "overdue": stage == Reminder.Stage.OVERDUE,
            "site_url": settings.SITE_URL,
        },
        key=f"document-reminder:{requirement.pk}:{organization.pk}:{stage}:{requirement.due_on}",
    )
    return 1


# --- Fees and fapiao ------------------------------------------------------------------------

FAPIAO_FIELDS = ("kind", "company_name", "taxpayer_id", "address", "phone", "bank", "account")


@transaction.atomic
def save_fapiao(organization: Organization, *, by: User, **fields) -> Fapiao:
    """The organization's fapiao details; a special VAT invoice needs the bank and address too."""
    _refuse_unknown("fapiao", fields, FAPIAO_FIELDS)
    from .validators import normalize_credit_code, validate_credit_code

    organization = _lock_organization(organization.pk)
    fields["taxpayer_id"] = normalize_credit_code(fields.get("taxpayer_id", ""))
    try:
        validate_credit_code(fields["taxpayer_id"])
    except Exception as exc:  # ValidationError: its message, as the user reads it
        raise ExhibitorError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
    if fields.get("kind") == Fapiao.Kind.SPECIAL and not all(
        (fields.get(name) or "").strip() for name in ("address", "phone", "bank", "account")
    ):
        raise ExhibitorError(_("A special VAT invoice needs the address, phone, bank and account."))
    fapiao, _created = Fapiao.objects.update_or_create(
        organization=organization, defaults=fields | {"updated_at": timezone.now()}
    )
    return fapiao
