"""Receivers for the programme's extension points (events.signals)."""

import logging

from events.signals import release_audience, schedule_released, seats_changed

logger = logging.getLogger(__name__)


def mail_schedule_released(sender, forum, release, **kwargs):
    """One digest per person touched by the release, through the outbox, queued by a worker:
    the organizer's release answers at once however many people it touches. With the broker
    down the digests are queued here instead, rather than lost."""
    from .services import notify_release
    from .tasks import notify_release as notify_release_task

    try:
        notify_release_task.delay(release.pk)
    except Exception:  # noqa: BLE001 - any broker failure: do the work here
        logger.warning("broker unavailable: release %s digests queued in the request", release.pk)
        notify_release(release)


def count_release_audience(sender, forum, sessions, **kwargs):
    """Who the Release page's changes would mail: {row id: {email: language}}."""
    from .services import release_audience as audience

    return audience(sessions)


def promote_when_seats_changed(sender, session, **kwargs):
    """More seats (a raised capacity, a bigger room) go to the waitlist, in order, with a mail."""
    from .services import fill_free_seats

    return fill_free_seats(session)


def register_exhibitor_staff(sender, organization, membership, **kwargs):
    """An accepted exhibitor invitation: a registration and a badge at once (within the
    allowance), not only at the next beat."""
    from .services import register_exhibitor_member

    return register_exhibitor_member(membership)


def connect() -> None:
    from exhibitors.signals import staff_joined

    staff_joined.connect(register_exhibitor_staff, dispatch_uid="delegates.exhibitor_staff")
    schedule_released.connect(mail_schedule_released, dispatch_uid="delegates.mail_release")
    release_audience.connect(count_release_audience, dispatch_uid="delegates.release_audience")
    seats_changed.connect(promote_when_seats_changed, dispatch_uid="delegates.promote_seats")
