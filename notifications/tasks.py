"""Thin Celery tasks: each takes ids and calls one service."""

from celery import current_app, shared_task

from . import services


@shared_task(name="notifications.send_messages")
def send_messages(message_ids: list[int]) -> dict:
    """Deliver a batch; rows that met a temporary error come back after their back-off."""
    report = services.deliver_messages(message_ids)
    # Eager mode (dev, tests) would retry at once in a loop: leave those rows to the sweep.
    if report.deferred and not current_app.conf.task_always_eager:
        send_messages.apply_async((report.deferred,), countdown=report.retry_in)
    return {
        "sent": len(report.sent),
        "failed": len(report.failed),
        "deferred": len(report.deferred),
    }


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox() -> int:
    """Beat, every minute: re-enqueue what a down broker or a killed worker left behind."""
    services.fan_out_pending()
    return len(services.sweep_outbox())


@shared_task(name="notifications.fan_out_announcement")
def fan_out_announcement(announcement_id: int) -> int:
    return services.fan_out_announcement(announcement_id)
