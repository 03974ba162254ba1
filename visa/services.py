"""Every write on visa requests: submit, review (approve, reject, ask for changes), revoke,
record who saw passport data, purge it after the forum, rotate the encryption keys.

Mail goes through ``notify()`` with the reference and the status only: never passport data.
"""

import calendar
from contextlib import contextmanager
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from delegates.models import Registration
from notifications.services import notify

from . import crypto
from .models import LetterRequest, PassportAccess

Status = LetterRequest.Status

# Chinese citizens, and residents of Hong Kong, Macao and Taiwan, enter without a visa.
NO_LETTER_NEEDED = {"CN", "HK", "MO", "TW"}
# Entry at most this many days before the forum's first day, exit as long after its last.
STAY_MARGIN_DAYS = 30
PASSPORT_VALID_MONTHS = 6


class VisaError(Exception):
    """A request or a review that cannot be carried out; the message is shown."""


def current_forum():
    from events.models import Forum

    return Forum.objects.order_by("-edition").first()


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def guidance_for(nationality: str) -> str:
    """Why no letter is needed, and what to travel with instead ("" when a letter is needed)."""
    if nationality == "CN":
        return _(
            "Citizens of China need no visa to attend the forum: travel with your identity card "
            "or passport."
        )
    if nationality in {"HK", "MO"}:
        return _(
            "Residents of Hong Kong and Macao need no visa: travel to the forum with your "
            "Mainland Travel Permit for Hong Kong and Macao Residents."
        )
    if nationality == "TW":
        return _(
            "Residents of Taiwan need no visa: travel to the forum with your Mainland Travel "
            "Permit for Taiwan Residents."
        )
    return ""


def check_request(forum, *, nationality, passport_expires_on, entry_on, exit_on) -> dict:
    """Field name → message for each rule the request breaks (empty when it keeps them all)."""
    errors = {}
    if guidance := guidance_for(nationality):
        errors["nationality"] = guidance
    if forum is None:
        errors["__all__"] = _("There is no forum to invite you to yet.")
        return errors
    earliest = forum.starts_on - timedelta(days=STAY_MARGIN_DAYS)
    latest = forum.ends_on + timedelta(days=STAY_MARGIN_DAYS)
    if entry_on and not (earliest <= entry_on <= forum.starts_on):
        errors["entry_on"] = _(
            "Enter China between %(earliest)s and the forum's first day, %(first)s."
        ) % {"earliest": earliest.isoformat(), "first": forum.starts_on.isoformat()}
    if exit_on and not (forum.ends_on <= exit_on <= latest):
        errors["exit_on"] = _(
            "Leave China between the forum's last day, %(last)s, and %(latest)s."
        ) % {"last": forum.ends_on.isoformat(), "latest": latest.isoformat()}
    if passport_expires_on:
        needed = add_months(forum.ends_on, PASSPORT_VALID_MONTHS)
        if passport_expires_on < needed:
            errors["passport_expires_on"] = _(
                "Your passport must be valid at least six months after the forum ends, until "
                "%(date)s or later. Please renew it first."
            ) % {"date": needed.isoformat()}
    return errors


def initials_of(name: str) -> str:
    """ "Maria Garcia Lopez" → "M. G. L."."""
    return " ".join(f"{part[0].upper()}." for part in name.replace("-", " ").split() if part)[:12]


@sensitive_variables()  # every local: the arguments carry the passport data
@transaction.atomic
def submit_request(registration: Registration, data: dict) -> LetterRequest:
    """Save a new request, or a corrected one the desk asked changes to, as submitted.

    ``data``: passport_name, nationality, passport_number, date_of_birth,
    passport_expires_on, entry_on, exit_on, consular_post (the form has checked them and the
    separate consent).
    """
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.APPROVED or registration.is_anonymised:
        raise VisaError(_("Only approved delegates can ask for an invitation letter."))
    errors = check_request(
        current_forum(),
        nationality=data["nationality"],
        passport_expires_on=data["passport_expires_on"],
        entry_on=data["entry_on"],
        exit_on=data["exit_on"],
    )
    if errors:
        raise VisaError(" ".join(errors.values()))
    existing = LetterRequest.objects.select_for_update().filter(registration=registration).first()
    if existing is not None and existing.status != Status.CHANGES_REQUESTED:
        raise VisaError(_("You have already asked for an invitation letter."))
    passport_number = data["passport_number"]
    date_of_birth = data["date_of_birth"]
    request = existing or LetterRequest(registration=registration)
    request.status = Status.SUBMITTED
    request.passport_name = data["passport_name"]
    request.initials = initials_of(data["passport_name"])
    request.nationality = data["nationality"]
    request.passport_number_encrypted = crypto.encrypt(passport_number)
    request.date_of_birth_encrypted = crypto.encrypt(date_of_birth.isoformat())
    request.passport_expires_on = data["passport_expires_on"]
    request.entry_on = data["entry_on"]
    request.exit_on = data["exit_on"]
    request.consular_post = data["consular_post"]
    request.consent_at = timezone.now()
    request.desk_message = ""
    request.save()
    _mail(request, "received", step=request.updated_at.timestamp())
    return request


_QUIET = {"on": False}


@contextmanager
def quiet():
    """No mail for what runs inside (the demo: its references are random, and the outbox is
    part of the demo's content digest)."""
    _QUIET["on"] = True
    try:
        yield
    finally:
        _QUIET["on"] = False


def _mail(request: LetterRequest, what: str, *, step="") -> None:
    if _QUIET["on"]:
        return
    registration = request.registration
    notify(
        [registration.user],
        f"visa/{what}",
        {
            "reference": request.reference,
            "name": registration.local_name,
            "message": request.desk_message,
        },
        key=f"visa:{request.pk}:{what}:{step}",
        related=request,
    )


def _locked(request: LetterRequest) -> LetterRequest:
    return (
        LetterRequest.objects.select_for_update()
        .select_related("registration__user")
        .get(pk=request.pk)
    )


def _reviewed(request: LetterRequest, by, status: str, message: str = "") -> None:
    request.status = status
    request.desk_message = message
    request.reviewed_by = by
    request.reviewed_at = timezone.now()


@transaction.atomic
def approve_request(request: LetterRequest, *, by) -> LetterRequest:
    """Issue the letter: render its PDF into private storage, tell the delegate."""
    from .letters import letter_pdf

    request = _locked(request)
    if request.status != Status.SUBMITTED:
        raise VisaError(_("Only submitted requests can be approved."))
    if request.is_purged:
        raise VisaError(_("The passport data of this request has been deleted."))
    _reviewed(request, by, Status.APPROVED)
    request.issued_on = timezone.localdate()
    if request.letter:
        request.letter.delete(save=False)
    request.letter.save(f"{request.reference}.pdf", ContentFile(letter_pdf(request)), save=False)
    request.save()
    _mail(request, "approved")
    return request


@transaction.atomic
def reject_request(request: LetterRequest, *, by, reason: str) -> LetterRequest:
    request = _locked(request)
    if not reason.strip():
        raise VisaError(_("Give the delegate the reason for the rejection."))
    if request.status not in {Status.SUBMITTED, Status.CHANGES_REQUESTED}:
        raise VisaError(_("Only requests under review can be rejected."))
    _reviewed(request, by, Status.REJECTED, reason.strip())
    request.save()
    _mail(request, "rejected")
    return request


@transaction.atomic
def ask_for_changes(request: LetterRequest, *, by, message: str) -> LetterRequest:
    request = _locked(request)
    if not message.strip():
        raise VisaError(_("Tell the delegate what to change."))
    if request.status != Status.SUBMITTED:
        raise VisaError(_("Only submitted requests can be sent back for changes."))
    _reviewed(request, by, Status.CHANGES_REQUESTED, message.strip())
    request.save()
    _mail(request, "changes", step=request.reviewed_at.timestamp())
    return request


@transaction.atomic
def revoke_letter(request: LetterRequest, *, by, reason: str) -> LetterRequest:
    """Withdraw an issued letter: the verification page then says it is not valid."""
    request = _locked(request)
    if request.status != Status.APPROVED:
        raise VisaError(_("Only issued letters can be revoked."))
    if not reason.strip():
        raise VisaError(_("Give the reason for revoking the letter."))
    _reviewed(request, by, Status.REVOKED, reason.strip())
    request.revoked_at = request.reviewed_at
    request.save()
    _mail(request, "revoked")
    return request


def record_access(request: LetterRequest, user, kind: str) -> PassportAccess:
    """A row for each view of a request's passport data."""
    return PassportAccess.objects.create(request=request, user=user, kind=kind)


def purge_after_days() -> int:
    return int(getattr(settings, "VISA_PURGE_AFTER_DAYS", 30))


@transaction.atomic
def purge_passport_data(*, last_day: date | None = None, today: date | None = None) -> int:
    """Erase passport data and letters N days after the forum; returns the requests purged.

    What stays: reference, status, initials, nationality, dates of stay and of issue, so the
    verification page answers "issued; personal data deleted" and the statistics still count.
    A purged request carries ``data_purged_at`` and is skipped: a second run does nothing.
    """
    if last_day is None:
        forum = current_forum()
        last_day = forum.ends_on if forum else None
    today = today or timezone.localdate()
    if last_day is None or today < last_day + timedelta(days=purge_after_days()):
        return 0
    rows = list(
        LetterRequest.objects.select_for_update()
        .filter(data_purged_at__isnull=True)
        .only("pk", "letter")
    )
    letters = [r.letter.name for r in rows if r.letter]
    if letters:
        storage = LetterRequest._meta.get_field("letter").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in letters])
    return LetterRequest.objects.filter(pk__in=[r.pk for r in rows]).update(
        passport_name="",
        passport_number_encrypted="",
        date_of_birth_encrypted="",
        passport_expires_on=None,
        consular_post="",
        letter="",
        data_purged_at=timezone.now(),
    )


@transaction.atomic
def rotate_keys() -> int:
    """Re-encrypt every request's passport data with the first key; returns rows rewritten."""
    count = 0
    for request in LetterRequest.objects.select_for_update().exclude(
        passport_number_encrypted="", date_of_birth_encrypted=""
    ):
        LetterRequest.objects.filter(pk=request.pk).update(
            passport_number_encrypted=crypto.rotate(request.passport_number_encrypted),
            date_of_birth_encrypted=crypto.rotate(request.date_of_birth_encrypted),
        )
        count += 1
    return count
