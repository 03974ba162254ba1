from celery import shared_task

from . import services


@shared_task(name="delegates.purge_sensitive_data")
def purge_sensitive_data() -> int:
    """Beat task: erase sensitive fields once the retention period after the forum is over."""
    return services.purge_sensitive_data()


@shared_task(name="delegates.print_badges")
def print_badges(job_id: int) -> None:
    """Make one bulk badge PDF (a BadgePrintJob), saving progress as it goes."""
    services.run_badge_print(job_id)


@shared_task(name="delegates.sweep_badge_print_jobs")
def sweep_badge_print_jobs() -> int:
    """Beat, every minute: start again what a down broker or a killed worker left behind."""
    return len(services.sweep_badge_print_jobs())


@shared_task(name="delegates.register_speakers_and_staff")
def register_speakers_and_staff() -> int:
    """Beat task: speakers and exhibitor staff get their registrations (and so their badges)."""
    return services.register_speakers() + services.register_exhibitor_staff()


@shared_task(name="delegates.notify_release")
def notify_release(release_id: int) -> int:
    """The digests of one schedule release (idempotent per release and person)."""
    from events.models import Release

    release = Release.objects.filter(pk=release_id).first()
    return services.notify_release(release) if release is not None else 0
