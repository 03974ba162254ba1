"""Check-in: a badge scanned at the desk, once per scope (forum, event or session)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..badges import code_from_token
from ..models import (
    SHORT_CODE_ALPHABET,
    SHORT_CODE_LENGTH,
    Badge,
    CheckIn,
    Registration,
    Scan,
    WrongCode,
    normalise_short_code,
)

# Typed codes, per scanner (a desk person, an exhibitor's staff member): this many wrong ones in
# this window, then typing pauses until the oldest of them leaves the window. QR tokens are
# signed, so they cannot be guessed and are never throttled.
TYPED_CODE_LIMIT = 10
TYPED_CODE_WINDOW = timedelta(minutes=10)


class CodeThrottled(Exception):
    """Too many wrong typed codes from one scanner lately: the message says until when."""


def typed_code_rule() -> str:
    """The limit in words, for the pages that accept typed codes."""
    minutes = int(TYPED_CODE_WINDOW.total_seconds() // 60)
    return ngettext(
        "After %(limit)s wrong codes within %(minutes)s minute, typing pauses for a while.",
        "After %(limit)s wrong codes within %(minutes)s minutes, typing pauses for a while.",
        minutes,
    ) % {"limit": TYPED_CODE_LIMIT, "minutes": minutes}


def _check_typed_attempts(by) -> None:
    now = timezone.now()
    recent = list(
        WrongCode.objects.filter(scanned_by=by, typed_at__gte=now - TYPED_CODE_WINDOW)
        .order_by("-typed_at")
        .values_list("typed_at", flat=True)[:TYPED_CODE_LIMIT]
    )
    if len(recent) >= TYPED_CODE_LIMIT:
        until = recent[-1] + TYPED_CODE_WINDOW
        raise CodeThrottled(
            _(
                "Too many wrong codes: typing a code is paused until %(time)s. "
                "Scan the QR code, or ask the person for their badge."
            )
            % {"time": timezone.localtime(until).strftime("%H:%M")}
        )


def find_badge(text: str, *, by, place: str) -> Badge | None:
    """The badge a scanned QR token or a typed short code names, or None.

    A typed code that names no badge is recorded (``WrongCode``) and counts against the scanner:
    past ``TYPED_CODE_LIMIT`` in ``TYPED_CODE_WINDOW`` this raises ``CodeThrottled``.
    """
    badges = Badge.objects.select_related("registration__category")
    if code := code_from_token(text):
        return badges.filter(code=code).first()
    _check_typed_attempts(by)
    short = normalise_short_code(text)
    badge = None
    if len(short) == SHORT_CODE_LENGTH and all(ch in SHORT_CODE_ALPHABET for ch in short):
        badge = badges.filter(short_code=short).first()
    if badge is None:
        WrongCode.objects.create(text=text.strip()[:40], place=place, scanned_by=by)
    return badge


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
    badge = find_badge(token, by=by, place=WrongCode.Place.DESK)
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
