"""Sessions in the database, as Django's own backend keeps them; the lookup every logged-in
request makes is one statement PostgreSQL plans once per connection (``core.prepared``): the
ORM compiled it anew on each request, which cost more CPU than reading the row."""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from core import prepared


class SessionStore(db.SessionStore):
    def load(self):
        """The session's data, or ``{}`` (and no key) when it is unknown or expired, as
        ``db.SessionStore.load``."""
        model = self.model
        meta = model._meta
        data, key, expires = (
            meta.get_field(name).column for name in ("session_data", "session_key", "expire_date")
        )
        connection = connections[router.db_for_read(model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            prepared.execute(
                cursor,
                f"SELECT {data} FROM {meta.db_table} WHERE {key} = %s AND {expires} > %s",
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])
