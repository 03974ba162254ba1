import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import delegates.models


def backfill_short_codes(apps, schema_editor):
    Badge = apps.get_model("delegates", "Badge")
    taken = set()
    badges = list(Badge.objects.filter(short_code__isnull=True).only("pk"))
    for badge in badges:
        code = delegates.models.new_short_code()
        while code in taken:
            code = delegates.models.new_short_code()
        taken.add(code)
        badge.short_code = code
    Badge.objects.bulk_update(badges, ["short_code"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("delegates", "0008_history_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="badge",
            name="short_code",
            field=models.CharField(max_length=10, null=True, editable=False),
        ),
        migrations.RunPython(backfill_short_codes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="badge",
            name="short_code",
            field=models.CharField(
                default=delegates.models.new_short_code,
                editable=False,
                help_text="Printed beside the QR code, for typing when a camera fails.",
                max_length=10,
                unique=True,
                verbose_name="short code",
            ),
        ),
        migrations.CreateModel(
            name="WrongCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("text", models.CharField(max_length=40, verbose_name="typed code")),
                (
                    "place",
                    models.CharField(
                        choices=[("desk", "check-in desk"), ("leads", "lead scanner")],
                        max_length=8,
                        verbose_name="where",
                    ),
                ),
                ("typed_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="typed at")),
                (
                    "scanned_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="typed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "wrong badge code",
                "verbose_name_plural": "wrong badge codes",
                "ordering": ["-typed_at", "pk"],
                "indexes": [models.Index(fields=["scanned_by", "typed_at"], name="wrongcode_by_time")],
            },
        ),
    ]
