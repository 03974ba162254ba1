"""Logged-in visitors for ``make bench``: ``python bench/personas.py <name>`` prepares one on the
seeded demo and prints the ``Cookie`` header of a session logged in as that person (with the
CSRF cookie a browser holds from its first page on).

``delegate``: an approved delegate of the demo with 40 stars on the first sessions of the
forum's first day and 10 seats (confirmed RSVPs) on that day's reservable sessions, or the
forum's when the day has fewer: the day page then shows their state on most of its cards.
"""

import os
import sys
from pathlib import Path

STARS, SEATS = 40, 10
PERSONAS = ("delegate",)


def delegate() -> str:
    from django.conf import settings
    from django.middleware.csrf import CSRF_ALLOWED_CHARS
    from django.utils.crypto import get_random_string

    from delegates.models import RSVP, Star
    from events import selectors

    forum = selectors.current_forum()
    user = bench_delegate()
    if forum is None or user is None:
        raise SystemExit("personas: no published forum or no approved delegate (seed_demo first)")
    sessions = selectors.public_sessions(forum).filter(is_cancelled=False)
    day = selectors.sessions_on(sessions, forum, forum.starts_on).order_by("starts_at", "pk")
    for session in day[:STARS]:
        Star.objects.get_or_create(user=user, session=session)
    reservable = list(day.filter(rsvp_required=True)[:SEATS])
    if len(reservable) < SEATS:
        more = sessions.filter(rsvp_required=True).exclude(pk__in=[s.pk for s in reservable])
        reservable += list(more.order_by("starts_at", "pk")[: SEATS - len(reservable)])
    for session in reservable:
        RSVP.objects.get_or_create(
            user=user, session=session, defaults={"status": RSVP.Status.CONFIRMED}
        )
    # and the CSRF cookie a browser holds from its first page on (Django's: a secret of its own)
    secret = get_random_string(32, allowed_chars=CSRF_ALLOWED_CHARS)
    return (
        f"{settings.SESSION_COOKIE_NAME}={session_key(user)}; {settings.CSRF_COOKIE_NAME}={secret}"
    )


def bench_delegate():
    """The demo's first approved delegate (the user), or None."""
    from delegates.models import Registration

    registration = (
        Registration.objects.filter(status=Registration.Status.APPROVED, anonymised_at=None)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return registration.user if registration else None


def session_key(user) -> str:
    """A new session logged in as ``user``, as a login through the form would make it (without
    the password hasher's quarter of a second); also used by bench/loadtest.py."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.ForumBackend"  # as a login through the form
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in PERSONAS:
        print(f"usage: personas.py {{{','.join(PERSONAS)}}}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zgcforum.settings")
    import django

    django.setup()
    print(globals()[argv[0]]())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
