"""Receivers for the programme's extension points (events.signals)."""

from events.signals import session_changed


def mail_session_changed(sender, session, change, old, new, **kwargs):
    """Tell delegates who starred or reserved, and the speakers, that a released session moved."""
    from .services import notify_session_changed

    notify_session_changed(session, change=change, old=old, new=new)


def connect() -> None:
    session_changed.connect(mail_session_changed, dispatch_uid="delegates.mail_session_changed")
