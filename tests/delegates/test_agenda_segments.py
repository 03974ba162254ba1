"""Announcement segments: registrants of an event or a session, by confirmed / waitlisted / starred."""

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from django.forms.models import model_to_dict

from delegates import services
from delegates.selectors import event_labels
from events.admin import SessionAdminForm
from notifications.services import segment_choices, segment_options, segment_users
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.events import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    VenueFactory,
    at,
)
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
# categories, countries, delegations, events, sessions (with their events' labels, 2 queries),
# exhibition sections
SEGMENT_OPTION_QUERIES = 7


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
    # Sessions are picked from the list, not typed: named with their event, day and time.
    assert labels[f"{session_key}?status=starred&session={afternoon.code}"] == (
        f"Registrants of a session: on their agenda, Frontier tech forum — "
        f"{afternoon.starts_at.astimezone(TZ):%m-%d %H:%M} · {afternoon.title}"
    )


def test_events_with_the_same_title_read_apart_in_the_recipient_picker():
    venue = VenueFactory(name_en="Zhongguancun National Independent Innovation Demonstration Zone")
    room = RoomFactory(venue=venue, name_en="Hall A")
    twins = [EventFactory(title_en="Parallel forum", venue=venue) for _ in range(5)]
    # 0 alone at 09:00; 1 and 2 at 10:00 but in different venues; 3 and 4 alike but for the room
    # and, last, the slug.
    SessionFactory(event=twins[0], starts_at=at(1, 9), room=room)
    SessionFactory(event=twins[1], starts_at=at(1, 10), room=room)
    twins[2].venue = VenueFactory(name_en="Shougang Park")
    twins[2].save()
    # Two rooms of one name (one on each floor): the same time is no clash.
    twin_room = RoomFactory(venue=venue, name_en="Hall A", floor="2")
    SessionFactory(event=twins[2], starts_at=at(1, 10), room=twin_room)
    SessionFactory(event=twins[3], starts_at=at(1, 11), room=room)
    SessionFactory(event=twins[4], starts_at=at(1, 11), room=twin_room)
    SessionFactory(event=twins[4], starts_at=at(1, 12), room=RoomFactory(name_en="Hall B"))
    other = EventFactory(title_en="Opening ceremony")

    labels = event_labels()
    assert labels[other.pk] == "Opening ceremony"  # a unique title stays as it is
    assert labels[twins[0].pk] == "Parallel forum · 09-25 09:00"
    assert labels[twins[1].pk].endswith(
        "10:00 · Zhongguancun National Independent Innovation Demonstration Zone"
    )
    assert labels[twins[2].pk] == "Parallel forum · 09-25 10:00 · Shougang Park"
    assert labels[twins[3].pk].endswith(f"Hall A · {twins[3].slug}")
    assert labels[twins[4].pk].endswith(f"Hall A · {twins[4].slug}")
    assert len(set(labels.values())) == len(labels) == 6


def test_the_60_demo_events_give_60_distinct_labels(demo_forum):
    labels = event_labels()
    assert len(labels) == 60
    assert len(set(labels.values())) == 60


def test_session_segments_are_grouped_by_event_in_bounded_queries():
    made = []

    def grow(n):
        for _ in range(n):
            event = EventFactory(title_en="Same title")
            made.extend(SessionFactory(event=event) for _ in range(2))

    first, second = assert_queries_do_not_grow(segment_options, grow, budget=SEGMENT_OPTION_QUERIES)
    groups = {group for value, _label, group in second if "session_registrants" in value}
    assert len(groups) == 6  # one per event, each named apart
    assert all(g.startswith("Registrants of a session — Same title · ") for g in groups)
    sessions = [v for v, _label, _group in second if "session_registrants?status=confirmed" in v]
    assert len(sessions) == len(made) == 12


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
