"""The programme pages' statements written from the tables, run as prepared statements.

PostgreSQL spent more CPU *planning* the pages' joins (0.3–1 ms each, ``EXPLAIN ANALYZE``) than
running them, on every request: psycopg2 sends each statement as new text. Here a statement is
``PREPARE``d once per database connection and then ``EXECUTE``d: PostgreSQL plans it anew for
its first five runs, then keeps a generic plan (``plan_cache_mode = auto``). Plans, not
results: every request still reads the rows. On SQLite, or with ``PREPARED_STATEMENTS`` off
(PgBouncer in transaction mode cannot keep a session's prepared statements), a statement
simply runs.
"""

import hashlib

from django.conf import settings
from django.db import connection

_names: dict[str, tuple[str, str]] = {}  # statement → (name, text with $1, $2, … placeholders)


def _prepared_name(statement: str) -> str:
    """The name of ``statement`` prepared on this connection, preparing it the first time.

    The ``PREPARE`` runs on the raw connection, as Django's own connection set-up does: it is
    set-up, not a query of the page, so a page's query count is the same from the first request
    on. A new connection (``CONN_MAX_AGE``, a dropped link) starts with none prepared; a
    ``ROLLBACK`` does not drop them.
    """
    found = _names.get(statement)
    if found is None:
        first, *rest = statement.split("%s")
        numbered = first + "".join(f"${i}{part}" for i, part in enumerate(rest, 1))
        # Named after the text: threads (gthread workers) naming statements at once agree.
        digest = hashlib.md5(statement.encode(), usedforsecurity=False).hexdigest()[:24]
        found = _names[statement] = (f"zgc_{digest}", numbered)
    name, numbered = found
    raw = connection.connection
    known = connection.__dict__.get("_zgc_prepared")
    if known is None or known[0] is not raw:
        known = connection.__dict__["_zgc_prepared"] = (raw, set())
    if name not in known[1]:
        with raw.cursor() as cursor:
            cursor.execute(f"PREPARE {name} AS {numbered}")
        known[1].add(name)
    return name


def fetch(statement: str, params: list) -> tuple[list[tuple], list[str]]:
    """(rows, column names) of ``statement`` (``%s`` placeholders, as ``cursor.execute``; no
    literal percent sign, as PostgreSQL's placeholders are numbered from them)."""
    if "%%" in statement:
        raise ValueError("statement holds a literal %")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and settings.PREPARED_STATEMENTS:
            name = _prepared_name(statement)
            marks = ", ".join(["%s"] * len(params))
            cursor.execute(f"EXECUTE {name}({marks})" if params else f"EXECUTE {name}", params)
        else:
            cursor.execute(statement, params)
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
