"""The pages' statements (``events.statements``): the same rows as the ORM on both databases;
on PostgreSQL prepared once per connection, and prepared again on a new connection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events import selectors, statements
from events.models import Forum, Speaker
from tests.factories.events import SessionFactory, SpeakerFactory
from tests.services import require_postgres

pytestmark = pytest.mark.django_db


def test_instances_are_those_the_orm_reads(event):
    session = SessionFactory(
        event=event, speakers=[SpeakerFactory(name="B"), SpeakerFactory(name="A")]
    )
    speaker = Speaker._meta.db_table
    found = statements.instances(
        Speaker, f"SELECT 1 AS extra, p.* FROM {speaker} p ORDER BY p.name", []
    )
    expected = list(Speaker.objects.order_by("name"))
    assert found == expected and [p.extra for p in found] == [1, 1]
    for mine, orm in zip(found, expected, strict=True):
        fields = Speaker._meta.concrete_fields
        assert [getattr(mine, f.attname) for f in fields] == [
            getattr(orm, f.attname) for f in fields
        ]
    forum = selectors.current_forum()
    assert forum == Forum.objects.get() and forum.starts_on == event.forum.starts_on
    assert selectors.session_people(session)[0] == expected


def test_a_literal_percent_sign_is_refused():
    with pytest.raises(ValueError):
        statements.fetch("SELECT '100%%' WHERE 1 = %s", [1])


def test_postgresql_prepares_a_statement_once_per_connection(event):
    require_postgres()
    statement = "SELECT %s::int + 1, %s::text"
    with CaptureQueriesContext(connection) as queries:
        assert statements.fetch(statement, [1, "a"])[0] == [(2, "a")]
        assert statements.fetch(statement, [2, "b"])[0] == [(3, "b")]
    # The PREPARE is connection set-up: not counted, the page's statement once per run.
    assert [q["sql"].split("(")[0] for q in queries.captured_queries] == [
        f"EXECUTE {statements._names[statement][0]}"
    ] * 2
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name = %s",
            [statements._names[statement][0]],
        )
        assert cursor.fetchone() == (1,)
    # A new connection starts with none prepared (here: the same one made to forget them).
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    connection.__dict__["_zgc_prepared"] = (connection.connection, set())
    assert statements.fetch(statement, [5, "c"])[0] == [(6, "c")]


def test_without_prepared_statements_a_statement_simply_runs(event, settings):
    settings.PREPARED_STATEMENTS = False
    statement = "SELECT %s + 1"
    with CaptureQueriesContext(connection) as queries:
        assert statements.fetch(statement, [1])[0] == [(2,)]
    assert "EXECUTE" not in queries.captured_queries[0]["sql"]
