"""Reads for the outbox and announcement pages."""

from urllib.parse import parse_qsl

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

from . import services
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


def segment_label(value: str, *, choices: dict[str, str]) -> str:
    """``services.segment_label`` from choices read once: no query, however many rows ask.

    A value the choices no longer hold (its row deleted, or a parameter typed in) is named by
    its segment and raw parameters, e.g. "Members of a delegation: delegation=42".
    """
    if value in choices:
        return choices[value]
    key, _sep, query = value.partition("?")
    segment = services.segments().get(key)
    if segment is None:
        return value
    params = ", ".join(f"{name}={val}" for name, val in parse_qsl(query))
    return f"{segment.label}: {params}" if params else str(segment.label)
