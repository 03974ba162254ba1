from celery import shared_task

from . import services


@shared_task(name="exhibitors.send_document_reminders")
def send_document_reminders() -> int:
    """Beat, daily: documents due in 7 days and overdue, each reminder once."""
    return services.send_document_reminders()
