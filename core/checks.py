"""System checks: private files must not lie where the web server publishes public ones."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from .storage import is_local, private_storage


@register()
def private_files_not_public(app_configs, **kwargs):
    """An error when the private root is MEDIA_ROOT or inside it (mapped to MEDIA_URL)."""
    storage = private_storage()
    if not is_local(storage):
        return []
    private = Path(storage.location).resolve()
    public = Path(settings.MEDIA_ROOT).resolve()
    if private == public or public in private.parents:
        return [
            Error(
                f"PRIVATE_MEDIA_ROOT ({private}) lies inside MEDIA_ROOT ({public}): whoever "
                "maps MEDIA_URL would publish delegates' photos and badge PDFs.",
                hint="Set PRIVATE_MEDIA_ROOT to a directory outside MEDIA_ROOT.",
                id="core.E001",
            )
        ]
    return []
