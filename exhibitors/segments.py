"""Announcement segments: the people of exhibiting organizations, by section and by status."""

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.registries import register_segment

from .models import Application, ExhibitionSection


def section_choices():
    return [(s.slug, s.name) for s in ExhibitionSection.objects.order_by("position", "pk")]


def exhibitors_by_section(section: str):
    """Members of organizations approved to exhibit in the section."""
    return User.objects.filter(
        exhibitor_memberships__organization__applications__section__slug=section,
        exhibitor_memberships__organization__applications__status=Application.Status.APPROVED,
    ).distinct()


def exhibitors_by_status(status: str):
    """Members of organizations with an application in this status."""
    return User.objects.filter(
        exhibitor_memberships__organization__applications__status=status
    ).distinct()


def register_segments() -> None:
    register_segment(
        "exhibitors.section",
        _("Exhibitors by section"),
        exhibitors_by_section,
        params={"section": section_choices},
    )
    register_segment(
        "exhibitors.status",
        _("Exhibitors by application status"),
        exhibitors_by_status,
        params={"status": Application.Status.choices},
    )
