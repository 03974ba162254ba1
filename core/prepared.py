"""Statements PostgreSQL plans once per connection (``PREPARE``, then ``EXECUTE``).

For the few raw statements every logged-in request runs, planning costs more than running:
measured on the demo, the request's user with its flags took 0.78 ms a round trip planned each
time and 0.09 prepared; the day's 62 card states 1.9 ms and 0.7. On other databases, or with
``settings.PREPARED_STATEMENTS`` off (PgBouncer in transaction mode cannot keep a session's
prepared statements), the statement simply runs.

The first use on a connection sends ``PREPARE …; EXECUTE …`` as one statement, so a page's
query count is the same on every request. A statement's name is a hash of its SQL.
"""

import hashlib
import weakref
from contextlib import contextmanager
from functools import cache

from django.conf import settings

# Per raw connection (a new connection starts empty): the names prepared on it, or None once a
# first use failed there (then the statements run unprepared on that connection).
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def execute(cursor, sql: str, params=()) -> None:
    """``cursor.execute(sql, params)``, prepared once per connection on PostgreSQL (see
    ``statement``)."""
    with statement(cursor.db, sql, len(params)) as text:
        cursor.execute(text, params)


@contextmanager
def statement(db, sql: str, count: int):
    """The SQL to run in place of ``sql`` (``count`` parameters, unchanged) on the connection
    ``db``: ``sql`` itself, or ``PREPARE``/``EXECUTE`` of it on PostgreSQL; run it inside.

    ``sql`` uses ``%s`` placeholders and no other ``%``; PostgreSQL must be able to infer each
    parameter's type from where it stands (``col = %s``, ``col = ANY(%s)``).
    """
    if db.vendor != "postgresql" or not getattr(settings, "PREPARED_STATEMENTS", True):
        yield sql
        return
    db.ensure_connection()
    raw = db.connection
    names = _prepared.get(raw, set())
    if names is None:
        yield sql
        return
    name, body, arguments = _forms(sql, count)
    if name in names:
        yield f"EXECUTE {name}{arguments}"
        return
    try:
        yield f"PREPARE {name} AS {body}; EXECUTE {name}{arguments}"
    except BaseException:
        # Whether the PREPARE stayed is unknown: on this connection, run statements plainly.
        _prepared[raw] = None
        raise
    names.add(name)
    _prepared[raw] = names


@cache
def _forms(sql: str, count: int) -> tuple[str, str, str]:
    """The statement's name, its body with PostgreSQL's numbered placeholders and the
    ``EXECUTE``'s arguments: worked out once a process for each statement (splitting and hashing
    a page's few long statements on every request cost ~0.1 ms)."""
    pieces = sql.split("%s")
    if "%" in "".join(pieces) or len(pieces) - 1 != count:
        raise ValueError("a prepared statement takes one %s per parameter and no other %")
    name = "zgc_" + hashlib.md5(sql.encode(), usedforsecurity=False).hexdigest()[:20]
    body = pieces[0] + "".join(f"${i}{piece}" for i, piece in enumerate(pieces[1:], start=1))
    return name, body, f"({', '.join(['%s'] * count)})" if count else ""
