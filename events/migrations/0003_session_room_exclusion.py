"""No two non-cancelled sessions overlap in one room: an exclusion constraint, PostgreSQL only.

Not declared in ``Session.Meta``: SQLite cannot parse EXCLUDE, so the constraint lives in the
PostgreSQL database alone and ``events.services`` checks the same rule on SQLite.
"""

from django.db import migrations
from django.db.models import Func, Q, Value

CONSTRAINT = "session_room_no_overlap"


def exclusion_constraint():
    from django.contrib.postgres.constraints import ExclusionConstraint
    from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators

    class TsTzRange(Func):
        function = "TSTZRANGE"
        output_field = DateTimeRangeField()

    return ExclusionConstraint(
        name=CONSTRAINT,
        expressions=[
            ("room", RangeOperators.EQUAL),
            (TsTzRange("starts_at", "ends_at", Value("[)")), RangeOperators.OVERLAPS),
        ],
        condition=Q(is_cancelled=False),
    )


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.operations import BtreeGistExtension

    BtreeGistExtension().database_forwards("events", schema_editor, None, None)
    schema_editor.add_constraint(apps.get_model("events", "Session"), exclusion_constraint())


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.remove_constraint(apps.get_model("events", "Session"), exclusion_constraint())


class Migration(migrations.Migration):
    dependencies = [("events", "0002_schedule")]

    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
