"""One way to pin a page's queries: as many at 3N rows as at N, and no more than its budget.

A test names its page's budget once, as a constant with a comment saying what the queries are,
and the N-versus-3N comparison catches a query per row (N+1) however the budget moves::

    SCHEDULE_QUERIES = 4  # forum, filter choices, session cards, their people

    first, second = assert_queries_do_not_grow(
        lambda: client.get("/schedule/?day=2021-09-24"), programme, budget=SCHEDULE_QUERIES, n=4
    )
    assert cards(first) == 4 and cards(second) == 12  # programme(4), then programme(8)
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_queries_do_not_grow(
    fetch: Callable[[], Any],
    grow: Callable[[int], Any],
    *,
    budget: int,
    n: int = 2,
    warm: bool = False,
) -> tuple[Any, Any]:
    """Count ``fetch()``'s queries at n rows and at 3n rows; both counts equal, at most ``budget``.

    ``grow(n)`` adds n rows, then ``fetch()`` is counted; ``grow(2 * n)`` adds 2n more (3n in
    all), then ``fetch()`` is counted again. ``grow`` therefore runs twice in one test and must
    make fresh rows each time (unique slugs, codes, e-mails).

    Cold (the default): the Django cache is cleared before each counted ``fetch()``.
    ``warm=True``: ``fetch()`` runs once uncounted first, so the counted call finds whatever that
    one cached (a test of a cold and a warm page calls this twice, with the two budgets).

    Returns what the two counted ``fetch()`` calls returned (at n, at 3n rows), for the test to
    assert what the page shows. On failure the message gives both counts and the SQL of the
    larger run.
    """
    __tracebackhide__ = True  # pytest: the failure points at the test's line
    grow(n)
    first, first_sql = _counted(fetch, warm)
    grow(2 * n)
    second, second_sql = _counted(fetch, warm)
    counts = len(first_sql), len(second_sql)
    if counts[0] != counts[1] or max(counts) > budget:
        larger = second_sql if counts[1] >= counts[0] else first_sql
        listing = "\n".join(f"  {i}. {sql}" for i, sql in enumerate(larger, start=1))
        raise AssertionError(
            f"{counts[0]} queries at {n} rows, {counts[1]} at {3 * n} rows; "
            f"wanted the same number both times, at most {budget}.\n"
            f"The {len(larger)} queries at {3 * n if larger is second_sql else n} rows:\n{listing}"
        )
    return first, second


def _counted(fetch: Callable[[], Any], warm: bool) -> tuple[Any, list[str]]:
    if warm:
        fetch()
    else:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        result = fetch()
    return result, [query["sql"] for query in captured.captured_queries]
