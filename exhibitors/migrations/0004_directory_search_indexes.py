"""Trigram indexes for the directory search (PostgreSQL only; SQLite scans, which is fine there).

Django turns ``icontains`` into ``UPPER(col::text) LIKE UPPER(%s)`` on PostgreSQL, so the indexes
are on that very expression. Queries of three characters or more use them.
"""

from django.db import migrations

COLUMNS = ["name_en", "name_zh_hans", "description_en", "description_zh_hans"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS exhibitors_org_{column}_trgm "
            f'ON exhibitors_organization USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS exhibitors_org_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("exhibitors", "0003_organization_history")]

    operations = [migrations.RunPython(create, drop)]
