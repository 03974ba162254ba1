"""core.prepared: on PostgreSQL a statement is prepared on its first use on a connection (in
the same round trip, so query counts do not change) and executed by name afterwards; the
results are those of the plain statement; with the setting off, on SQLite, or after a failed
first use, statements run plainly. The logged-in pages and the feed that use it keep their
rows (their own tests) and their query counts (tests/delegates)."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.backends import ForumBackend
from core import prepared
from tests.factories.accounts import UserFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


def _run(sql, params):
    with CaptureQueriesContext(connection) as captured, connection.cursor() as cursor:
        prepared.execute(cursor, sql, params)
        rows = cursor.fetchall()
    return rows, [query["sql"] for query in captured.captured_queries]


def _fresh_sql() -> str:
    """A statement no earlier test prepared on this connection."""
    return f"SELECT %s + 1, %s AS tag WHERE 1 = 1 AND '{uuid.uuid4().hex}' <> ''"


def test_on_postgresql_prepared_once_then_executed_by_name():
    require_postgres()
    sql = (
        _fresh_sql()
        .replace("%s + 1", "CAST(%s AS integer) + 1")
        .replace("%s AS tag", "CAST(%s AS text) AS tag")
    )
    first, first_sql = _run(sql, [41, "a"])
    second, second_sql = _run(sql, [1, "b"])
    assert first == [(42, "a")] and second == [(2, "b")]
    assert len(first_sql) == len(second_sql) == 1
    assert first_sql[0].startswith("PREPARE zgc_") and "; EXECUTE zgc_" in first_sql[0]
    assert second_sql[0].startswith("EXECUTE zgc_") and "PREPARE" not in second_sql[0]


def test_an_array_parameter_and_no_parameter():
    sql = "SELECT id FROM accounts_user WHERE email = ANY(%s) ORDER BY id"
    if connection.vendor != "postgresql":
        sql = "SELECT id FROM accounts_user WHERE email IN (%s) ORDER BY id"
    user = UserFactory()
    for _ in range(3):
        assert _run(sql, [[user.email] if connection.vendor == "postgresql" else user.email])[
            0
        ] == [(user.pk,)]
    for _ in range(2):
        assert _run("SELECT 7", [])[0] == [(7,)]


def test_with_the_setting_off_statements_run_plainly(settings):
    settings.PREPARED_STATEMENTS = False
    rows, sql = _run("SELECT %s", [5])
    assert rows == [(5,)] and sql == ["SELECT 5"]


def test_a_failed_first_use_leaves_the_connection_unprepared():
    require_postgres()
    connection.ensure_connection()
    known = prepared._prepared.get(connection.connection)
    try:
        with pytest.raises(DatabaseError), transaction.atomic():
            _run("SELECT no_such_column FROM accounts_user WHERE id = %s", [1])
        rows, sql = _run(_fresh_sql().replace("%s + 1", "CAST(%s AS integer) + 1"), [1, "x"])
        assert rows == [(2, "x")] and not sql[0].startswith(("PREPARE", "EXECUTE"))
    finally:  # what this connection holds is still prepared: the next tests execute it
        prepared._prepared[connection.connection] = known if known is not None else set()


def test_a_stray_percent_sign_is_refused():
    require_postgres()
    with connection.cursor() as cursor, pytest.raises(ValueError):
        prepared.execute(cursor, "SELECT '100%%' WHERE 1 = %s", [1])


def test_the_request_user_loads_with_its_flags_prepared_or_not(settings):
    user = UserFactory()
    backend = ForumBackend()
    for _ in range(3):
        loaded = backend.get_user(user.pk)
        assert loaded.pk == user.pk and loaded.email == user.email
        assert not loaded.flag_registered
    settings.PREPARED_STATEMENTS = False
    assert backend.get_user(user.pk).pk == user.pk
    assert backend.get_user(user.pk + 1000) is None


def test_the_request_user_has_every_field_as_the_orm_loads_it():
    """Read with a cursor and built with ``from_db``: each field's value and type are those the
    ORM gives (booleans, aware datetimes, the password hash), flags beside them."""
    user = UserFactory(is_staff=True, name_zh="张三")
    user.email_verified_at = user.date_joined
    user.save()
    loaded = ForumBackend().get_user(user.pk)
    expected = type(user).objects.get(pk=user.pk)
    for field in type(user)._meta.concrete_fields:
        value, wanted = getattr(loaded, field.attname), getattr(expected, field.attname)
        assert value == wanted and type(value) is type(wanted), field.name
    assert loaded.is_staff is True and loaded.flag_registered is False
    assert loaded._state.adding is False and loaded._state.db == "default"
