"""Badges: issued, revoked, reissued, and printed in bulk by the worker.

``delegates.badges`` (one level up) renders them as PDF; this module decides which badges exist.
"""

import io
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfWriter

from ..badges import badge_pdf
from ..models import Badge, BadgePrintJob, Registration

# --- Badges ----------------------------------------------------------------------------------


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


# --- Bulk badge printing ------------------------------------------------------------------------

PRINT_CHUNK = 25


@transaction.atomic
def request_badge_print(registration_ids, *, by) -> BadgePrintJob:
    """Queue one PDF of the approved registrations' badges; the worker starts after commit."""
    from .. import tasks

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
