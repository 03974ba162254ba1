"""Registrations: registering, public and sensitive details, review, invitations, photos.

Also the registrations the forum makes itself, for its speakers and exhibitors' staff.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.images import ImageRejected, encode, open_upload
from notifications.services import Recipient, notify

from ..models import (
    PHOTO_MAX_BYTES,
    PHOTO_MAX_PIXELS,
    PHOTO_MIN_SIDE,
    PHOTO_STORED_SIDE,
    Category,
    Invitation,
    Registration,
)

User = get_user_model()

SENSITIVE_FIELDS = ("photo", "dietary_needs", "accessibility_needs")
# Fields a person (or their coordinator) may change after registering.
EDITABLE_FIELDS = ("name", "name_zh", "organization", "title", "country")


class RegistrationError(Exception):
    """A request about a registration that cannot be carried out; the message is shown."""


class InvitationError(RegistrationError):
    """An invitation code that cannot be used (unknown, expired, used up, for someone else)."""


# --- Photos ---------------------------------------------------------------------------------


def clean_photo(upload) -> ContentFile:
    """A re-encoded JPEG of an uploaded PNG/JPEG, without EXIF; raises RegistrationError."""
    try:
        image, _kind = open_upload(upload, max_bytes=PHOTO_MAX_BYTES, max_pixels=PHOTO_MAX_PIXELS)
    except ImageRejected as exc:
        if exc.reason == "too_large":
            raise RegistrationError(
                _("The photo is too large: at most %(mb)d MB.") % {"mb": PHOTO_MAX_BYTES // 2**20}
            ) from exc
        if exc.reason in ("pixels", "bomb"):
            raise RegistrationError(_("The photo has too many pixels.")) from exc
        raise RegistrationError(_("Upload a photo as a PNG or JPEG image.")) from exc
    if min(image.size) < PHOTO_MIN_SIDE:
        raise RegistrationError(
            _("The photo is too small: at least %(px)d pixels on each side.")
            % {"px": PHOTO_MIN_SIDE}
        )
    image.thumbnail((PHOTO_STORED_SIDE, PHOTO_STORED_SIDE))
    return ContentFile(encode(image, "JPEG", quality=85), name="photo.jpg")


# --- Registration ---------------------------------------------------------------------------


@dataclass
class RegistrationData:
    name: str
    organization: str
    country: str
    name_zh: str = ""
    title: str = ""
    dietary_needs: str = ""
    accessibility_needs: str = ""
    photo: ContentFile | None = None
    accepts_terms: bool = False
    consents_to_sensitive_data: bool = False
    consents_to_leads: bool = False


def _check_consents(data: RegistrationData) -> None:
    if not data.accepts_terms:
        raise RegistrationError(_("Please accept the terms of participation."))
    has_sensitive = bool(
        data.photo or data.dietary_needs.strip() or data.accessibility_needs.strip()
    )
    if has_sensitive and not data.consents_to_sensitive_data:
        raise RegistrationError(
            _(
                "A photo, dietary or accessibility needs are sensitive personal information: "
                "give your separate consent, or leave them empty."
            )
        )


def _lock_invitation(code: str, user) -> Invitation:
    """The invitation behind a code, row-locked, checked usable by this person."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("category")
        .filter(code__iexact=code.strip())
        .first()
    )
    if invitation is None:
        raise InvitationError(_("This invitation code is not valid."))
    if invitation.expires_at is not None and invitation.expires_at <= timezone.now():
        raise InvitationError(_("This invitation code has expired."))
    if invitation.uses >= invitation.max_uses:
        raise InvitationError(_("This invitation code has been used up."))
    if invitation.email and invitation.email.lower() != user.email.lower():
        raise InvitationError(_("This invitation code was issued to another person."))
    return invitation


@transaction.atomic
def register(
    user, data: RegistrationData, *, category: Category | None = None, code: str = ""
) -> Registration:
    """Register a person once: approved at once when the category or an invitation allows it."""
    _check_consents(data)
    # The account row serialises two submissions of the same person.
    user = User.objects.select_for_update().get(pk=user.pk)
    if Registration.objects.filter(user=user).exists():
        raise RegistrationError(_("You have already registered."))
    invitation = None
    if code:
        invitation = _lock_invitation(code, user)
        category = invitation.category
    elif category is None:
        raise RegistrationError(_("Choose a category or enter an invitation code."))
    elif not category.is_open:
        raise InvitationError(_("This category needs an invitation code."))
    now = timezone.now()
    approved = invitation is not None or not category.needs_approval
    registration = Registration(
        user=user,
        category=category,
        invitation=invitation,
        status=Registration.Status.APPROVED if approved else Registration.Status.PENDING,
        reviewed_at=now if approved else None,
        name=data.name.strip(),
        name_zh=data.name_zh.strip(),
        organization=data.organization.strip(),
        title=data.title.strip(),
        country=data.country,
        dietary_needs=data.dietary_needs.strip(),
        accessibility_needs=data.accessibility_needs.strip(),
        terms_accepted_at=now,
        sensitive_consent_at=now if data.consents_to_sensitive_data else None,
        lead_consent_at=now if data.consents_to_leads else None,
    )
    if data.photo:
        registration.photo.save(data.photo.name, data.photo, save=False)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        if registration.photo:
            registration.photo.delete(save=False)
        raise RegistrationError(_("You have already registered.")) from exc
    if invitation is not None:
        # Counted in SQL under the row lock taken above: the last use goes to one person only.
        Invitation.objects.filter(pk=invitation.pk).update(uses=F("uses") + 1)
    if approved:
        notify(
            [user],
            "delegates/approved",
            {"registration": registration},
            key=f"registration:{registration.pk}:approved",
            related=registration,
        )
    else:
        notify(
            [user],
            "delegates/received",
            {"registration": registration},
            key=f"registration:{registration.pk}:received",
            related=registration,
        )
    return registration


@transaction.atomic
def set_lead_consent(registration: Registration, *, consent: bool) -> Registration:
    """Let exhibitors whose staff scan the badge read the contact, or stop it at once."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if consent and registration.lead_consent_at is None:
        registration.lead_consent_at = timezone.now()
    elif not consent:
        registration.lead_consent_at = None
    registration.save(update_fields=["lead_consent_at", "updated_at"])
    return registration


@transaction.atomic
def update_registration(registration: Registration, **fields) -> Registration:
    """Change the person's public details (never status, category or consents)."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.is_anonymised:
        raise RegistrationError(_("This registration has been anonymised."))
    changed = []
    for name in EDITABLE_FIELDS:
        if name in fields and getattr(registration, name) != fields[name]:
            setattr(registration, name, fields[name])
            changed.append(name)
    if changed:
        registration.save(update_fields=[*changed, "updated_at"])
    return registration


@transaction.atomic
def update_sensitive_data(
    registration: Registration,
    *,
    consent: bool,
    dietary_needs: str = "",
    accessibility_needs: str = "",
    photo: ContentFile | None = None,
    remove_photo: bool = False,
) -> Registration:
    """Change sensitive data; withdrawing consent erases it (PIPL art. 15, 47)."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not consent:
        _erase_sensitive(registration)
        registration.sensitive_consent_at = None
        registration.save(update_fields=[*SENSITIVE_FIELDS, "sensitive_consent_at", "updated_at"])
        return registration
    if registration.sensitive_consent_at is None:
        registration.sensitive_consent_at = timezone.now()
    registration.dietary_needs = dietary_needs.strip()
    registration.accessibility_needs = accessibility_needs.strip()
    if photo or remove_photo:
        if registration.photo:
            old = registration.photo.name
            storage = registration.photo.storage
            transaction.on_commit(lambda: storage.delete(old))
        registration.photo = ""
        if photo:
            registration.photo.save(photo.name, photo, save=False)
    registration.save(update_fields=[*SENSITIVE_FIELDS, "sensitive_consent_at", "updated_at"])
    return registration


def _erase_sensitive(registration: Registration) -> None:
    if registration.photo:
        name, storage = registration.photo.name, registration.photo.storage
        transaction.on_commit(lambda: storage.delete(name))
    registration.photo = ""
    registration.dietary_needs = ""
    registration.accessibility_needs = ""


# --- Review by the accreditation desk -------------------------------------------------------


def _check_transition(registration: Registration, to: str) -> None:
    allowed = {
        Registration.Status.PENDING: {Registration.Status.APPROVED, Registration.Status.REJECTED},
        Registration.Status.REJECTED: {Registration.Status.APPROVED},
        Registration.Status.APPROVED: {Registration.Status.REJECTED},
    }
    if registration.is_anonymised:
        raise RegistrationError(_("This registration has been anonymised."))
    if to not in allowed[registration.status]:
        raise RegistrationError(
            _("A registration that is %(status)s cannot become %(to)s.")
            % {
                "status": registration.get_status_display(),
                "to": Registration.Status(to).label,
            }
        )


@transaction.atomic
def approve_registration(registration: Registration, *, by) -> Registration:
    """Approve a pending (or earlier rejected) registration and mail the delegate."""
    registration = (
        Registration.objects.select_for_update().select_related("user").get(pk=registration.pk)
    )
    _check_transition(registration, Registration.Status.APPROVED)
    registration.status = Registration.Status.APPROVED
    registration.rejection_reason = ""
    registration.reviewed_by = by
    registration.reviewed_at = timezone.now()
    registration.save(
        update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
    notify(
        [registration.user],
        "delegates/approved",
        {"registration": registration},
        key=f"registration:{registration.pk}:approved:{registration.reviewed_at.isoformat()}",
        related=registration,
    )
    return registration


@transaction.atomic
def reject_registration(registration: Registration, *, by, reason: str) -> Registration:
    """Reject with a reason the delegate reads in the mail."""
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationError(_("Give a reason for the rejection."))
    registration = (
        Registration.objects.select_for_update().select_related("user").get(pk=registration.pk)
    )
    _check_transition(registration, Registration.Status.REJECTED)
    registration.status = Registration.Status.REJECTED
    registration.rejection_reason = reason
    registration.reviewed_by = by
    registration.reviewed_at = timezone.now()
    registration.save(
        update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
    notify(
        [registration.user],
        "delegates/rejected",
        {"registration": registration, "reason": reason},
        key=f"registration:{registration.pk}:rejected:{registration.reviewed_at.isoformat()}",
        related=registration,
    )
    return registration


# --- Invitations ----------------------------------------------------------------------------


@transaction.atomic
def create_invitation(
    category: Category,
    *,
    email: str = "",
    name: str = "",
    max_uses: int = 1,
    expires_at=None,
    note: str = "",
    language: str = "en",
    code: str = "",
) -> Invitation:
    """A new code for a category; a personal one (with email) is mailed to its holder."""
    invitation = Invitation.objects.create(
        **({"code": code.strip().upper()} if code.strip() else {}),
        category=category,
        email=email.strip().lower(),
        name=name.strip(),
        max_uses=max_uses,
        expires_at=expires_at,
        note=note,
    )
    if invitation.email:
        holder = User.objects.filter(email__iexact=invitation.email).first()
        notify(
            [holder or Recipient(invitation.email, language)],
            "delegates/invitation",
            {"invitation": invitation, "category": category},
            key=f"invitation:{invitation.pk}:sent",
            related=invitation,
        )
    return invitation


# --- Speakers and exhibitor staff become registrations ------------------------------------------


def speaker_category_slug() -> str:
    return getattr(settings, "DELEGATES_SPEAKER_CATEGORY", "speaker")


def exhibitor_staff_category_slug() -> str:
    return getattr(settings, "DELEGATES_EXHIBITOR_STAFF_CATEGORY", "exhibitor-staff")


def _auto_register(user, category: Category, *, name, name_zh, organization, country) -> bool:
    """An approved registration for someone the forum itself vouches for; False if they have one."""
    if Registration.objects.filter(user=user).exists():
        return False
    now = timezone.now()
    Registration.objects.create(
        user=user,
        category=category,
        status=Registration.Status.APPROVED,
        reviewed_at=now,
        name=name[:150],
        name_zh=name_zh[:60],
        organization=organization[:200] or "—",
        country=country or "CN",
        # Nobody ticked the terms box here: the forum invited these people itself; the
        # column records when the registration was made for them.
        terms_accepted_at=now,
    )
    return True


@transaction.atomic
def register_speakers() -> int:
    """Speakers with an email address get an approved registration (and an account); returns new."""
    from events.models import Speaker

    category = Category.objects.filter(slug=speaker_category_slug()).first()
    if category is None:
        return 0
    made = 0
    for speaker in Speaker.objects.exclude(email="").order_by("pk"):
        user = User.objects.select_for_update().filter(email__iexact=speaker.email).first()
        if user is None:
            user = User.objects.create_user(
                speaker.email, password=None, name=speaker.name, name_zh=speaker.name_zh
            )
        made += _auto_register(
            user,
            category,
            name=speaker.name,
            name_zh=speaker.name_zh,
            organization=speaker.affiliation,
            country=speaker.country.code if speaker.country else "",
        )
    return made


@transaction.atomic
def register_exhibitor_staff() -> int:
    """Members of exhibitors with approved floor area, within the allowance (the exhibition's
    rule, ``exhibitors.services.staff_allowance``); returns how many are new."""
    from exhibitors.models import Membership, Organization
    from exhibitors.services import approved_areas, staff_allowance

    category = Category.objects.filter(slug=exhibitor_staff_category_slug()).first()
    if category is None:
        return 0
    areas = approved_areas()
    made = 0
    organizations = Organization.objects.filter(pk__in=areas).order_by("pk")
    for organization in organizations.select_for_update():
        allowance = staff_allowance(organization, areas[organization.pk])
        members = list(
            Membership.objects.filter(organization=organization)
            .select_related("user")
            .order_by("role", "joined_at", "pk")  # administrators first, then by seniority
        )
        used = Registration.objects.filter(
            category=category, user__in=[m.user for m in members]
        ).count()
        for member in members:
            if used >= allowance:
                break
            if _register_member(member, category):
                used += 1
                made += 1
    return made


def _register_member(member, category: Category) -> bool:
    organization = member.organization
    return _auto_register(
        member.user,
        category,
        name=member.user.name,
        name_zh=member.user.name_zh,
        organization=organization.name,
        country=organization.country.code,
    )


@transaction.atomic
def register_exhibitor_member(membership) -> Registration | None:
    """At once when an exhibitor's invitation is accepted: the member's registration of the
    exhibitor-staff category and its badge, within the organization's allowance (counted under
    its lock). None when there is no room, no category, or the person is registered already."""
    from exhibitors.models import Membership, Organization
    from exhibitors.services import staff_allowance

    from .badges import badge_for

    category = Category.objects.filter(slug=exhibitor_staff_category_slug()).first()
    if category is None:
        return None
    organization = Organization.objects.select_for_update().get(pk=membership.organization_id)
    membership = Membership.objects.select_related("user", "organization").get(pk=membership.pk)
    members = organization.memberships.values("user")
    used = Registration.objects.filter(category=category, user__in=members).count()
    if used >= staff_allowance(organization):
        return None
    if not _register_member(membership, category):
        return None
    registration = Registration.objects.get(user=membership.user)
    badge_for(registration)
    return registration
