"""The cards' statements written from the tables (``selectors._card_rows``) give the cards the
ORM's queryset gives: the oracle is ``session_cards`` over ``public_sessions``, on SQLite and on
PostgreSQL, in both languages."""

from datetime import timedelta

import pytest
from django.utils import translation

from events import selectors, services
from tests.factories.events import (
    EventFactory,
    ForumFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    VenueFactory,
    at,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(forum, section):
    """Sessions around the first day's edges (forum time), of every kind of card, with a speaker
    who speaks in some and moderates one; rooms in two venues whose order decides ties."""
    first, second = VenueFactory(position=2), VenueFactory(position=1)
    rooms = [RoomFactory(venue=first, position=1), RoomFactory(venue=second, position=3)]
    rooms.append(RoomFactory(venue=second, position=1))
    person = SpeakerFactory(name="Ada Person", name_zh="阿达")
    public = EventFactory(forum=forum, section=section, title_zh_hans="")
    invited = EventFactory(forum=forum, section=section, is_public=False)
    hidden = EventFactory(forum=forum, section=section, is_published=False)
    other = EventFactory(forum=ForumFactory(edition=forum.edition - 1))
    made = [
        SessionFactory(event=public, room=rooms[0], starts_at=at(0, 0), speakers=[person]),
        SessionFactory(event=public, room=rooms[1], starts_at=at(0, 9), interpretation=True),
        SessionFactory(event=invited, room=rooms[2], starts_at=at(0, 9), moderators=[person]),
        SessionFactory(event=public, room=rooms[0], starts_at=at(0, 9), rsvp_required=True),
        SessionFactory(
            event=public,
            room=rooms[1],
            starts_at=at(0, 23, 30),
            title_zh_hans="",
            speakers=[person],
        ),
        SessionFactory(event=public, room=rooms[1], starts_at=at(1, 0)),  # the next day
        SessionFactory(event=public, room=rooms[2], starts_at=at(0, 0) - timedelta(minutes=30)),
        SessionFactory(event=hidden, room=rooms[2], starts_at=at(0, 10), speakers=[person]),
        SessionFactory(event=other, room=rooms[2], starts_at=at(0, 11), speakers=[person]),
    ]
    for session in made:
        session.ends_at = session.starts_at + timedelta(minutes=30)
        session.save()
    services.cancel_session(made[3])
    return person


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_day_without_filters_reads_the_cards_the_queryset_gives(forum, varied, language):
    sessions = selectors.public_sessions(forum)
    with translation.override(language):
        for day in (forum.starts_on, forum.starts_on + timedelta(days=1)):
            expected = selectors.session_cards(selectors.sessions_on(sessions, forum, day)[:101])
            paginator, cards = selectors.day_card_page(forum, day, 1, 100)
            assert cards == expected and paginator.count == len(expected)
        assert len(selectors.day_card_page(forum, forum.starts_on, 1, 100)[1]) == 5


def test_a_day_longer_than_a_page_is_paginated(forum, varied):
    paginator, cards = selectors.day_card_page(forum, forum.starts_on, 1, 2)
    assert paginator.count == 5 and paginator.num_pages == 3 and len(cards) == 2
    paginator, cards = selectors.day_card_page(forum, forum.starts_on, 3, 2)
    assert len(cards) == 1
    # The count is the queryset's: the hidden event's, the other forum's and the next day's
    # sessions are not counted, the cancelled one is.
    day = selectors.sessions_on(selectors.public_sessions(forum), forum, forum.starts_on)
    assert paginator.count == day.count() == 5
    paginator, cards = selectors.day_card_page(forum, forum.starts_on, 4, 2)
    assert cards is None and paginator.num_pages == 3


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_speakers_cards_are_those_of_the_queryset(forum, varied, language):
    with translation.override(language):
        expected = selectors.session_cards(selectors.speaker_sessions(forum, varied))
        cards = selectors.speaker_cards(forum, varied)
    assert cards == expected and len(cards) == 3
    assert [c["moderators"] != [] for c in cards] == [False, True, False]
