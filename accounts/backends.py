"""The request's user loaded with the flags doors and landings ask (``core.registries.user_flags``)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connections, router

from core import prepared
from core.registries import user_flags

_SENTINEL_PK = -7_070_707


class ForumBackend(ModelBackend):
    """Django's model backend; the user of each request comes with every registered flag
    annotated (``flag_<key>``) in the one query that loads it.

    The query is the same on every request but the primary key, and compiling its subqueries
    costs more than running them: it is compiled once per database and run as raw SQL.
    """

    _compiled: dict = {}

    def get_user(self, user_id):
        try:
            user_id = int(user_id)
        except (TypeError, ValueError):
            return None
        model = get_user_model()
        alias = router.db_for_read(model)
        connection = connections[alias]
        sql, params, fields, flags = self._user_query(model, alias)
        # Planned once per connection on PostgreSQL: planning its subqueries took ~0.6 ms.
        with (
            prepared.statement(connection, sql, len(params) + 1) as text,
            connection.cursor() as cursor,
        ):
            cursor.execute(text, [*params, user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        # What a raw queryset does, without working out its columns on every request (~0.15 ms):
        # the fields' values through their converters, then the flags.
        count = len(model._meta.concrete_fields)
        values = list(row[:count])
        for index, converters in fields:
            for converter in converters:
                values[index] = converter(values[index], None, connection)
        user = model.from_db(alias, None, values)
        for name, value in zip(flags, row[count:], strict=True):
            setattr(user, name, bool(value))  # SQLite answers EXISTS with 0 or 1
        return user if self.user_can_authenticate(user) else None

    @classmethod
    def _user_query(cls, model, alias: str) -> tuple[str, list, list, list]:
        """SQL and parameters of the flagged user query, but the primary key (the last one);
        the converters of each field that has some, by position; the flags' names, selected
        after the fields."""
        key = (alias, connections[alias].vendor, tuple(user_flags))
        if key not in cls._compiled:
            flags = {f"flag_{key}": flag.expression() for key, flag in user_flags.items()}
            query = model._default_manager.annotate(**flags).filter(pk=_SENTINEL_PK).query
            sql, params = query.get_compiler(using=alias).as_sql()
            if not params or params[-1] != _SENTINEL_PK or _SENTINEL_PK in params[:-1]:
                raise RuntimeError("the user query's primary key is not its last parameter")
            params = list(params[:-1])
            if connections[alias].vendor == "postgresql":
                # The constants written in, the primary key left a parameter: a prepared
                # statement's parameters need a type PostgreSQL can infer (``SELECT %s`` has none).
                written = connections[alias].ops.compose_sql(sql, [*params, _SENTINEL_PK])
                pieces = written.replace("%", "%%").split(str(_SENTINEL_PK))
                if len(pieces) != 2:
                    raise RuntimeError("the user query's primary key is not written once")
                sql, params = "%s".join(pieces), []
            connection = connections[alias]
            fields = [
                (index, converters)
                for index, field in enumerate(model._meta.concrete_fields)
                if (
                    converters := connection.ops.get_db_converters(
                        field.get_col(query.get_meta().db_table)
                    )
                    + field.get_db_converters(connection)
                )
            ]
            cls._compiled[key] = (sql, params, fields, list(flags))
        return cls._compiled[key]
