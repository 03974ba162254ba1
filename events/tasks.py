from celery import shared_task


@shared_task(name="events.prepare_exports")
def prepare_exports(forum_id: int | None = None) -> int:
    """After a change to the schedule: its exports' fragments for the new version (of one
    forum, or of every published forum after a change to shared rows)."""
    from . import services  # services hand this task work: imported when it runs

    return services.prepare_exports(forum_id)
