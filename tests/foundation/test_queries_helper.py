"""tests/queries.py: the helper fails on a query per row and over budget, passes on a flat fetch."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db


def made():
    return Group.objects.filter(name__startswith="Made ")  # not the roles migrate makes


def add_groups(n: int) -> None:
    start = made().count()
    Group.objects.bulk_create(Group(name=f"Made {start + i}") for i in range(n))


def flat() -> list[str]:
    return list(made().order_by("pk").values_list("name", flat=True))


def one_query_per_row() -> list[str]:
    """An N+1 made on purpose: the ids in one query, then each row by its id."""
    return [Group.objects.get(pk=pk).name for pk in made().values_list("pk", flat=True)]


def test_a_flat_fetch_passes_and_its_results_come_back():
    first, second = assert_queries_do_not_grow(flat, add_groups, budget=1, n=2)
    assert len(first) == 2 and len(second) == 6


def test_a_query_per_row_fails_showing_both_counts_and_the_sql_of_the_larger_run():
    with pytest.raises(AssertionError) as failure:
        assert_queries_do_not_grow(one_query_per_row, add_groups, budget=100, n=2)
    message = str(failure.value)
    assert "3 queries at 2 rows, 7 at 6 rows" in message
    assert "The 7 queries at 6 rows:" in message
    assert message.count('FROM "auth_group"') == 7
    assert "  7. SELECT" in message


def test_a_fetch_over_its_budget_fails_even_when_flat():
    with pytest.raises(AssertionError, match=r"1 queries at 3 rows, 1 at 9 rows.*at most 0"):
        assert_queries_do_not_grow(flat, add_groups, budget=0, n=3)


def cached_names() -> list[str]:
    return cache.get_or_set("names", flat)


def test_cold_counts_clear_the_cache_before_each_count():
    cache.set("names", ["stale"])
    cold = assert_queries_do_not_grow(cached_names, add_groups, budget=1)
    assert [len(names) for names in cold] == [2, 6]  # the stale entry never served
    with pytest.raises(AssertionError, match="at most 0"):
        assert_queries_do_not_grow(cached_names, add_groups, budget=0)


def test_warm_counts_fetch_once_uncounted_first_and_keep_the_cache():
    warm = assert_queries_do_not_grow(cached_names, add_groups, budget=0, warm=True)
    # Served from what the uncounted first fetch cached: nothing here makes that entry stale.
    assert [len(names) for names in warm] == [2, 2]
