"""Every write to the programme: sessions created, moved, cancelled; schedule released."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import page_cache

from . import signals
from .models import Event, Forum, Release, Room, Session, Speaker

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
    """Bump the forum's cache version: every cached page and export of it goes stale."""
    Forum.objects.filter(pk=forum_id).update(
        cache_version=F("cache_version") + 1, schedule_changed_at=timezone.now()
    )
    page_cache.bump()


def touch_every_schedule() -> None:
    """After a change to shared rows (rooms, venues, themes, sections): every forum goes stale."""
    Forum.objects.update(cache_version=F("cache_version") + 1, schedule_changed_at=timezone.now())
    page_cache.bump()


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
        clash = room_conflicts(room, starts_at, ends_at, exclude_pk=exclude_pk).first()
        if clash is not None:
            raise ScheduleError(_room_message(room, clash), field="room")
    for person, session in speaker_conflicts(people, starts_at, ends_at, exclude_pk=exclude_pk):
        raise ScheduleError(
            _("%(speaker)s already speaks at “%(session)s” (%(start)s–%(end)s).")
            % {
                "speaker": person,
                "session": session.title,
                "start": timezone.localtime(session.starts_at).strftime("%m-%d %H:%M"),
                "end": timezone.localtime(session.ends_at).strftime("%H:%M"),
            },
            field="speakers",
        )


def _room_message(room, clash=None) -> str:
    if clash is None:
        return _("%(room)s is already booked at that time.") % {"room": room}
    return _("%(room)s is already booked at that time by “%(session)s”.") % {
        "room": room,
        "session": clash.title,
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


def _snapshot(session: Session) -> dict:
    return {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "room_id": session.room_id,
    }


@transaction.atomic
def create_session(
    event: Event, *, code: str, speakers=(), moderators=(), themes=(), by=None, **fields
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
    touch_schedule(event.forum_id)
    return session


@transaction.atomic
def update_session(session: Session, *, speakers=None, moderators=None, themes=None, **fields):
    """Change a session; bumps its iCalendar SEQUENCE and tells listeners when it moved."""
    _refuse_unknown("update_session", fields)
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("event__forum")
        .get(pk=session.pk)
    )
    room = fields.get("room", session.room)
    room = Room.objects.select_for_update().get(pk=room.pk)
    old = _snapshot(session)
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
    touch_schedule(session.event.forum_id)
    new = _snapshot(session)
    if session.released_in and old != new:
        _announce(session, "moved", old, new)
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
def cancel_session(session: Session, *, by=None) -> Session:
    """Cancel a session: kept in exports as STATUS:CANCELLED, its room freed."""
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("event").get(pk=session.pk)
    )
    if session.is_cancelled:
        return session
    session.is_cancelled = True
    session.sequence += 1
    session.save(update_fields=["is_cancelled", "sequence"])
    touch_schedule(session.event.forum_id)
    if session.released_in:
        _announce(session, "cancelled", _snapshot(session), None)
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


def _announce(session: Session, change: str, old, new) -> None:
    # A named function, not a partial: robust on_commit logs the callback's __qualname__.
    def send_session_changed():
        signals.session_changed.send(
            sender=Session, session=session, change=change, old=old, new=new
        )

    transaction.on_commit(send_session_changed, robust=True)


def save_event(event: Event) -> Event:
    """Save an event edited in the admin and let cached pages know."""
    with transaction.atomic():
        event.save()
        touch_schedule(event.forum_id)
    return event


def touch_for_speaker(speaker: Speaker) -> None:
    for forum_id in (
        Forum.objects.filter(
            Q(events__sessions__speakers=speaker) | Q(events__sessions__moderators=speaker)
        )
        .values_list("pk", flat=True)
        .distinct()
    ):
        touch_schedule(forum_id)


@transaction.atomic
def release_schedule(forum: Forum, *, by=None, at=None, comment: str = "") -> Release:
    """Publish the next numbered version: what was added, moved and cancelled since the last."""
    from .selectors import release_snapshot

    forum = Forum.objects.select_for_update().get(pk=forum.pk)
    previous = forum.releases.order_by("-number").first()
    before = previous.snapshot if previous else {}
    after = release_snapshot(forum)
    changes = {"added": [], "moved": [], "cancelled": []}
    for code, row in after.items():
        old = before.get(code)
        entry = {"code": code, **row}
        if old is None or (old["cancelled"] and not row["cancelled"]):
            if not row["cancelled"]:
                changes["added"].append(entry)
        elif row["cancelled"] and not old["cancelled"]:
            changes["cancelled"].append(entry)
        elif not row["cancelled"] and any(
            old[k] != row[k] for k in ("starts_at", "ends_at", "room")
        ):
            changes["moved"].append({**entry, "old": old})
    for code, old in before.items():
        if code not in after and not old["cancelled"]:
            changes["cancelled"].append({"code": code, **old})
    for rows in changes.values():
        rows.sort(key=lambda r: (r["starts_at"], r["code"]))
    number = forum.release_number + 1
    release = Release.objects.create(
        forum=forum,
        number=number,
        released_at=at or timezone.now(),
        released_by=by,
        comment=comment,
        snapshot=after,
        changes=changes,
    )
    Session.objects.filter(
        event__forum=forum, released_in__isnull=True, code__in=list(after)
    ).update(released_in=number)
    Forum.objects.filter(pk=forum.pk).update(
        release_number=number,
        cache_version=F("cache_version") + 1,
        schedule_changed_at=release.released_at,
    )
    page_cache.bump()
    forum.release_number = number

    def send_schedule_released():
        signals.schedule_released.send(sender=Forum, forum=forum, release=release)

    transaction.on_commit(send_schedule_released, robust=True)
    return release
