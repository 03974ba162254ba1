"""Announcement segments: registrants of an event or a session, by confirmed / waitlisted / starred."""

from urllib.parse import urlencode

import pytest
from django.forms.models import model_to_dict

from delegates import services
from events.admin import SessionAdminForm
from notifications.services import segment_choices, segment_users
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.events import EventFactory, RoomFactory

pytestmark = pytest.mark.django_db


def test_registrants_of_an_event_and_of_a_session():
    event = EventFactory(title_en="Frontier tech forum")
    morning = rsvp_session(1, event=event)
    afternoon = rsvp_session(1, event=event)
    seated, waiting, starring = (approved_delegate() for _ in range(3))
    services.reserve_seat(morning, user=seated)
    services.reserve_seat(morning, user=waiting)
    services.star_session(afternoon, user=starring)
    approved_delegate()  # registered for nothing

    def users(key, **params):
        return set(segment_users(f"{key}?{urlencode(params)}"))

    event_key = "delegates.event_registrants"
    assert users(event_key, event=event.pk, status="confirmed") == {seated}
    assert users(event_key, event=event.pk, status="waitlisted") == {waiting}
    assert users(event_key, event=event.pk, status="starred") == {starring}
    session_key = "delegates.session_registrants"
    assert users(session_key, status="waitlisted", session=morning.code) == {waiting}
    assert users(session_key, status="starred", session=afternoon.code) == {starring}
    assert users(session_key, status="confirmed", session=afternoon.code) == set()
    labels = dict(segment_choices())
    assert labels[f"{event_key}?event={event.pk}&status=waitlisted"] == (
        "Registrants of an event: Frontier tech forum, on the waitlist"
    )


def test_the_programme_admin_refuses_a_capacity_above_the_room():
    session = rsvp_session(10, room=RoomFactory(capacity=30))
    data = model_to_dict(session)
    data.update(capacity=31, speakers=[], moderators=[], themes=[])
    data = {k: v for k, v in data.items() if v is not None}
    form = SessionAdminForm(data=data, instance=session)
    assert not form.is_valid()
    assert "the capacity cannot be larger" in str(form.errors["capacity"])
    data["capacity"] = 30
    assert SessionAdminForm(data=data, instance=session).is_valid()
