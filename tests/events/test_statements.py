"""The pages' statements (``events.statements``): the same rows as the ORM on both databases
(preparing them on PostgreSQL: tests/foundation/test_prepared.py)."""

import pytest

from events import selectors, statements
from events.models import Forum, Speaker
from tests.factories.events import SessionFactory, SpeakerFactory

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
