"""Extension points of the programme: other apps connect receivers; events imports none of them.

``schedule_released`` is sent after the release commits. Arguments: ``forum``, ``release``; the
release's ``changes["sessions"]`` lists each change whose followers are told (``session`` id, or
``event`` id for an event-wide change; ``kinds``; ``before`` and ``after`` as people read them).

``release_audience`` is sent by the Release page to count who a release would mail. Arguments:
``forum``, ``sessions`` ({diff row id: [live session ids]}). A receiver returns {row id: {email:
language}} of the people it would mail.

``seats_changed`` is sent when a session's capacity or room changes, released or not (its seat
count may have risen): after commit by ``update_session`` (a release), inside the transaction and
under the session's row lock by ``set_capacity``, which returns what receivers return. Argument:
``session``.
"""

from django.dispatch import Signal

schedule_released = Signal()  # sender=Forum, forum=Forum, release=Release
release_audience = Signal()  # sender=Forum, forum=Forum, sessions={row id: [session ids]}
seats_changed = Signal()  # sender=Session, session=Session
