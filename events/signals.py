"""Extension points of the programme: other apps connect receivers; events imports none of them.

``session_changed`` is sent after commit when a session that was already released moves (time or
room) or is cancelled. Arguments: ``session``, ``change`` ("moved" or "cancelled"), ``old`` and
``new``, each ``{"starts_at", "ends_at", "room_id"}``.

``seats_changed`` is sent when a session's capacity or room changes, released or not (its seat
count may have risen): after commit by ``update_session``, inside the transaction and under the
session's row lock by ``set_capacity``, which returns what receivers return. Argument: ``session``.
"""

from django.dispatch import Signal

session_changed = Signal()
schedule_released = Signal()  # sender=Forum, release=Release
seats_changed = Signal()  # sender=Session, session=Session
