"""Badges: issued, revoked, reissued, and printed in bulk by the worker.

``delegates.badges`` (one level up) renders them as PDF; this module decides which badges exist.
"""

import io
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfWriter

from core.dispatch import delay_on_commit

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
# A job whose worker died this many times is failed rather than started again.
PRINT_MAX_ATTEMPTS = 3

Status = BadgePrintJob.Status


def _stuck_after() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "BADGE_PRINT_STUCK_AFTER", 600)))


@transaction.atomic
def request_badge_print(registration_ids, *, by) -> BadgePrintJob:
    """Queue one PDF of the approved registrations' badges; the worker starts after commit.

    With the broker down the job is saved all the same and waits for the beat sweep.
    """
    from .. import tasks

    ids = list(
        Registration.objects.approved()
        .filter(pk__in=list(registration_ids), anonymised_at__isnull=True)
        .values_list("pk", flat=True)
    )
    if not ids:
        raise BadgeError(_("None of the selected registrations is approved."))
    job = BadgePrintJob.objects.create(requested_by=by, registration_ids=ids, total=len(ids))
    delay_on_commit(tasks.print_badges, job.pk)
    return job


def run_badge_print(job_id: int) -> BadgePrintJob:
    """Render a queued job's badges in chunks, saving progress, then store the PDF.

    Each start is an attempt; every write is conditional on still holding it, so a worker the
    sweep gave up on (no progress for BADGE_PRINT_STUCK_AFTER) cannot overwrite its successor.
    """
    with transaction.atomic():
        job = BadgePrintJob.objects.select_for_update().get(pk=job_id)
        if job.status != Status.QUEUED:
            return job
        job.status, job.done, job.error = Status.RUNNING, 0, ""
        job.attempts += 1
        job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "done", "error", "attempts", "heartbeat_at"])
    mine = BadgePrintJob.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts)
    try:
        writer = PdfWriter()
        ids = job.registration_ids
        for start in range(0, len(ids), PRINT_CHUNK):
            badges = badges_of(ids[start : start + PRINT_CHUNK])
            writer.append(io.BytesIO(badge_pdf(badges)))
            if not mine.update(done=start + len(badges), heartbeat_at=timezone.now()):
                return BadgePrintJob.objects.get(pk=job.pk)  # the sweep started it again
        out = io.BytesIO()
        writer.write(out)
        job.file.save(f"badges-{job.pk}.pdf", ContentFile(out.getvalue()), save=False)
        finished = mine.update(
            file=job.file.name, status=Status.DONE, done=job.total, finished_at=timezone.now()
        )
        if not finished:
            job.file.delete(save=False)
    except Exception as exc:
        mine.update(status=Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
        raise
    return BadgePrintJob.objects.get(pk=job.pk)


def sweep_badge_print_jobs() -> list[int]:
    """Start again jobs a dead worker left running, and enqueue queued jobs nobody picked up.

    A job is stuck when it made no progress for BADGE_PRINT_STUCK_AFTER; after
    PRINT_MAX_ATTEMPTS starts it fails with a message instead. A queued job is enqueued once it
    is older than a minute (the broker was down at commit); a job already in the queue then runs
    once: the worker only starts a job that is still queued.
    """
    from .. import tasks

    now = timezone.now()
    with transaction.atomic():
        stuck = list(
            BadgePrintJob.objects.select_for_update(skip_locked=True).filter(
                status=Status.RUNNING, heartbeat_at__lt=now - _stuck_after()
            )
        )
        given_up = [job.pk for job in stuck if job.attempts >= PRINT_MAX_ATTEMPTS]
        BadgePrintJob.objects.filter(pk__in=given_up).update(
            status=Status.FAILED,
            finished_at=now,
            error=_(
                "The worker stopped %(n)d times while printing these badges; print fewer at once."
            )
            % {"n": PRINT_MAX_ATTEMPTS},
        )
        BadgePrintJob.objects.filter(pk__in=[j.pk for j in stuck if j.pk not in given_up]).update(
            status=Status.QUEUED, done=0
        )
    grace = min(_stuck_after(), timedelta(seconds=60))
    due = list(
        BadgePrintJob.objects.filter(status=Status.QUEUED, created_at__lte=now - grace)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in due:
        tasks.print_badges.delay(pk)
    return due
