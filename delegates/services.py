"""Every write to delegates: registrations, their review, invitations, delegations, data rights."""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import anonymise_user
from core.images import ImageRejected, encode, open_upload
from events.models import Room, Session, Speaker
from notifications.services import Recipient, notify

from . import selectors
from .badges import badge_pdf, code_from_token
from .models import (
    PHOTO_MAX_BYTES,
    PHOTO_MAX_PIXELS,
    PHOTO_MIN_SIDE,
    PHOTO_STORED_SIDE,
    RSVP,
    AgendaFeed,
    Badge,
    BadgePrintJob,
    Category,
    CheckIn,
    Delegation,
    DelegationMember,
    Invitation,
    Registration,
    Scan,
    Star,
)

User = get_user_model()

SENSITIVE_FIELDS = ("photo", "dietary_needs", "accessibility_needs")
# Fields a person (or their coordinator) may change after registering.
EDITABLE_FIELDS = ("name", "name_zh", "organization", "title", "country")


class RegistrationError(Exception):
    """A request about a registration that cannot be carried out; the message is shown."""


class InvitationError(RegistrationError):
    """An invitation code that cannot be used (unknown, expired, used up, for someone else)."""


class DelegationError(Exception):
    """A delegation request that cannot be carried out; the message is shown."""


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


@dataclass
class InvitationRow:
    line: int
    email: str
    name: str
    category: Category | None
    max_uses: int
    expires_at: object
    errors: list
    language: str = "en"


def parse_invitation_csv(text: str) -> list[InvitationRow]:
    """Rows of an invitation list (email,name,category,max_uses,expires,language), with errors."""
    import csv

    try:
        return _parse_invitation_rows(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    except csv.Error as exc:
        raise InvitationError(_("The file is not a readable CSV file.")) from exc


def _parse_invitation_rows(reader) -> list[InvitationRow]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.utils.dateparse import parse_date, parse_datetime

    categories = {c.slug: c for c in Category.objects.all()}
    rows = []
    missing = {"email", "category"} - set(reader.fieldnames or [])
    if missing:
        raise InvitationError(
            _("The file needs the columns %(columns)s.") % {"columns": ", ".join(sorted(missing))}
        )
    seen = set()
    for line, raw in enumerate(reader, start=2):
        errors = []
        email = (raw.get("email") or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            errors.append(_("not a valid email address"))
        if email in seen:
            errors.append(_("email listed twice"))
        seen.add(email)
        category = categories.get((raw.get("category") or "").strip())
        if category is None:
            errors.append(_("unknown category"))
        try:
            max_uses = int((raw.get("max_uses") or "1").strip())
            if max_uses < 1:
                raise ValueError
        except ValueError:
            max_uses = 1
            errors.append(_("use limit must be a whole number of at least 1"))
        expires_at = None
        expires = (raw.get("expires") or "").strip()
        if expires:
            expires_at = parse_datetime(expires)
            if expires_at is None and (day := parse_date(expires)):
                expires_at = timezone.make_aware(
                    timezone.datetime.combine(day, timezone.datetime.max.time())
                )
            if expires_at is None:
                errors.append(_("expiry must be a date (YYYY-MM-DD)"))
            elif timezone.is_naive(expires_at):
                expires_at = timezone.make_aware(expires_at)
        language = (raw.get("language") or "en").strip().lower().replace("_", "-")
        if language not in dict(settings.LANGUAGES):
            errors.append(_("language must be en or zh-hans"))
        rows.append(
            InvitationRow(
                line,
                email,
                (raw.get("name") or "").strip(),
                category,
                max_uses,
                expires_at,
                errors,
                language,
            )
        )
    return rows


@transaction.atomic
def import_invitations(rows: list[InvitationRow]) -> list[Invitation]:
    """Create one personal invitation per valid row; refuses a list with any error."""
    if not rows or any(row.errors for row in rows):
        raise InvitationError(_("Correct the list first: it has errors or no rows."))
    invitations = [
        create_invitation(
            row.category,
            email=row.email,
            name=row.name,
            max_uses=row.max_uses,
            expires_at=row.expires_at,
            note=_("imported"),
            language=row.language,
        )
        for row in rows
    ]
    return invitations


# --- Delegations ----------------------------------------------------------------------------


@transaction.atomic
def create_delegation(coordinator, *, name: str, kind: str, country: str = "") -> Delegation:
    """Register a delegation; its coordinator is its first member."""
    coordinator = User.objects.select_for_update().get(pk=coordinator.pk)
    if Delegation.objects.filter(coordinator=coordinator).exists():
        raise DelegationError(_("You already coordinate a delegation."))
    if DelegationMember.objects.filter(user=coordinator).exists():
        raise DelegationError(_("You already belong to a delegation."))
    delegation = Delegation.objects.create(
        name=name.strip(), kind=kind, country=country, coordinator=coordinator
    )
    DelegationMember.objects.create(
        delegation=delegation,
        email=coordinator.email,
        name=coordinator.name,
        user=coordinator,
        accepted_at=timezone.now(),
    )
    return delegation


@transaction.atomic
def invite_member(delegation: Delegation, *, email: str, name: str = "") -> DelegationMember:
    """Invite a person by mail; they accept by logging in or creating an account."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    email = email.strip().lower()
    if delegation.members.filter(email__iexact=email).exists():
        raise DelegationError(_("This person is already invited."))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and DelegationMember.objects.filter(user=existing).exists():
        raise DelegationError(_("This person already belongs to a delegation."))
    member = DelegationMember.objects.create(delegation=delegation, email=email, name=name.strip())
    recipient = existing or Recipient(email, delegation.coordinator.language)
    notify(
        [recipient],
        "delegates/delegation_invite",
        {
            "member": member,
            "delegation": delegation,
            "coordinator": delegation.coordinator,
        },
        key=f"delegation-member:{member.pk}:invited",
    )
    return member


@transaction.atomic
def accept_membership(token: str, user) -> DelegationMember:
    """Join the delegation behind an invitation link (once, one delegation per person)."""
    member = (
        DelegationMember.objects.select_for_update()
        .select_related("delegation")
        .filter(token=token)
        .first()
    )
    if member is None:
        raise DelegationError(_("This invitation link is not valid."))
    if member.user_id == user.pk:
        return member
    if member.user_id is not None:
        raise DelegationError(_("This invitation has already been accepted."))
    if DelegationMember.objects.filter(user=user).exists():
        raise DelegationError(_("You already belong to a delegation."))
    member.user = user
    member.accepted_at = timezone.now()
    if not member.name:
        member.name = user.name
    try:
        with transaction.atomic():
            member.save(update_fields=["user", "accepted_at", "name"])
    except IntegrityError as exc:
        raise DelegationError(_("You already belong to a delegation.")) from exc
    return member


def edit_member(member: DelegationMember, *, by, **fields) -> Registration:
    """A member's details changed by their coordinator (until the deadline) or the desk."""
    if member.delegation.coordinator_id == by.pk and not member.delegation.edits_open():
        raise DelegationError(_("The deadline for changes has passed."))
    registration = Registration.objects.filter(user_id=member.user_id).first()
    if registration is None:
        raise DelegationError(_("This member has not registered yet."))
    return update_registration(registration, **fields)


# --- Personal data rights -------------------------------------------------------------------


@transaction.atomic
def request_deletion(registration: Registration) -> Registration:
    """Record the person's request; the accreditation desk confirms it."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.is_anonymised:
        raise RegistrationError(_("This registration has been anonymised."))
    if registration.deletion_requested_at is None:
        registration.deletion_requested_at = timezone.now()
        registration.save(update_fields=["deletion_requested_at", "updated_at"])
    return registration


@transaction.atomic
def cancel_deletion_request(registration: Registration) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.is_anonymised:
        raise RegistrationError(_("This registration has been anonymised."))
    registration.deletion_requested_at = None
    registration.save(update_fields=["deletion_requested_at", "updated_at"])
    return registration


@transaction.atomic
def confirm_deletion(registration: Registration, *, by) -> Registration:
    """Anonymise a registration whose person asked for deletion; the row stays for the counts."""
    registration = (
        Registration.objects.select_for_update().select_related("user").get(pk=registration.pk)
    )
    if registration.deletion_requested_at is None:
        raise RegistrationError(_("No deletion was requested for this registration."))
    if registration.is_anonymised:
        return registration
    now = timezone.now()
    _erase_sensitive(registration)
    registration.name = _("Anonymised delegate")
    registration.name_zh = ""
    registration.organization = "—"
    registration.title = ""
    registration.rejection_reason = registration.rejection_reason and "—"
    registration.sensitive_consent_at = None
    registration.anonymised_at = now
    registration.reviewed_by = by
    registration.save()
    # A printed badge of an anonymised person must not open a door any more.
    Badge.objects.filter(registration=registration, revoked_at__isnull=True).update(
        revoked_at=now, revoke_reason=Badge.RevokeReason.WITHDRAWN
    )
    # Past history rows still hold the personal data: remove them too.
    if hasattr(registration, "history"):
        registration.history.exclude(history_date__gte=now).delete()
    DelegationMember.objects.filter(Q(user=registration.user)).update(
        email=f"deleted-{registration.pk}@invalid", name=""
    )
    _drop_agenda(registration.user_id)
    anonymise_user(registration.user)
    return registration


def purge_after_days() -> int:
    return getattr(settings, "DELEGATES_PURGE_SENSITIVE_AFTER_DAYS", 30)


def forum_last_day() -> date | None:
    from events.models import Forum

    forum = Forum.objects.order_by("-edition").only("ends_on").first()
    return forum.ends_on if forum else None


@transaction.atomic
def purge_sensitive_data(*, last_day: date | None = None, today: date | None = None) -> int:
    """Erase photos, dietary and accessibility needs N days after the forum; returns rows purged.

    Rows purged once carry ``sensitive_purged_at`` and are skipped, so repeated runs do nothing.
    """
    last_day = last_day or forum_last_day()
    today = today or timezone.localdate()
    if last_day is None or today < last_day + timedelta(days=purge_after_days()):
        return 0
    rows = list(
        Registration.objects.select_for_update()
        .filter(sensitive_purged_at__isnull=True)
        .exclude(photo="", dietary_needs="", accessibility_needs="")
        .only("pk", "photo")
    )
    photos = [r.photo.name for r in rows if r.photo]
    if rows:
        storage = Registration._meta.get_field("photo").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in photos])
    now = timezone.now()
    purged = Registration.objects.filter(pk__in=[r.pk for r in rows]).update(
        photo="", dietary_needs="", accessibility_needs="", sensitive_purged_at=now
    )
    return purged


# --- Badges and check-in ----------------------------------------------------------------------


class BadgeError(Exception):
    """A badge request that cannot be carried out; the message is shown."""


@transaction.atomic
def badge_for(registration: Registration) -> Badge:
    """The registration's valid badge, issued on first use; only approved people get one."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.APPROVED or registration.is_anonymised:
        raise BadgeError(_("Only approved registrations have a badge."))
    badge = Badge.objects.filter(registration=registration, revoked_at__isnull=True).first()
    if badge is None:
        badge = Badge.objects.create(registration=registration)
    return badge


@transaction.atomic
def revoke_badge(badge: Badge, *, reason: str = Badge.RevokeReason.LOST) -> Badge:
    """Invalidate a badge's QR code for good (lost, replaced); a new badge gets a new code."""
    badge = Badge.objects.select_for_update().get(pk=badge.pk)
    if badge.revoked_at is None:
        badge.revoked_at = timezone.now()
        badge.revoke_reason = reason
        badge.save(update_fields=["revoked_at", "revoke_reason"])
    return badge


@transaction.atomic
def reissue_badge(registration: Registration) -> Badge:
    """Revoke the valid badge (replaced) and issue a new one with a new code."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    for badge in Badge.objects.filter(registration=registration, revoked_at__isnull=True):
        revoke_badge(badge, reason=Badge.RevokeReason.REPLACED)
    return badge_for(registration)


def badges_of(registration_ids) -> list[Badge]:
    """Valid badges, issued where missing, for the approved registrations among the ids."""
    ids = list(
        Registration.objects.approved()
        .filter(pk__in=list(registration_ids), anonymised_at__isnull=True)
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )
    have = set(
        Badge.objects.filter(registration_id__in=ids, revoked_at__isnull=True).values_list(
            "registration_id", flat=True
        )
    )
    for pk in ids:
        if pk not in have:
            badge_for(Registration(pk=pk))
    badges = {
        b.registration_id: b
        for b in Badge.objects.filter(
            registration_id__in=ids, revoked_at__isnull=True
        ).select_related("registration__category")
    }
    return [badges[pk] for pk in ids]


@dataclass
class ScanResult:
    """What the desk shows after a scan."""

    scan: Scan
    registration: Registration | None = None
    check_in: CheckIn | None = None  # the earlier check-in for a duplicate
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.scan.result == Scan.Result.ACCEPTED


def _refusal(registration: Registration, event, session) -> tuple[str, str] | None:
    """Why this approved person may not enter the scope, or None."""
    if event is None:
        return None
    allowed = {e.pk for e in registration.category.events.all()}
    if not event.is_public and event.pk not in allowed:
        return Scan.Result.INVITATION_ONLY, _("%(event)s is by invitation only.") % {
            "event": event.title
        }
    if allowed and event.pk not in allowed:
        return Scan.Result.WRONG_EVENT, _(
            "The category %(category)s is not admitted to %(event)s."
        ) % {
            "category": registration.category.name,
            "event": event.title,
        }
    return None


@transaction.atomic
def scan_badge(token: str, *, by, event=None, session=None) -> ScanResult:
    """Check a badge in once per scope (forum, event or session); record every scan."""
    if session is not None:
        event = session.event
    code = code_from_token(token)
    badge = (
        Badge.objects.select_related("registration__category").filter(code=code).first()
        if code
        else None
    )
    scan = Scan(token=token.strip()[:120], badge=badge, event=event, session=session, scanned_by=by)
    registration = badge.registration if badge else None
    result = ScanResult(scan=scan, registration=registration)

    def refuse(outcome, reason):
        scan.result = outcome
        scan.save()
        result.reason = reason
        return result

    if badge is None or registration.is_anonymised:
        result.registration = None
        return refuse(Scan.Result.UNKNOWN, _("This is not a badge of the forum."))
    if badge.is_revoked:
        return refuse(
            Scan.Result.REVOKED,
            _("This badge was revoked on %(date)s (%(reason)s).")
            % {
                "date": timezone.localtime(badge.revoked_at).strftime("%Y-%m-%d %H:%M"),
                "reason": badge.get_revoke_reason_display(),
            },
        )
    # The registration row serialises desks scanning the same person at the same moment.
    registration = (
        Registration.objects.select_for_update().select_related("category").get(pk=registration.pk)
    )
    result.registration = registration
    if registration.status != Registration.Status.APPROVED:
        return refuse(
            Scan.Result.UNAPPROVED,
            _("The registration is %(status)s.") % {"status": registration.get_status_display()},
        )
    if session is not None and session.is_cancelled:
        return refuse(Scan.Result.WRONG_EVENT, _("This session is cancelled."))
    if refusal := _refusal(registration, event, session):
        return refuse(*refusal)
    if session is not None:
        scope = {"session": session}
    elif event is not None:
        scope = {"event": event, "session__isnull": True}
    else:
        scope = {"event__isnull": True, "session__isnull": True}
    earlier = (
        CheckIn.objects.select_related("checked_in_by")
        .filter(registration=registration, **scope)
        .first()
    )
    if earlier is None:
        try:
            with transaction.atomic():
                CheckIn.objects.create(
                    registration=registration,
                    badge=badge,
                    event=event,
                    session=session,
                    checked_in_by=by,
                    created_at=scan.scanned_at,
                )
        except IntegrityError:
            # SQLite takes no row lock: the constraint still keeps one check-in.
            earlier = (
                CheckIn.objects.select_related("checked_in_by")
                .filter(registration=registration, **scope)
                .first()
            )
    if earlier is not None:
        result.check_in = earlier
        return refuse(
            Scan.Result.DUPLICATE,
            _("Already checked in at %(time)s by %(desk)s.")
            % {
                "time": timezone.localtime(earlier.created_at).strftime("%H:%M"),
                "desk": earlier.checked_in_by.name if earlier.checked_in_by else "—",
            },
        )
    scan.result = Scan.Result.ACCEPTED
    scan.save()
    return result


# --- Bulk badge printing ------------------------------------------------------------------------

PRINT_CHUNK = 25


@transaction.atomic
def request_badge_print(registration_ids, *, by) -> BadgePrintJob:
    """Queue one PDF of the approved registrations' badges; the worker starts after commit."""
    from . import tasks

    ids = list(
        Registration.objects.approved()
        .filter(pk__in=list(registration_ids), anonymised_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not ids:
        raise BadgeError(_("None of the selected registrations is approved."))
    job = BadgePrintJob.objects.create(requested_by=by, registration_ids=ids, total=len(ids))
    transaction.on_commit(partial(tasks.print_badges.delay, job.pk), robust=True)
    return job


def run_badge_print(job_id: int) -> BadgePrintJob:
    """Render a queued job's badges in chunks, saving progress, then store the PDF."""
    from pypdf import PdfWriter

    with transaction.atomic():
        job = BadgePrintJob.objects.select_for_update().get(pk=job_id)
        if job.status != BadgePrintJob.Status.QUEUED:
            return job
        job.status = BadgePrintJob.Status.RUNNING
        job.save(update_fields=["status"])
    try:
        writer = PdfWriter()
        ids = job.registration_ids
        for start in range(0, len(ids), PRINT_CHUNK):
            badges = badges_of(ids[start : start + PRINT_CHUNK])
            writer.append(io.BytesIO(badge_pdf(badges)))
            BadgePrintJob.objects.filter(pk=job.pk).update(done=start + len(badges))
        out = io.BytesIO()
        writer.write(out)
        job.refresh_from_db()
        job.file.save(f"badges-{job.pk}.pdf", ContentFile(out.getvalue()), save=False)
        job.status = BadgePrintJob.Status.DONE
        job.done = job.total
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "status", "done", "finished_at"])
    except Exception as exc:
        BadgePrintJob.objects.filter(pk=job.pk).update(
            status=BadgePrintJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return job


# --- Speakers and exhibitor staff become registrations ------------------------------------------


def speaker_category_slug() -> str:
    return getattr(settings, "DELEGATES_SPEAKER_CATEGORY", "speaker")


def exhibitor_staff_category_slug() -> str:
    return getattr(settings, "DELEGATES_EXHIBITOR_STAFF_CATEGORY", "exhibitor-staff")


def exhibitor_staff_allowance(area_m2: int) -> int:
    """Staff badges for an approved floor area: one per standard 9 m² unit, at least two."""
    per_unit = getattr(settings, "DELEGATES_EXHIBITOR_STAFF_PER_9M2", 1)
    minimum = getattr(settings, "DELEGATES_EXHIBITOR_STAFF_MINIMUM", 2)
    return max(minimum, (area_m2 // 9) * per_unit)


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
    """Members of exhibitors with approved floor area, within the allowance; returns new."""
    from django.db.models import Sum

    from exhibitors.models import Application, Membership, Organization

    category = Category.objects.filter(slug=exhibitor_staff_category_slug()).first()
    if category is None:
        return 0
    areas = dict(
        Application.objects.filter(status=Application.Status.APPROVED)
        .order_by()
        .values("organization")
        .annotate(m2=Sum("area_m2"))
        .values_list("organization", "m2")
    )
    made = 0
    organizations = Organization.objects.filter(pk__in=areas).order_by("pk")
    for organization in organizations.select_for_update():
        allowance = exhibitor_staff_allowance(areas[organization.pk])
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
            if _auto_register(
                member.user,
                category,
                name=member.user.name,
                name_zh=member.user.name_zh,
                organization=organization.name,
                country=organization.country.code,
            ):
                used += 1
                made += 1
    return made


# --- My agenda: stars and the private feed --------------------------------------------------


class AgendaError(Exception):
    """A request about a delegate's agenda or seat that cannot be carried out; shown as is."""


class RSVPError(AgendaError):
    """A seat that cannot be reserved or given up; the message is shown."""


def _approved_registration(user) -> Registration:
    registration = (
        Registration.objects.select_related("category")
        .filter(user_id=user.pk, status=Registration.Status.APPROVED, anonymised_at__isnull=True)
        .first()
    )
    if registration is None:
        raise AgendaError(_("Only approved delegates can plan an agenda and reserve seats."))
    return registration


def _open_session(session: Session) -> Session:
    if not Session.objects.published().filter(pk=session.pk).exists():
        raise AgendaError(_("This session is not in the published programme."))
    return session


@transaction.atomic
def star_session(session: Session, *, user) -> Star:
    """Put a published session on the delegate's agenda (again: nothing changes)."""
    _approved_registration(user)
    _open_session(session)
    star, _created = Star.objects.get_or_create(user_id=user.pk, session_id=session.pk)
    return star


@transaction.atomic
def unstar_session(session: Session, *, user) -> None:
    Star.objects.filter(user_id=user.pk, session_id=session.pk).delete()


@transaction.atomic
def regenerate_feed(user) -> AgendaFeed:
    """A new secret feed address; the previous one answers 404 from now on."""
    _approved_registration(user)
    feed, _created = AgendaFeed.objects.select_for_update().get_or_create(user_id=user.pk)
    if not _created:
        feed.token = new_feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


@transaction.atomic
def revoke_feed(user) -> None:
    AgendaFeed.objects.filter(user_id=user.pk).delete()


def new_feed_token() -> str:
    from .models import new_token

    return new_token()


# --- Session RSVP ---------------------------------------------------------------------------


@dataclass
class Reservation:
    """What reserving gave: the RSVP, its waitlist position (or None) and clashing sessions."""

    rsvp: RSVP
    position: int | None
    clashes: list


def seat_limit(session: Session) -> int:
    """Seats to give: the session's capacity, never more than its room holds."""
    room_seats = session.room.capacity
    return min(session.capacity, room_seats) if session.capacity is not None else room_seats


def waitlist_position(rsvp: RSVP) -> int | None:
    """1 for the first waitlisted (by time, then id); None for a confirmed seat.

    The order is written once, in ``selectors.with_waitlist_positions`` (the agenda and the
    seats admin read it too).
    """
    if rsvp.status != RSVP.Status.WAITLISTED:
        return None
    return (
        selectors.with_waitlist_positions(RSVP.objects.filter(pk=rsvp.pk))
        .values_list("waitlist_position", flat=True)
        .get()
    )


def confirmed_clashes(session: Session, *, user) -> list[Session]:
    """Other sessions at the same time where the delegate holds a confirmed seat."""
    return list(
        Session.objects.active()
        .filter(
            rsvps__user_id=user.pk,
            rsvps__status=RSVP.Status.CONFIRMED,
            starts_at__lt=session.ends_at,
            ends_at__gt=session.starts_at,
        )
        .exclude(pk=session.pk)
        .order_by("starts_at", "pk")
    )


def _lock_session(session: Session) -> Session:
    # The row lock serialises every reservation, cancellation and capacity change per session.
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("event", "room")
        .get(pk=session.pk)
    )


@transaction.atomic
def reserve_seat(session: Session, *, user, now=None) -> Reservation:
    """A confirmed seat while seats are left, else a waitlist place; refused when closed."""
    registration = _approved_registration(user)
    session = _lock_session(session)
    if not Session.objects.published().filter(pk=session.pk).exists() or session.is_cancelled:
        raise RSVPError(_("This session does not take reservations."))
    if not session.rsvp_required:
        raise RSVPError(_("This session needs no reservation: just come."))
    if (now or timezone.now()) >= session.rsvp_deadline:
        raise RSVPError(_("Reservations for this session are closed."))
    event = session.event
    if not event.is_public and not registration.category.events.filter(pk=event.pk).exists():
        raise RSVPError(_("This event is by invitation only and not open to your category."))
    existing = RSVP.objects.filter(session_id=session.pk, user_id=user.pk).first()
    if existing is not None:
        return Reservation(existing, waitlist_position(existing), [])
    clashes = confirmed_clashes(session, user=user)
    if clashes and event.refuses_rsvp_clashes:
        raise RSVPError(
            _("You already hold a seat at “%(title)s” at that time.") % {"title": clashes[0].title}
        )
    taken = RSVP.objects.confirmed().filter(session_id=session.pk).count()
    status = RSVP.Status.CONFIRMED if taken < seat_limit(session) else RSVP.Status.WAITLISTED
    rsvp = RSVP.objects.create(session=session, user_id=user.pk, status=status)
    return Reservation(rsvp, waitlist_position(rsvp), clashes)


def _drop_agenda(user_id: int) -> None:
    """A deleted delegate's seats go to the waitlist; their stars and feed go too."""
    for session_id in (
        RSVP.objects.filter(user_id=user_id)
        .order_by("session_id")
        .values_list("session_id", flat=True)
    ):
        session = _lock_session(Session(pk=session_id))
        RSVP.objects.filter(session_id=session_id, user_id=user_id).delete()
        _promote(session)
    Star.objects.filter(user_id=user_id).delete()
    AgendaFeed.objects.filter(user_id=user_id).delete()


def _promote(session: Session) -> list[RSVP]:
    """Fill free seats from the waitlist in order, mailing each promoted delegate."""
    free = seat_limit(session) - RSVP.objects.confirmed().filter(session_id=session.pk).count()
    if free <= 0:
        return []
    promoted = list(
        RSVP.objects.waitlisted()
        .filter(session_id=session.pk)
        .select_related("user")
        .order_by("created_at", "pk")[:free]
    )
    now = timezone.now()
    for rsvp in promoted:
        rsvp.status = RSVP.Status.CONFIRMED
        rsvp.promoted_at = now
        rsvp.save(update_fields=["status", "promoted_at"])
        notify(
            [rsvp.user],
            "delegates/mail/promoted",
            {"session": session, "forum_timezone": session.event.forum.timezone},
            key=f"rsvp:{rsvp.pk}:promoted",
            related=rsvp,
        )
    return promoted


@transaction.atomic
def cancel_rsvp(session: Session, *, user) -> list[RSVP]:
    """Give up a seat or waitlist place; a freed seat goes to the first waitlisted delegate."""
    session = _lock_session(session)
    rsvp = RSVP.objects.filter(session_id=session.pk, user_id=user.pk).first()
    if rsvp is None:
        raise RSVPError(_("You hold no reservation for this session."))
    rsvp.delete()
    return _promote(session)


@transaction.atomic
def fill_free_seats(session: Session) -> list[RSVP]:
    """Seats added in the programme (a raised capacity, a bigger room) go to the waitlist, in
    order, each promoted delegate mailed; under the lock every reservation takes."""
    return _promote(_lock_session(session))


# --- Schedule-change notices ----------------------------------------------------------------


def _visible(snapshot: dict | None, rooms: dict) -> dict | None:
    if snapshot is None:
        return None
    return {
        "starts_at": snapshot["starts_at"],
        "ends_at": snapshot["ends_at"],
        "room": rooms.get(snapshot["room_id"]),
    }


def notify_session_changed(session: Session, *, change: str, old: dict, new: dict | None) -> int:
    """One mail per change to everyone interested in the session; the count of recipients."""
    if change == "moved" and (new is None or old == new):
        return 0  # nothing a delegate could see changed
    # The sequence this change saved, not the row's: another change may have committed since.
    key = f"session:{session.pk}:{change}:{session.sequence}"
    session = Session.objects.select_related("event__forum", "room__venue").get(pk=session.pk)
    room_ids = {old["room_id"], *([new["room_id"]] if new else [])}
    rooms = Room.objects.select_related("venue").in_bulk(room_ids)
    users = list(
        User.objects.filter(is_active=True)
        .filter(Q(stars__session=session) | Q(rsvps__session=session))
        .distinct()
        .order_by("pk")
    )
    known = {u.email.lower() for u in users}
    speakers = (
        Speaker.objects.filter(Q(sessions=session) | Q(moderated_sessions=session))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    recipients = [*users]
    for speaker in speakers:
        if speaker.email.lower() not in known:
            known.add(speaker.email.lower())
            recipients.append(Recipient(speaker.email, speaker.language or settings.LANGUAGE_CODE))
    if not recipients:
        return 0
    context = {
        "session": session,
        "change": change,
        "old": _visible(old, rooms),
        "new": _visible(new, rooms),
        "forum_timezone": session.event.forum.timezone,
    }
    with transaction.atomic():
        notify(
            recipients,
            "delegates/mail/session_changed",
            context,
            key=key,
            related=session,
        )
    return len(recipients)
