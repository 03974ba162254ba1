"""Reads for the outbox and announcement pages."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

from .models import Announcement, OutboundMessage

Status = OutboundMessage.Status


def announcement_progress(announcement: Announcement) -> dict:
    """Counts of the announcement's messages by status, plus ``total`` and ``done``."""
    content_type = ContentType.objects.get_for_model(Announcement)
    counts = OutboundMessage.objects.filter(
        content_type=content_type, object_id=announcement.pk
    ).aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(status=value)) for value in Status.values},
    )
    pending = counts[Status.QUEUED] + counts[Status.SENDING]
    counts["done"] = announcement.status == Announcement.Status.SENT and pending == 0
    return counts
