"""Hand work to Celery after the caller commits, surviving a broker that is down."""

from functools import partial

from django.db import transaction


def named(callback: partial) -> partial:
    """Give a partial the ``__qualname__`` Django's robust on_commit logs on failure.

    Without it the log line itself raises AttributeError and the broker error becomes a 500.
    """
    callback.__qualname__ = f"{callback.func.__qualname__}{callback.args!r}"[:200]
    return callback


def delay_on_commit(task, *args) -> None:
    """``task.delay(*args)`` once the caller's transaction commits (at once outside one).

    Robust: a broker that is down is logged and the caller's saved change stands; the row the
    task would work on stays waiting for a beat sweep to enqueue it again.
    """
    transaction.on_commit(named(partial(task.delay, *args)), robust=True)
