"""The directory searches one stored, upper-cased column instead of four (see Organization).

On PostgreSQL one trigram index on that column replaces the four of migration 0004: queries of
three characters or more use it; shorter ones (two Chinese characters) scan one column, not four.
"""

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models

OLD_COLUMNS = ["name_en", "name_zh_hans", "description_en", "description_zh_hans"]


def swap_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in OLD_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS exhibitors_org_{column}_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS exhibitors_org_search_trgm "
        "ON exhibitors_organization USING gin (search_text gin_trgm_ops)"
    )


def restore_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS exhibitors_org_search_trgm")
    for column in OLD_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS exhibitors_org_{column}_trgm "
            f'ON exhibitors_organization USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("exhibitors", "0005_organization_a_to_z")]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="search_text",
            field=models.GeneratedField(
                db_persist=True,
                editable=False,
                expression=django.db.models.functions.text.Upper(
                    django.db.models.functions.text.Concat(
                        django.db.models.functions.comparison.Coalesce("name_en", models.Value(""), output_field=models.TextField()),
                        models.Value(" "),
                        django.db.models.functions.comparison.Coalesce("name_zh_hans", models.Value(""), output_field=models.TextField()),
                        models.Value(" "),
                        django.db.models.functions.comparison.Coalesce("description_en", models.Value(""), output_field=models.TextField()),
                        models.Value(" "),
                        django.db.models.functions.comparison.Coalesce("description_zh_hans", models.Value(""), output_field=models.TextField()),
                        output_field=models.TextField(),
                    )
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.RunPython(swap_indexes, restore_indexes),
    ]
