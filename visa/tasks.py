from celery import shared_task

from . import services


@shared_task(name="visa.purge_passport_data")
def purge_passport_data() -> int:
    """Beat, daily: erase passport data VISA_PURGE_AFTER_DAYS after the forum (idempotent)."""
    return services.purge_passport_data()
