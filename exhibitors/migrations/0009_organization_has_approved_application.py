"""The directory reads "has an approved application" from the organization row (see LISTED).

The flag is computed here once for existing rows, then kept by ``services.refresh_listing``; the
partial index of the directory's countries moves from "published" to the listed rule.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef


def fill_flag(apps, schema_editor):
    Application = apps.get_model("exhibitors", "Application")
    Organization = apps.get_model("exhibitors", "Organization")
    approved = Application.objects.filter(organization=OuterRef("pk"), status="approved")
    Organization.objects.update(has_approved_application=Exists(approved))


class Migration(migrations.Migration):
    dependencies = [
        ("exhibitors", "0008_organization_published_country"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="has_approved_application",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="has an approved application"
            ),
        ),
        migrations.RunPython(fill_flag, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="organization",
            name="organization_published_country",
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(
                condition=models.Q(("has_approved_application", True), ("is_published", True)),
                fields=["country"],
                name="organization_listed_country",
            ),
        ),
    ]
