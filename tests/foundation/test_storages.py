"""Every file field names its storage; the private root never lies under MEDIA_ROOT."""

from django.apps import apps
from django.db import models

from core import checks
from core.storage import private_storage, public_storage

PRIVATE_FIELDS = {
    "delegates.Registration.photo",
    "delegates.BadgePrintJob.file",
    "visa.LetterRequest.letter",
    "exhibitors.Document.file",
}


def test_every_file_field_names_public_or_private_storage():
    kinds = {}
    for model in apps.get_models():
        if model.__module__.startswith("simple_history") or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                storage = getattr(field, "_storage_callable", None)
                assert storage in (public_storage, private_storage), (
                    f"{model.__name__}.{field.name}"
                )
                kinds[f"{model._meta.app_label}.{model.__name__}.{field.name}"] = storage
    assert {name for name, s in kinds.items() if s is private_storage} == PRIVATE_FIELDS
    assert {name for name, s in kinds.items() if s is public_storage} == {
        "events.Speaker.photo",
        "exhibitors.Organization.logo",
        "exhibitors.Exhibit.image",
    }


def test_private_root_inside_media_root_is_a_system_check_error(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    assert checks.private_files_not_public(None) == []
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    assert [e.id for e in checks.private_files_not_public(None)] == ["core.E001"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media"
    assert [e.id for e in checks.private_files_not_public(None)] == ["core.E001"]
