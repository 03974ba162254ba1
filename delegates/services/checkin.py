"""Check-in: a badge scanned at the desk, once per scope (forum, event or session)."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..badges import code_from_token
from ..models import Badge, CheckIn, Registration, Scan


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
