from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def localized(row: dict, field: str) -> str:
    """``row[field_<language>]`` of a stored snapshot, falling back to English."""
    suffix = "zh_hans" if get_language() == "zh-hans" else "en"
    return row.get(f"{field}_{suffix}") or row.get(f"{field}_en") or ""


@register.filter
def isotime(value: str) -> str:
    """An ISO timestamp from a snapshot, shown as a local date and time."""
    try:
        moment = timezone.localtime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return ""
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
