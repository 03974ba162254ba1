"""Every public reader and delegate rule reads the released programme: a working edit changes
none of them until the release, and the release changes them."""

import json

import pytest
from django.db import transaction

from delegates import services as delegates
from events import services
from events.models import Session
from tests.delegates.agenda_support import approved_delegate, rsvp_session
from tests.factories.events import RoomFactory, SpeakerFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    """A released session taking RSVPs (one seat, held), starred by a delegate with a feed."""
    session = rsvp_session(
        1,
        code="opening",
        title_en="Opening dialogue",
        title_zh_hans="开幕对话",
        starts_at=at(0, 9),
        ends_at=at(0, 10),
        room=RoomFactory(name_en="Hall A", capacity=100),
        speakers=[SpeakerFactory(name="Ada Example")],
    )
    holder = approved_delegate()
    delegates.reserve_seat(session, user=holder)
    follower = approved_delegate()
    delegates.star_session(session, user=follower)
    feed = delegates.regenerate_feed(follower)
    services.release_schedule(session.event.forum)
    session.refresh_from_db()
    return {"session": session, "feed": feed, "newcomer": approved_delegate()}


def stage(kind: str, session: Session):
    """One working change of each kind."""
    if kind == "session title":
        services.stage_session_change(session, title_en="Closing dialogue")
    elif kind == "time":
        services.stage_session_change(session, starts_at=at(0, 15), ends_at=at(0, 16))
    elif kind == "room":
        services.stage_session_change(session, room=RoomFactory(name_en="Hall Z", capacity=100))
    elif kind == "cancel":
        services.stage_session_change(session, is_cancelled=True)
    elif kind == "add":
        services.stage_new_session(
            session.event,
            code="added-talk",
            title_en="Added talk",
            title_zh_hans="新增报告",
            starts_at=at(0, 11),
            ends_at=at(0, 12),
            room=session.room,
        )
    elif kind == "speaker":
        services.stage_session_change(session, speakers=[SpeakerFactory(name="Zed Newcomer")])
    elif kind == "capacity":
        services.stage_session_change(session, capacity=2)
    elif kind == "event title":
        services.stage_event_change(session.event, title_en="Renamed event")
    elif kind == "unpublish":
        services.stage_event_change(session.event, is_published=False)


def text(response) -> str:
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return b"".join(
        response.streaming_content if response.streaming else [response.content]
    ).decode()


def reserve_outcome(client, ctx) -> str:
    """What reserving a seat gives a newcomer, rolled back so it can be asked again."""
    with transaction.atomic():
        try:
            outcome = delegates.reserve_seat(ctx["session"], user=ctx["newcomer"]).rsvp.status
        except delegates.RSVPError as exc:
            outcome = f"refused: {exc}"
        transaction.set_rollback(True)
    return outcome


def json_document(client, ctx) -> str:
    document = json.loads(client.get("/api/schedule.json").content)
    document.pop("releases")
    document.pop("version")
    return json.dumps(document, sort_keys=True)


def ics(url):
    # Calendar stamps (DTSTAMP) change with the clock, not with the programme.
    def read(client, ctx):
        body = text(client.get(url(ctx)))
        return "\n".join(line for line in body.splitlines() if not line.startswith("DTSTAMP"))

    return read


READERS = {
    "day page": lambda client, ctx: text(client.get("/schedule/?day=2021-09-24")),
    "session page": lambda client, ctx: text(client.get("/sessions/opening/")),
    "event page": lambda client, ctx: text(client.get(ctx["session"].event.urls.public)),
    "grid": lambda client, ctx: text(client.get("/schedule/grid/?day=2021-09-24")),
    "speaker page": lambda client, ctx: text(
        client.get(ctx["session"].speakers.order_by("pk").first().urls.public)
    ),
    "section page": lambda client, ctx: text(client.get(ctx["session"].event.section.urls.public)),
    "home": lambda client, ctx: text(client.get("/")),
    "event.ics": ics(lambda ctx: ctx["session"].event.urls.ical),
    "schedule.ics": ics(lambda ctx: "/schedule.ics"),
    "session.ics": ics(lambda ctx: "/sessions/opening/session.ics"),
    "personal feed": ics(lambda ctx: f"/delegates/agenda/{ctx['feed'].token}.ics"),
    "schedule.json": json_document,
    "reserve_seat": reserve_outcome,
}
KINDS = [
    "session title",
    "time",
    "room",
    "cancel",
    "add",
    "speaker",
    "capacity",
    "event title",
    "unpublish",
]
# What a reader cannot show (the rest must change at the release).
BLIND = {
    "reserve_seat": {"session title", "time", "room", "add", "speaker", "event title"},
    "session.ics": {"add", "capacity"},
    "personal feed": {"add", "capacity"},
    "schedule.ics": {"capacity"},
    "day page": {"capacity", "event title"},
    "session page": {"add"},
    "event page": {"capacity"},
    "grid": {"speaker", "capacity", "event title"},
    "speaker page": {"add", "capacity"},  # the added session has no speaker
    "section page": {"session title", "time", "room", "speaker", "capacity"},  # lists events
    "home": {"session title", "time", "speaker", "capacity", "event title"},  # figures only
    "event.ics": {"capacity"},
}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_working_change_shows_only_once_released(
    client, programme, kind, reader, mailoutbox, django_capture_on_commit_callbacks
):
    read = READERS[reader]
    before = read(client, programme)
    mails = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        stage(kind, programme["session"])
    assert read(client, programme) == before, "a working edit reached the public"
    assert len(mailoutbox) == mails, "a working edit mailed someone"
    with django_capture_on_commit_callbacks(execute=True):
        services.release_schedule(programme["session"].event.forum, note_en="Changes")
    programme["session"].refresh_from_db()
    after = read(client, programme)
    if kind not in BLIND.get(reader, set()):
        assert after != before, "the release did not reach the public"


def test_a_cached_page_is_still_served_from_the_cache_after_a_working_edit(
    client, programme, django_assert_max_num_queries
):
    session = programme["session"]
    url = "/schedule/?day=2021-09-24"
    client.get(url)  # now cached
    with django_assert_max_num_queries(2) as warm:
        client.get(url)
    services.stage_session_change(session, title_en="Closing dialogue")
    with django_assert_max_num_queries(len(warm.captured_queries)):
        page = client.get(url).content.decode()
    assert "Opening dialogue" in page and "Closing dialogue" not in page
