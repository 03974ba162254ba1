import pytest

from tests.factories.events import (
    EventFactory,
    ForumFactory,
    RoomFactory,
    SectionFactory,
    SessionFactory,
    SpeakerFactory,
    ThemeFactory,
    at,
)


@pytest.fixture
def forum(db):
    return ForumFactory()


@pytest.fixture
def section(forum):
    return SectionFactory(forum=forum, slug="forum-meetings", name_en="Forum meetings")


@pytest.fixture
def room(db):
    return RoomFactory()


@pytest.fixture
def event(forum, section):
    return EventFactory(forum=forum, section=section)


@pytest.fixture
def programme(forum, section):
    """A function that adds ``n`` published sessions on day 0, each with two speakers and a theme.

    They go to a new event, or to ``event`` when given (so a second call can add to the first's).
    """

    theme = ThemeFactory(
        slug="carbon-neutrality", name_en="Carbon neutrality", name_zh_hans="碳中和"
    )

    def make(n: int, day: int = 0, event=None):
        event = event or EventFactory(forum=forum, section=section)
        event.themes.set([theme])
        sessions = []
        for i in range(n):
            sessions.append(
                SessionFactory(
                    event=event,
                    starts_at=at(day, 9 + i % 8),
                    ends_at=at(day, 10 + i % 8),
                    speakers=[SpeakerFactory(), SpeakerFactory()],
                    moderators=[SpeakerFactory()],
                    themes=[theme],
                )
            )
        return sessions

    return make
