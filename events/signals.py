"""Extension points of the programme: other apps connect receivers; events imports none of them.

``session_changed`` is sent after commit when a session that was already released moves (time or
room) or is cancelled. Arguments: ``session``, ``change`` ("moved" or "cancelled"), ``old`` and
``new``, each ``{"starts_at", "ends_at", "room_id"}``.
"""

from django.dispatch import Signal

session_changed = Signal()
schedule_released = Signal()  # sender=Forum, release=Release
