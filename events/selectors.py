from django.db.models import Count

from .models import Forum, Room, Section


def current_forum() -> Forum | None:
    """The newest published forum edition, or None before any is published."""
    return Forum.objects.filter(is_published=True).order_by("-edition").first()


def forum_sections(forum: Forum) -> list[Section]:
    return list(forum.sections.order_by("position", "pk"))


def venue_figures() -> dict:
    return Room.objects.aggregate(rooms=Count("pk"), venues=Count("venue", distinct=True))
