"""Announcement segments: delegates by category, country, delegation and approval status."""

from django.utils.translation import gettext_lazy as _

from core.registries import register_segment

from . import selectors
from .models import Registration


def register_segments() -> None:
    register_segment(
        "delegates.category",
        _("Delegates by category"),
        selectors.users_by_category,
        params={"category": selectors.category_choices},
    )
    register_segment(
        "delegates.country",
        _("Delegates by country or territory"),
        selectors.users_by_country,
        params={"country": selectors.country_choices},
    )
    register_segment(
        "delegates.delegation",
        _("Members of a delegation"),
        selectors.users_by_delegation,
        params={"delegation": selectors.delegation_choices},
    )
    register_segment(
        "delegates.status",
        _("Delegates by approval status"),
        selectors.users_by_status,
        params={"status": Registration.Status.choices},
    )
    register_segment(
        "delegates.event_registrants",
        _("Registrants of an event"),
        selectors.users_registered_for_event,
        params={"event": selectors.event_choices, "status": selectors.REGISTRANT_STATUSES},
    )
    register_segment(
        "delegates.session_registrants",
        _("Registrants of a session"),
        selectors.users_registered_for_session,
        params={"status": selectors.REGISTRANT_STATUSES, "session": selectors.session_choices},
    )
