"""A delegate's agenda: stars, the private feed, seat reservations and the waitlist, and the
notices mailed when a session of it changes."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, Session
from notifications.services import Recipient, notify

from .. import selectors
from ..models import RSVP, AgendaFeed, Registration, Star

User = get_user_model()


# --- My agenda: stars and the private feed --------------------------------------------------


class AgendaError(Exception):
    """A request about a delegate's agenda or seat that cannot be carried out; shown as is."""


class RSVPError(AgendaError):
    """A seat that cannot be reserved or given up; the message is shown."""


def _approved_registration(user) -> Registration:
    # Only the category's id is read on the way to a seat: no join (one more query when an
    # invitation-only event asks for the category itself).
    registration = (
        Registration.objects.filter(
            user_id=user.pk, status=Registration.Status.APPROVED, anonymised_at__isnull=True
        )
        .only("pk", "user_id", "category_id", "status")
        .first()
    )
    if registration is None:
        raise AgendaError(_("Only approved delegates can plan an agenda and reserve seats."))
    return registration


def _open_session(session: Session) -> Session:
    if not Session.objects.published().filter(pk=session.pk).exists():
        raise AgendaError(_("This session is not in the published programme."))
    return session


@transaction.atomic
def star_session(session: Session, *, user) -> Star:
    """Put a published session on the delegate's agenda (again: nothing changes)."""
    _approved_registration(user)
    _open_session(session)
    star, _created = Star.objects.get_or_create(user_id=user.pk, session_id=session.pk)
    return star


@transaction.atomic
def unstar_session(session: Session, *, user) -> None:
    Star.objects.filter(user_id=user.pk, session_id=session.pk).delete()


@transaction.atomic
def regenerate_feed(user) -> AgendaFeed:
    """A new secret feed address; the previous one answers 404 from now on."""
    _approved_registration(user)
    feed, _created = AgendaFeed.objects.select_for_update().get_or_create(user_id=user.pk)
    if not _created:
        feed.token = new_feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


@transaction.atomic
def revoke_feed(user) -> None:
    AgendaFeed.objects.filter(user_id=user.pk).delete()


def new_feed_token() -> str:
    from ..models import new_token

    return new_token()


# --- Session RSVP ---------------------------------------------------------------------------


@dataclass
class Reservation:
    """What reserving gave: the RSVP, its waitlist position (or None) and clashing sessions."""

    rsvp: RSVP
    position: int | None
    clashes: list


def seat_limit(session: Session) -> int:
    """Seats to give: the session's capacity, never more than its room holds."""
    room_seats = session.room.capacity
    return min(session.capacity, room_seats) if session.capacity is not None else room_seats


def waitlist_position(rsvp: RSVP) -> int | None:
    """1 for the first waitlisted (by time, then id); None for a confirmed seat.

    The order is written once, in ``selectors.with_waitlist_positions`` (the agenda and the
    seats admin read it too).
    """
    if rsvp.status != RSVP.Status.WAITLISTED:
        return None
    return (
        selectors.with_waitlist_positions(RSVP.objects.filter(pk=rsvp.pk))
        .values_list("waitlist_position", flat=True)
        .get()
    )


def confirmed_clashes(session: Session, *, user) -> list[Session]:
    """Other sessions at the same time where the delegate holds a confirmed seat."""
    return list(
        Session.objects.active()
        .filter(
            rsvps__user_id=user.pk,
            rsvps__status=RSVP.Status.CONFIRMED,
            starts_at__lt=session.ends_at,
            ends_at__gt=session.starts_at,
        )
        .exclude(pk=session.pk)
        .order_by("starts_at", "pk")
    )


def _lock_session(session: Session) -> Session:
    # The row lock serialises every reservation, cancellation and capacity change per session.
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("event__forum", "room__venue")  # what the mails say of it
        .get(pk=session.pk)
    )


@transaction.atomic
def reserve_seat(session: Session, *, user, now=None) -> Reservation:
    """A confirmed seat while seats are left, else a waitlist place; refused when closed."""
    registration = _approved_registration(user)
    session = _lock_session(session)
    # Session.objects.published(), read from the rows the lock fetched.
    published = session.event.is_published and session.event.forum.is_published
    if not published or session.is_cancelled:
        raise RSVPError(_("This session does not take reservations."))
    if not session.rsvp_required:
        raise RSVPError(_("This session needs no reservation: just come."))
    if (now or timezone.now()) >= session.rsvp_deadline:
        raise RSVPError(_("Reservations for this session are closed."))
    event = session.event
    if not event.is_public and not registration.category.events.filter(pk=event.pk).exists():
        raise RSVPError(_("This event is by invitation only and not open to your category."))
    # by pk: the model's ordering (session first) would join the session and its event
    existing = RSVP.objects.filter(session_id=session.pk, user_id=user.pk).order_by("pk").first()
    if existing is not None:
        return Reservation(existing, waitlist_position(existing), [])
    clashes = confirmed_clashes(session, user=user)
    if clashes and event.refuses_rsvp_clashes:
        raise RSVPError(
            _("You already hold a seat at “%(title)s” at that time.") % {"title": clashes[0].title}
        )
    counts = RSVP.objects.filter(session_id=session.pk).aggregate(
        taken=Count("pk", filter=Q(status=RSVP.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RSVP.Status.WAITLISTED)),
    )
    has_seat = counts["taken"] < seat_limit(session)
    status = RSVP.Status.CONFIRMED if has_seat else RSVP.Status.WAITLISTED
    rsvp = RSVP.objects.create(session=session, user_id=user.pk, status=status)
    # Under the session's lock no one joins the line after this row (reserved now, the highest
    # id): its place in the order of ``with_waitlist_positions`` is the line's length.
    position = None if has_seat else counts["waiting"] + 1
    _acknowledge(rsvp, session, user=user, position=position)
    return Reservation(rsvp, position, clashes)


def _acknowledge(rsvp: RSVP, session: Session, *, user, position: int | None) -> None:
    """The seat or the waitlist place, mailed once per reservation (the outbox row is written in
    this transaction; it is sent after commit)."""
    confirmed = rsvp.status == RSVP.Status.CONFIRMED
    notify(
        [user],
        "delegates/mail/seat_confirmed" if confirmed else "delegates/mail/waitlisted",
        {
            "user": user,
            "session": session,
            "position": position,
            "forum_timezone": session.event.forum.timezone,
        },
        key=f"rsvp:{rsvp.pk}:{'confirmed' if confirmed else 'waitlisted'}",
        related=rsvp,
        fresh=True,  # the RSVP row was created in this transaction
    )


def _drop_agenda(user_id: int) -> None:
    """A deleted delegate's seats go to the waitlist; their stars and feed go too."""
    for session_id in (
        RSVP.objects.filter(user_id=user_id)
        .order_by("session_id")
        .values_list("session_id", flat=True)
    ):
        session = _lock_session(Session(pk=session_id))
        RSVP.objects.filter(session_id=session_id, user_id=user_id).delete()
        _promote(session)
    Star.objects.filter(user_id=user_id).delete()
    AgendaFeed.objects.filter(user_id=user_id).delete()


def _promote(session: Session) -> list[RSVP]:
    """Fill free seats from the waitlist in order, mailing each promoted delegate."""
    free = seat_limit(session) - RSVP.objects.confirmed().filter(session_id=session.pk).count()
    if free <= 0:
        return []
    promoted = list(
        RSVP.objects.waitlisted()
        .filter(session_id=session.pk)
        .select_related("user")
        .order_by("created_at", "pk")[:free]
    )
    now = timezone.now()
    for rsvp in promoted:
        rsvp.status = RSVP.Status.CONFIRMED
        rsvp.promoted_at = now
        rsvp.save(update_fields=["status", "promoted_at"])
        notify(
            [rsvp.user],
            "delegates/mail/promoted",
            {"session": session, "forum_timezone": session.event.forum.timezone},
            key=f"rsvp:{rsvp.pk}:promoted",
            related=rsvp,
        )
    return promoted


@transaction.atomic
def cancel_rsvp(session: Session, *, user) -> list[RSVP]:
    """Give up a seat or waitlist place; a freed seat goes to the first waitlisted delegate."""
    session = _lock_session(session)
    rsvp = RSVP.objects.filter(session_id=session.pk, user_id=user.pk).order_by("pk").first()
    if rsvp is None:
        raise RSVPError(_("You hold no reservation for this session."))
    rsvp.delete()
    return _promote(session)


@transaction.atomic
def fill_free_seats(session: Session) -> list[RSVP]:
    """Seats added in the programme (a raised capacity, a bigger room) go to the waitlist, in
    order, each promoted delegate mailed; under the lock every reservation takes."""
    return _promote(_lock_session(session))


# --- Release digests ---------------------------------------------------------------------------


def release_followers(session_ids) -> dict[int, dict[str, Recipient]]:
    """{session id: {email: Recipient}}: who follows each session and is told when it changes:
    starred, RSVP holders (confirmed and waitlisted), speakers, moderators, event managers.

    Four queries whatever the number of sessions; an address is one person (a speaker who also
    starred the session is told once, as the user).
    """
    session_ids = list(session_ids)
    found: dict[int, dict[str, Recipient]] = {pk: {} for pk in session_ids}
    if not session_ids:
        return found

    def add_user(session_id, user):
        found[session_id].setdefault(user.email.lower(), Recipient(user.email, user.language, user))

    active = {"user__is_active": True}
    for star in Star.objects.filter(session_id__in=session_ids, **active).select_related("user"):
        add_user(star.session_id, star.user)
    for rsvp in RSVP.objects.filter(session_id__in=session_ids, **active).select_related("user"):
        add_user(rsvp.session_id, rsvp.user)
    managers = Event.managers.through.objects.filter(
        event__sessions__in=session_ids, user__is_active=True
    ).values_list("event__sessions", "user__email", "user__language")
    for session_id, email, language in managers:
        if session_id in found:
            found[session_id].setdefault(email.lower(), Recipient(email, language, None))
    people = [
        *Session.speakers.through.objects.filter(session_id__in=session_ids)
        .exclude(speaker__email="")
        .values_list("session_id", "speaker__email", "speaker__language"),
        *Session.moderators.through.objects.filter(session_id__in=session_ids)
        .exclude(speaker__email="")
        .values_list("session_id", "speaker__email", "speaker__language"),
    ]
    for session_id, email, language in people:
        found[session_id].setdefault(
            email.lower(), Recipient(email, language or settings.LANGUAGE_CODE, None)
        )
    return found


def release_audience(sessions: dict[int, list[int]]) -> dict[int, dict[str, str]]:
    """{diff row id: {email: language}} of the people a release of those rows would mail."""
    followers = release_followers({pk for ids in sessions.values() for pk in ids})
    return {
        row_id: {
            email: person.language
            for session_id in ids
            for email, person in followers[session_id].items()
        }
        for row_id, ids in sessions.items()
    }


def _as_datetimes(state: dict | None) -> dict | None:
    if not state:
        return state
    from datetime import datetime

    return {
        **state,
        "starts_at": datetime.fromisoformat(state["starts_at"]) if state.get("starts_at") else None,
        "ends_at": datetime.fromisoformat(state["ends_at"]) if state.get("ends_at") else None,
    }


def notify_release(release) -> int:
    """One digest mail per person touched by ``release``, listing all their changed sessions
    with before and now, in their language; idempotent per (release, person). The count queued."""
    from events.models import Release

    release = Release.objects.select_related("forum").get(pk=release.pk)
    items = release.changes.get("sessions", [])
    if not items:
        return 0
    event_ids = [item["event"] for item in items if item.get("event")]
    by_event: dict[int, list[int]] = {}
    for session_id, event_id in Session.objects.filter(event_id__in=event_ids).values_list(
        "pk", "event_id"
    ):
        by_event.setdefault(event_id, []).append(session_id)
    touched = {
        index: (by_event.get(item["event"], []) if item.get("event") else [item["session"]])
        for index, item in enumerate(items)
    }
    followers = release_followers({pk for ids in touched.values() for pk in ids})
    digests: dict[str, tuple[Recipient, list]] = {}
    for index, item in enumerate(items):
        entry = {
            **item,
            "before": _as_datetimes(item["before"]),
            "after": _as_datetimes(item["after"]),
        }
        for session_id in touched[index]:
            for email, person in followers[session_id].items():
                digest = digests.setdefault(email, (person, []))[1]
                if entry not in digest:
                    digest.append(entry)
    site = settings.SITE_URL
    for email in sorted(digests):
        person, entries = digests[email]
        with transaction.atomic():
            notify(
                [person],
                "delegates/mail/schedule_released",
                {
                    "release": release,
                    "forum": release.forum,
                    "entries": entries,
                    "forum_timezone": release.forum.timezone,
                    "changelog_url": site + release.forum.urls.changelog,
                },
                key=f"release:{release.pk}",
                related=release,
            )
    return len(digests)
