"""Receivers for the programme's extension points (events.signals)."""

from events.signals import seats_changed, session_changed


def mail_session_changed(sender, session, change, old, new, **kwargs):
    """Tell delegates who starred or reserved, and the speakers, that a released session moved."""
    from .services import notify_session_changed

    notify_session_changed(session, change=change, old=old, new=new)


def promote_when_seats_changed(sender, session, **kwargs):
    """More seats (a raised capacity, a bigger room) go to the waitlist, in order, with a mail."""
    from .services import fill_free_seats

    return fill_free_seats(session)


def connect() -> None:
    session_changed.connect(mail_session_changed, dispatch_uid="delegates.mail_session_changed")
    seats_changed.connect(promote_when_seats_changed, dispatch_uid="delegates.promote_seats")
