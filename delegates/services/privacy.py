"""Personal data rights: deletion on request, and the purge of sensitive data after the forum."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import anonymise_user

from ..models import Badge, DelegationMember, Registration
from .agenda import _drop_agenda
from .registration import RegistrationError, _erase_sensitive

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
