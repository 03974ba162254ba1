"""Announcement segments: delegates by category, country, delegation and approval status."""

from django.utils.translation import gettext_lazy as _

from . import selectors


def register_segments() -> None:
    try:
        from notifications.services import register_segment
    except ImportError:  # notifications is built alongside; segments appear once it lands
        return
    register_segment(
        "delegates.category",
        _("Delegates by category"),
        selectors.users_by_category,
        params={"category": _("category slug")},
    )
    register_segment(
        "delegates.country",
        _("Delegates by country or territory"),
        selectors.users_by_country,
        params={"country": _("ISO country code")},
    )
    register_segment(
        "delegates.delegation",
        _("Members of a delegation"),
        selectors.users_by_delegation,
        params={"delegation": _("delegation id")},
    )
    register_segment(
        "delegates.status",
        _("Delegates by approval status"),
        selectors.users_by_status,
        params={"status": _("pending, approved or rejected")},
    )
