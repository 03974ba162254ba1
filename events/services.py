"""Every write to the programme: sessions created, moved, cancelled; schedule released."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import page_cache
from core.dispatch import delay_on_commit

from . import exports, signals, tasks
from .models import (
    Event,
    ExportFragment,
    Forum,
    Release,
    Room,
    Session,
    Speaker,
    WorkingChange,
)

ROOM_OVERLAP_CONSTRAINT = "session_room_no_overlap"
# What a session's services write (create_session, update_session); the admin's forms and the
# demo are built from this list, and the services refuse any other keyword.
SESSION_FIELDS = (
    "title_en",
    "title_zh_hans",
    "description_en",
    "description_zh_hans",
    "type",
    "starts_at",
    "ends_at",
    "room",
    "language",
    "interpretation",
    "livestream_url",
    "capacity",
    "rsvp_required",
    "rsvp_closes_at",
)
# Changes that calendar clients must pick up (iCalendar SEQUENCE).
CALENDAR_FIELDS = {"title_en", "title_zh_hans", "starts_at", "ends_at", "room", "is_cancelled"}


class ScheduleError(Exception):
    """A change the programme cannot take; ``field`` names the form field to blame."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class SessionReleased(ScheduleError):
    """A released session is in agendas and calendars: it is cancelled, never deleted."""


def _refuse_unknown(service: str, fields) -> None:
    """A keyword outside SESSION_FIELDS is a programming error, not something to drop unseen."""
    unknown = sorted(set(fields) - set(SESSION_FIELDS))
    if unknown:
        raise TypeError(f"{service}() got unknown session fields: {', '.join(unknown)}")


def touch_schedule(forum_id: int) -> None:
    """Bump the forum's cache version: every cached page and export of it goes stale (the
    exports' fragments are prepared again once the caller commits)."""
    Forum.objects.filter(pk=forum_id).update(
        cache_version=F("cache_version") + 1, schedule_changed_at=timezone.now()
    )
    page_cache.bump()
    delay_on_commit(tasks.prepare_exports, forum_id)


def touch_every_schedule() -> None:
    """After a change to shared rows (rooms, venues, themes, sections): every forum goes stale."""
    Forum.objects.update(cache_version=F("cache_version") + 1, schedule_changed_at=timezone.now())
    page_cache.bump()
    delay_on_commit(tasks.prepare_exports)


PREPARE_LOCK = 2027  # the advisory lock's first key; the second is the forum's id


def prepare_exports(forum_id: int | None = None) -> int:
    """Write the exports' fragments (``ExportFragment``) of the forum's current version, or of
    every published forum's; the number written. Nothing when they are already there.

    Each fragment is cut from what the exports' own builders write (``exports.schedule_json``
    and ``exports.vevents``), so an export assembled from them is byte for byte the one built
    from scratch. Two preparations of one forum never interleave (an advisory lock on
    PostgreSQL; SQLite writes one at a time). The services lock an event's and the forum's rows
    while they change the programme and hand this over: a preparation takes no row lock of
    theirs until its last statement, which marks the version prepared only while it is still
    the forum's (a change committed meanwhile has its own preparation coming).
    """
    if forum_id is None:
        published = Forum.objects.filter(is_published=True).values_list("pk", flat=True)
        return sum(prepare_exports(pk) for pk in published)
    from .selectors import public_speakers, schedule_export, session_pages

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [PREPARE_LOCK, forum_id])
        forum = Forum.objects.filter(pk=forum_id).first()
        if forum is None:
            return 0
        mine = ExportFragment.objects.filter(forum=forum)
        site = settings.SITE_URL
        if mine.filter(version=forum.cache_version, site=site).exists():
            return 0
        mine.delete()
        sessions, people = schedule_export(forum)
        if not sessions:
            return 0
        shown = session_pages(forum), {p.pk: p for p in public_speakers(forum)}
        fragments = []
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                written = _fragments(forum, sessions, people, language)
                _add_pages(written, forum, *shown)
                fragments += written
        for fragment in fragments:
            fragment.forum, fragment.version, fragment.site = forum, forum.cache_version, site
        ExportFragment.objects.bulk_create(fragments, batch_size=500)
        Forum.objects.filter(pk=forum.pk, cache_version=forum.cache_version).update(
            exports_version=forum.cache_version
        )
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Each version rewrites the table: without this its dead rows and stale statistics
        # slowed the exports' statements twofold until autovacuum came by.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {ExportFragment._meta.db_table}")
    return len(fragments)


def _fragments(forum, sessions, people, language: str) -> list[ExportFragment]:
    """The fragments of one language: each event, room, speaker and session of the documents,
    numbered in the order the JSON document lists them."""
    document = exports.schedule_json(
        forum, sessions, people, release_number=forum.release_number, language=language
    )
    kind, person = ExportFragment.Kind, {row[2]: row[1] for row in people}  # slug: id
    parts = (
        (kind.EVENT, dict.fromkeys(row["event_id"] for row in sessions), document["events"]),
        (kind.ROOM, [room["id"] for room in document["rooms"]], document["rooms"]),
        (kind.SPEAKER, [person[s["slug"]] for s in document["speakers"]], document["speakers"]),
        (kind.SESSION, [row["pk"] for row in sessions], document["sessions"]),
    )
    fragments = [
        ExportFragment(
            language=language, kind=part, object_id=pk, json=exports.dumps(item).decode()
        )
        for part, ids, items in parts
        for pk, item in zip(ids, items, strict=True)
    ]
    blocks = exports.vevents(forum, sessions, people, language=language)
    for fragment, row, block in zip(fragments[-len(sessions) :], sessions, blocks, strict=True):
        fragment.event_id, fragment.vevent = row["event_id"], block
    for position, fragment in enumerate(fragments):
        fragment.position = position
    return fragments


class _Here:
    """The request a prepared page is rendered for: its path is ``ExportFragment.PAGE_HERE``,
    which each request replaces with its own."""

    @staticmethod
    def get_full_path() -> str:
        return ExportFragment.PAGE_HERE


def _add_pages(fragments: list[ExportFragment], forum, sessions, speakers) -> None:
    """The pages' parts in the active language, as a visitor gets them, on the fragments of
    that language (``_fragments``): each session's page title, page content, card and its
    card's day heading (``events.views.session_detail``, ``speaker_detail``); each speaker's
    page title and the page's own part (``speaker_head``). ``sessions``: each session with its
    speakers and moderators (``selectors.session_pages``, in the forum's order, as the session
    fragments); ``speakers``: the forum's public speakers by id."""
    from django.template import Context
    from django.utils.html import escape

    from core.templatetags.forum_text import long_day

    from .selectors import public_sessions, session_cards
    from .templatetags.events import session_card
    from .templatetags.pages import session_page, speaker_head

    here = _Here()
    context = Context({"request": here})  # one context: the cards' labels are worked out once
    cards = session_cards(public_sessions(forum))  # labels in the active language
    kind = ExportFragment.Kind
    mine = [f for f in fragments if f.kind == kind.SESSION]
    for fragment, (session, people, moderators), card in zip(mine, sessions, cards, strict=True):
        if fragment.object_id != session.pk or card["code"] != session.code:
            raise RuntimeError("the exports' sessions and the pages' are not in the same order")
        fragment.page_title = escape(session.title)
        fragment.page = session_page(context, forum, session, people, moderators)
        fragment.card = session_card(context, card)
        fragment.card_day = escape(long_day(card["day"]))
    for fragment in fragments:
        speaker = speakers.get(fragment.object_id) if fragment.kind == kind.SPEAKER else None
        if speaker is not None:
            fragment.page_title = escape(speaker.local_name)
            fragment.page = speaker_head(speaker)


def room_conflicts(room, starts_at, ends_at, *, exclude_pk=None):
    """Non-cancelled sessions in ``room`` overlapping [starts_at, ends_at)."""
    qs = Session.objects.filter(
        room=room, is_cancelled=False, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def speaker_conflicts(speakers, starts_at, ends_at, *, exclude_pk=None):
    """(speaker, session) pairs where a speaker is already busy during [starts_at, ends_at)."""
    ids = [s.pk for s in speakers]
    if not ids:
        return []
    busy = (
        Session.objects.filter(is_cancelled=False, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .filter(Q(speakers__in=ids) | Q(moderators__in=ids))
        .exclude(pk=exclude_pk)
        .distinct()
        .select_related("room")
        .prefetch_related("speakers", "moderators")
    )
    found = []
    for session in busy:
        for person in [*session.speakers.all(), *session.moderators.all()]:
            if person.pk in ids:
                found.append((person, session))
    return found


def validate_session(
    event: Event, *, starts_at, ends_at, room, people=(), exclude_pk=None, check_room=True
):
    """Raise ScheduleError unless the slot fits: end after start, forum dates, room, speakers."""
    if starts_at is None or ends_at is None or room is None:
        raise ScheduleError(_("A session needs a start, an end and a room."))
    if ends_at <= starts_at:
        raise ScheduleError(_("A session must end after it starts."), field="ends_at")
    forum = event.forum
    tz = ZoneInfo(forum.timezone)
    first = datetime.combine(forum.starts_on, datetime.min.time(), tzinfo=tz)
    last = datetime.combine(forum.ends_on, datetime.max.time(), tzinfo=tz)
    if starts_at < first or ends_at > last:
        raise ScheduleError(
            _("Sessions must take place during the forum (%(first)s to %(last)s).")
            % {"first": forum.starts_on.isoformat(), "last": forum.ends_on.isoformat()},
            field="starts_at",
        )
    if check_room:
        clash = (
            room_conflicts(room, starts_at, ends_at, exclude_pk=exclude_pk)
            .select_related("room")
            .first()
        )
        if clash is not None:
            raise ScheduleError(_room_message(room, clash), field="room")
    for person, session in speaker_conflicts(people, starts_at, ends_at, exclude_pk=exclude_pk):
        raise ScheduleError(
            _("%(speaker)s already speaks at “%(session)s” (%(slot)s).")
            % {"speaker": person, "session": session.title, "slot": _slot(session)},
            field="speakers",
        )


def _slot(session: Session) -> str:
    """When, where and which: two slots of one event share a title, never a code."""
    return _("%(start)s–%(end)s, %(room)s, code %(code)s") % {
        "start": timezone.localtime(session.starts_at).strftime("%m-%d %H:%M"),
        "end": timezone.localtime(session.ends_at).strftime("%H:%M"),
        "room": session.room,
        "code": session.code,
    }


def _room_message(room, clash=None) -> str:
    if clash is None:
        return _("%(room)s is already booked at that time.") % {"room": room}
    return _("%(room)s is already booked at that time by “%(session)s” (%(slot)s).") % {
        "room": room,
        "session": clash.title,
        "slot": _slot(clash),
    }


def _save_checked(session: Session, **kwargs) -> None:
    """Save; on PostgreSQL the exclusion constraint decides, mapped to a ScheduleError."""
    try:
        with transaction.atomic():
            session.save(**kwargs)
    except IntegrityError as exc:
        if ROOM_OVERLAP_CONSTRAINT in str(exc):
            raise ScheduleError(_room_message(session.room), field="room") from exc
        raise


def _db_checks_rooms() -> bool:
    return connection.vendor == "postgresql"


@transaction.atomic
def create_session(
    event: Event, *, code: str, speakers=(), moderators=(), themes=(), by=None, touch=True, **fields
) -> Session:
    """A new session of ``event``; refused when its room or a speaker is taken."""
    _refuse_unknown("create_session", fields)
    event = Event.objects.select_related("forum").select_for_update(of=("self",)).get(pk=event.pk)
    room = Room.objects.select_for_update().get(pk=fields["room"].pk)  # serialises room bookings
    fields["room"] = room
    people = [*speakers, *moderators]
    validate_session(
        event,
        starts_at=fields.get("starts_at"),
        ends_at=fields.get("ends_at"),
        room=room,
        people=people,
        check_room=not _db_checks_rooms(),
    )
    session = Session(event=event, code=code, **fields)
    _save_checked(session)
    session.speakers.set(speakers)
    session.moderators.set(moderators)
    session.themes.set(themes)
    if touch:
        touch_schedule(event.forum_id)
    return session


@transaction.atomic
def update_session(
    session: Session, *, speakers=None, moderators=None, themes=None, touch=True, **fields
):
    """Change a live session (the released programme): what a release applies. Bumps its
    iCalendar SEQUENCE when calendars must update; organizers' edits are staged instead
    (``stage_session_change``)."""
    _refuse_unknown("update_session", fields)
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("event__forum")
        .get(pk=session.pk)
    )
    room = fields.get("room", session.room)
    room = Room.objects.select_for_update().get(pk=room.pk)
    changed = {name for name, value in fields.items() if getattr(session, name) != value}
    for name, value in fields.items():
        setattr(session, name, value)
    session.room = room
    people = [
        *(speakers if speakers is not None else session.speakers.all()),
        *(moderators if moderators is not None else session.moderators.all()),
    ]
    if not session.is_cancelled:
        validate_session(
            session.event,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            room=room,
            people=people,
            exclude_pk=session.pk,
            check_room=not _db_checks_rooms(),
        )
    if changed & CALENDAR_FIELDS:
        session.sequence += 1
    _save_checked(session)
    if speakers is not None:
        session.speakers.set(speakers)
    if moderators is not None:
        session.moderators.set(moderators)
    if themes is not None:
        session.themes.set(themes)
    if touch:
        touch_schedule(session.event.forum_id)
    if changed & {"capacity", "room"}:

        def send_seats_changed():
            signals.seats_changed.send(sender=Session, session=session)

        transaction.on_commit(send_seats_changed, robust=True)
    return session


_UNCHANGED = object()


def check_capacity(session: Session, capacity: int | None) -> None:
    """Seats offered are never more than the room holds; ScheduleError on ``capacity`` if so."""
    if capacity is not None and capacity > session.room.capacity:
        raise ScheduleError(
            _("%(room)s has %(seats)d seats: the capacity cannot be larger.")
            % {"room": session.room, "seats": session.room.capacity},
            field="capacity",
        )


@transaction.atomic
def set_capacity(
    session: Session, capacity: int | None, *, rsvp_closes_at=_UNCHANGED, by=None
) -> list:
    """Change a session's seats (at most its room's) and, if given, when reservations close.

    ``seats_changed`` is sent inside this transaction, under the session's row lock, so that what
    its receivers do (delegates: fill the new seats from the waitlist) holds or fails with the
    change; what they return is returned, flattened (the RSVPs given a seat).
    """
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("event", "room")
        .get(pk=session.pk)
    )
    check_capacity(session, capacity)
    session.capacity = capacity
    fields = ["capacity"]
    if rsvp_closes_at is not _UNCHANGED:
        session.rsvp_closes_at = rsvp_closes_at
        fields.append("rsvp_closes_at")
    session.save(update_fields=fields)
    touch_schedule(session.event.forum_id)
    responses = signals.seats_changed.send(sender=Session, session=session)
    return [item for _receiver, result in responses for item in (result or ())]


@transaction.atomic
def cancel_session(session: Session, *, by=None, touch=True) -> Session:
    """Cancel a live session: kept in exports as STATUS:CANCELLED, its room freed. What a
    release applies; organizers stage a cancellation (``stage_session_change``)."""
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("event").get(pk=session.pk)
    )
    if session.is_cancelled:
        return session
    session.is_cancelled = True
    session.sequence += 1
    session.save(update_fields=["is_cancelled", "sequence"])
    if touch:
        touch_schedule(session.event.forum_id)
    return session


@transaction.atomic
def delete_session(session: Session, *, by=None) -> None:
    """Delete a session nobody follows yet; SessionReleased if it was released (cancel it)."""
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("event").get(pk=session.pk)
    )
    if session.released_in is not None:
        raise SessionReleased(
            _(
                "“%(session)s” was released: it is in delegates' agendas and calendars. "
                "Cancel it instead of deleting it."
            )
            % {"session": session.title}
        )
    forum_id = session.event.forum_id
    session.delete()
    touch_schedule(forum_id)


def save_event(event: Event) -> Event:
    """Save an event edited in the admin and let cached pages know."""
    with transaction.atomic():
        event.save()
        touch_schedule(event.forum_id)
    return event


@transaction.atomic
def save_speaker(speaker: Speaker, *, by=None) -> Speaker:
    """A speaker's profile created or changed (the admin's form, a sheet's row). Profiles are live,
    not versioned: the pages showing them go stale at once. A new speaker records who added it
    (an event host may edit the speakers they added)."""
    if speaker.pk is None and by is not None:
        speaker.added_by = by
    speaker.save()
    touch_for_speaker(speaker)
    return speaker


def touch_for_speaker(speaker: Speaker) -> None:
    for forum_id in (
        Forum.objects.filter(
            Q(events__sessions__speakers=speaker) | Q(events__sessions__moderators=speaker)
        )
        .values_list("pk", flat=True)
        .distinct()
    ):
        touch_schedule(forum_id)


# --- The working programme and its release ---------------------------------------------------

# What the working programme versions, besides SESSION_FIELDS.
SESSION_M2M = ("speakers", "moderators", "themes")
STAGED_SESSION_FIELDS = (*SESSION_FIELDS, "is_cancelled", *SESSION_M2M)
EVENT_FIELDS = WorkingChange.EVENT_FIELDS
DATETIME_FIELDS = {"starts_at", "ends_at", "rsvp_closes_at"}


class ReleaseError(Exception):
    """A release refused: the programme changed since the page was shown, or a note is missing."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def to_json(value):
    """A field's value as the working programme stores it: ids for rows, ISO for datetimes."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()  # one spelling per moment: edits compare equal
    if hasattr(value, "pk"):
        return value.pk
    if (
        isinstance(value, list | tuple | set)
        or hasattr(value, "__iter__")
        and not isinstance(value, str | dict)
    ):
        return sorted(to_json(item) for item in value)
    return value


def _from_json(name: str, value):
    if name in DATETIME_FIELDS and value is not None:
        return datetime.fromisoformat(value)
    return value


def _live_values(session: Session) -> dict:
    from .selectors import _m2m_ids, live_session_values

    return live_session_values(session, _m2m_ids([session.pk])[session.pk])


def _refuse_unstaged(service: str, fields, allowed) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"{service}() got unknown fields: {', '.join(unknown)}")


def _check_working_session(event: Event, values: dict, *, exclude_pk=None) -> None:
    """The slot against the released programme: refused now rather than at the release."""
    if values.get("is_cancelled"):
        return
    room = Room.objects.get(pk=values["room"])
    capacity = values.get("capacity")
    if capacity is not None and capacity > room.capacity:
        raise ScheduleError(
            _("%(room)s has %(seats)d seats: the capacity cannot be larger.")
            % {"room": room, "seats": room.capacity},
            field="capacity",
        )
    people = Speaker.objects.filter(
        pk__in=[*values.get("speakers", []), *values.get("moderators", [])]
    )
    validate_session(
        event,
        starts_at=_from_json("starts_at", values["starts_at"]),
        ends_at=_from_json("ends_at", values["ends_at"]),
        room=room,
        people=list(people),
        exclude_pk=exclude_pk,
    )


@transaction.atomic
def stage_session_change(session: Session, *, by=None, **fields):
    """Edit a session in the working programme; the public schedule waits for the release.

    Only what differs from the released row is kept; an edit back to it drops the change.
    Returns the WorkingChange, or None when nothing differs any more.
    """
    from .models import WorkingChange

    _refuse_unstaged("stage_session_change", fields, STAGED_SESSION_FIELDS)
    session = Session.objects.select_related("event__forum").get(pk=session.pk)
    # The event's lock, as create_session takes it: a booking being made in it commits first,
    # and the check below sees it.
    Event.objects.select_for_update().filter(pk=session.event_id).first()
    change = (
        WorkingChange.objects.select_for_update().filter(session=session).first()
    )  # one writer per session's working row
    live = _live_values(session)
    wanted = {**live, **(change.values if change else {})}
    wanted.update({name: to_json(value) for name, value in fields.items()})
    _check_working_session(session.event, wanted, exclude_pk=session.pk)
    values = {name: value for name, value in wanted.items() if live.get(name) != value}
    if not values:
        if change is not None:
            change.delete()
        return None
    if change is None:
        change = WorkingChange(
            forum=session.event.forum,
            kind=WorkingChange.Kind.SESSION,
            event=session.event,
            session=session,
        )
    change.values, change.changed_by = values, by
    change.save()
    return change


@transaction.atomic
def stage_new_session(
    event: Event, *, code: str, speakers=(), moderators=(), themes=(), by=None, **fields
):
    """A session added in the working programme: created live at the release that takes it."""
    from .models import WorkingChange

    _refuse_unknown("stage_new_session", fields)
    Event.objects.select_for_update().filter(pk=event.pk).first()  # as in stage_session_change
    if (
        Session.objects.filter(code=code).exists()
        or WorkingChange.objects.filter(kind=WorkingChange.Kind.NEW_SESSION, code=code).exists()
    ):
        raise ScheduleError(_("Another session already has this code."), field="code")
    values = {name: to_json(value) for name, value in fields.items()}
    values.update(
        speakers=to_json(speakers),
        moderators=to_json(moderators),
        themes=to_json(themes),
        is_cancelled=False,
    )
    _check_working_session(event, values)
    return WorkingChange.objects.create(
        forum_id=event.forum_id,
        kind=WorkingChange.Kind.NEW_SESSION,
        event=event,
        code=code,
        values=values,
        changed_by=by,
    )


@transaction.atomic
def stage_event_change(event: Event, *, by=None, **fields):
    """Edit an event's versioned fields (EVENT_FIELDS) in the working programme."""
    from .models import WorkingChange

    _refuse_unstaged("stage_event_change", fields, EVENT_FIELDS)
    event = Event.objects.get(pk=event.pk)
    change = (
        WorkingChange.objects.select_for_update()
        .filter(event=event, kind=WorkingChange.Kind.EVENT)
        .first()
    )
    live = {
        name: to_json(getattr(event, "venue_id" if name == "venue" else name))
        for name in EVENT_FIELDS
    }
    wanted = {**live, **(change.values if change else {})}
    wanted.update({name: to_json(value) for name, value in fields.items()})
    values = {name: value for name, value in wanted.items() if live.get(name) != value}
    if not values:
        if change is not None:
            change.delete()
        return None
    if change is None:
        change = WorkingChange(forum_id=event.forum_id, kind=WorkingChange.Kind.EVENT, event=event)
    change.values, change.changed_by = values, by
    change.save()
    return change


def working_values(session: Session) -> dict:
    """The session as the working programme has it: live values with its staged edits."""
    from .models import WorkingChange

    change = WorkingChange.objects.filter(session=session).first()
    live = _live_values(session)
    return {**live, **(change.values if change else {})}


def discard_working_change(change) -> None:
    """Revert one session or event to its released values: its working edit is dropped."""
    change.delete()


def discard_working_programme(forum: Forum) -> int:
    """Revert the whole working programme to the last release; the count of edits dropped."""
    from .models import WorkingChange

    count, _detail = WorkingChange.objects.filter(forum=forum).delete()
    return count


def _apply_session(change) -> Session | None:
    """Write one staged session edit to the live rows; ScheduleError if it no longer fits."""
    values = dict(change.values)
    m2m = {name: values.pop(name) for name in SESSION_M2M if name in values}
    cancel = values.pop("is_cancelled", None)
    fields = {name: _from_json(name, value) for name, value in values.items()}
    if "room" in fields:
        fields["room"] = Room.objects.get(pk=fields["room"])
    people = {
        name: Speaker.objects.filter(pk__in=ids) for name, ids in m2m.items() if name != "themes"
    }
    themes = m2m.get("themes")
    if change.session_id is None:
        from .models import Theme

        session = create_session(
            change.event,
            code=change.code,
            speakers=list(people.get("speakers", [])),
            moderators=list(people.get("moderators", [])),
            themes=list(Theme.objects.filter(pk__in=themes or [])),
            touch=False,
            **fields,
        )
        return session
    session = change.session
    if cancel is True:
        if fields or m2m:
            session = update_session(
                session,
                touch=False,
                **fields,
                **people,
                **({"themes": themes} if themes is not None else {}),
            )
        return cancel_session(session, touch=False)
    if cancel is False:
        locked = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
        locked.is_cancelled = False
        locked.sequence += 1
        locked.save(update_fields=["is_cancelled", "sequence"])
        session = locked
    extra = {"themes": themes} if themes is not None else {}
    return update_session(session, touch=False, **fields, **people, **extra)


def _apply_event(change) -> None:
    event = Event.objects.select_for_update().get(pk=change.event_id)
    for name, value in change.values.items():
        setattr(event, "venue_id" if name == "venue" else name, value)
    event.save()
    if {"title_en", "title_zh_hans", "is_published"} & set(change.values):
        # Calendars show the event's sessions under its name: they must update.
        Session.objects.filter(event=event).update(sequence=F("sequence") + 1)


def _label(row) -> str:
    return f"{row['code']} “{row['title']}”" if row["code"] else f"“{row['title']}”"


@transaction.atomic
def release_schedule(
    forum: Forum,
    *,
    by=None,
    at=None,
    note_en: str = "",
    note_zh: str = "",
    comment: str = "",
    change_ids=None,
    diff_hash: str | None = None,
) -> Release:
    """Publish the next numbered version: the working changes chosen (all by default) applied
    to the live rows, the changelog recorded, the page cache bumped once; after commit,
    ``schedule_released`` (delegates: one digest mail per person).

    ``diff_hash`` is the hash of the diff the organizer saw: under the forum's row lock, a
    different one (an edit or another release since) refuses with ReleaseError.
    """
    from .models import WorkingChange
    from .selectors import release_snapshot, working_diff

    forum = Forum.objects.select_for_update().get(pk=forum.pk)  # serialises releases
    diff = working_diff(forum)
    if diff_hash is not None and diff_hash != diff.hash:
        raise ReleaseError(
            _(
                "The programme changed since this page was shown (an edit, or another release). "
                "Nothing was released: check the changes below and release again."
            )
        )
    if change_ids is None:
        chosen = diff.rows
    else:
        wanted = {int(pk) for pk in change_ids}
        chosen = [row for row in diff.rows if row["id"] in wanted]
        if not chosen:
            raise ReleaseError(_("Choose at least one change to release."))
    note_en = note_en or comment
    if any(row["released"] for row in chosen) and not (note_en.strip() or note_zh.strip()):
        raise ReleaseError(
            _("This release changes sessions already released: write a release note."),
            field="note_en",
        )
    previous = forum.releases.order_by("-number").first()
    before = previous.snapshot if previous else {}
    changes_by_id = WorkingChange.objects.select_related("event__forum", "session").in_bulk(
        [row["id"] for row in chosen]
    )
    seats = []
    for row in sorted(chosen, key=lambda r: (r["kind"] != "event", r["id"])):
        change = changes_by_id[row["id"]]
        try:
            if change.kind == WorkingChange.Kind.EVENT:
                _apply_event(change)
            else:
                session = _apply_session(change)
                if {"moved", "capacity"} & set(row["kinds"]):
                    seats.append(session)
        except ScheduleError as exc:
            raise ReleaseError(
                _("%(change)s cannot be released: %(reason)s")
                % {"change": _label(row), "reason": exc.message}
            ) from exc
    WorkingChange.objects.filter(pk__in=[row["id"] for row in chosen]).delete()
    after = release_snapshot(forum)
    changes = _changelog(before, after, chosen)
    number = forum.release_number + 1
    released_at = at or timezone.now()
    release = Release.objects.create(
        forum=forum,
        number=number,
        released_at=released_at,
        released_by=by,
        comment=note_en or note_zh,
        comment_en=note_en,
        comment_zh_hans=note_zh,
        snapshot=after,
        changes=changes,
    )
    Session.objects.filter(
        event__forum=forum, released_in__isnull=True, code__in=list(after)
    ).update(released_in=number)
    Forum.objects.filter(pk=forum.pk).update(
        release_number=number,
        cache_version=F("cache_version") + 1,
        schedule_changed_at=released_at,
    )
    page_cache.bump()
    delay_on_commit(tasks.prepare_exports, forum.pk)
    forum.release_number = number

    def send_schedule_released():
        signals.schedule_released.send(sender=Forum, forum=forum, release=release)

    transaction.on_commit(send_schedule_released, robust=True)
    return release


def _changelog(before: dict, after: dict, chosen: list[dict]) -> dict:
    """Rows for the public changelog and the digests: added, moved, cancelled, restored from the
    snapshots; re-titled, speakers, capacity from the changes released; ``sessions``: the
    before/now of every session whose followers are told."""
    changes = {
        key: []
        for key in ("added", "moved", "cancelled", "restored", "retitled", "speakers", "capacity")
    }
    for code, row in after.items():
        old = before.get(code)
        entry = {"code": code, **row}
        if old is None:
            if not row["cancelled"]:
                changes["added"].append(entry)
        elif old["cancelled"] and not row["cancelled"]:
            changes["restored"].append(entry)
        elif row["cancelled"] and not old["cancelled"]:
            changes["cancelled"].append(entry)
        elif not row["cancelled"]:
            if any(old[k] != row[k] for k in ("starts_at", "ends_at", "room")):
                changes["moved"].append({**entry, "old": old})
            if any(old.get(k) != row.get(k) for k in ("title_en", "title_zh_hans")):
                changes["retitled"].append({**entry, "old": old})
    for code, old in before.items():
        if code not in after and not old["cancelled"]:
            changes["cancelled"].append({"code": code, **old})
    for row in chosen:
        if row["code"] and row["code"] in after:
            for kind in ("speakers", "capacity"):
                if kind in row["kinds"]:
                    changes[kind].append({"code": row["code"], **after[row["code"]]})
    for rows in changes.values():
        rows.sort(key=lambda r: (r["starts_at"], r["code"]))
    changes["sessions"] = [
        {
            "row": row["id"],
            "session": row["session_id"],
            "event": row["event_id"] if row["kind"] == "event" else None,
            "code": row["code"],
            "kinds": [k for k in row["kinds"] if k in NOTIFYING],
            "before": row["before"],
            "after": row["after"],
        }
        for row in chosen
        if row["notifies"]
    ]
    return changes


NOTIFYING = {
    "moved",
    "cancelled",
    "restored",
    "retitled",
    "speakers",
    "event_retitled",
    "unpublished",
}
