"""Builders for agenda and RSVP tests: approved delegates and sessions that take reservations."""

from datetime import UTC, datetime

from delegates.models import Registration
from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory, RegistrationFactory
from tests.factories.events import RoomFactory, SessionFactory

OPEN_UNTIL = datetime(2099, 1, 1, tzinfo=UTC)


def approved_delegate(category=None, **user_fields):
    """A user with an approved registration (category "delegate" unless told)."""
    user = UserFactory(**user_fields)
    RegistrationFactory(
        user=user,
        category=category or CategoryFactory(slug="delegate"),
        status=Registration.Status.APPROVED,
    )
    return user


def rsvp_session(capacity: int, *, room_seats: int = 200, **fields):
    """A published session needing RSVP with ``capacity`` seats, open for reservations."""
    fields.setdefault("room", RoomFactory(capacity=room_seats))
    fields.setdefault("rsvp_closes_at", OPEN_UNTIL)
    fields.setdefault("rsvp_required", True)
    return SessionFactory(capacity=capacity, **fields)
