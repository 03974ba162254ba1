"""The programme pages' statements written from the tables: run, read and converted as the ORM
would.

PostgreSQL spent more CPU *planning* the pages' joins (0.3–1 ms each, ``EXPLAIN ANALYZE``) than
running them, on every request: each statement is prepared once per connection
(``core.prepared``; plans, not results: every request still reads the rows).
"""

from django.db import connection

from core import prepared


def fetch(statement: str, params: list) -> tuple[list[tuple], list[str]]:
    """(rows, column names) of ``statement`` (``%s`` placeholders, as ``cursor.execute``; no
    literal percent sign, as PostgreSQL's placeholders are numbered from them), prepared once
    per connection on PostgreSQL (``core.prepared``)."""
    with connection.cursor() as cursor:
        prepared.execute(cursor, statement, params)
        return cursor.fetchall(), [column[0] for column in cursor.description]


def converters(fields_by_alias) -> list:
    """Per column of a statement selecting ``fields_by_alias`` (pairs of table alias and model
    field, in order): the converters the ORM applies to it (SQLite returns datetimes as text,
    booleans as integers)."""
    found = []
    for alias, field in fields_by_alias:
        col = field.get_col(alias)
        found.append(connection.ops.get_db_converters(col) + col.get_db_converters(connection))
    return found


def convert(row, column_converters) -> list:
    values = list(row)
    for i, functions in enumerate(column_converters):
        for function in functions:
            values[i] = function(values[i], None, connection)
    return values


def columns(model, alias: str = "") -> str:
    """The model's columns, listed: a prepared ``SELECT *`` would fail ("cached plan must not
    change result type") on a connection that outlives a migration adding a column."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(prefix + field.column for field in model._meta.concrete_fields)


_model_converters: dict[tuple, list] = {}  # (model, database vendor) → converters per field


def instances(model, statement: str, params: list) -> list:
    """``model.objects.raw(statement, params)`` without a RawQuerySet: the model's columns by
    name (``SELECT t.*`` or a list, every concrete field), any other column an attribute, values
    converted as the ORM does."""
    rows, columns = fetch(statement, params)
    fields = model._meta.concrete_fields
    position = {column: i for i, column in enumerate(columns)}
    order = [position[field.column] for field in fields]  # KeyError: a column is missing
    key = (model, connection.vendor)
    functions = _model_converters.get(key)
    if functions is None:
        functions = _model_converters[key] = converters([(None, field) for field in fields])
    names = [field.attname for field in fields]
    extra = [(i, column) for i, column in enumerate(columns) if i not in set(order)]
    found = []
    for row in rows:
        instance = model.from_db(
            connection.alias, names, convert([row[i] for i in order], functions)
        )
        for i, column in extra:
            setattr(instance, column, row[i])
        found.append(instance)
    return found
