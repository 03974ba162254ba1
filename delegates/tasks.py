from celery import shared_task

from . import services


@shared_task
def purge_sensitive_data() -> int:
    """Beat task: erase sensitive fields once the retention period after the forum is over."""
    return services.purge_sensitive_data()
