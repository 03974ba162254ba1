"""The public directory's cache: rendered pages keyed on a version that every change bumps."""

from django.db.models.signals import post_delete, post_save

from core.caching import CacheVersion

PAGE_SECONDS = 3600
directory = CacheVersion("exhibitors:directory:version")


def directory_version() -> int:
    return directory.current()


def bump_directory(**_kwargs) -> None:
    """Make every cached directory page stale now, and again once the change is committed."""
    directory.bump()


def connect() -> None:
    """Any saved or deleted row the directory shows bumps the version (services and admin alike)."""
    from .models import Application, Booth, Exhibit, ExhibitionSection, Hall, Organization

    # Booths and halls too: the cards show stand numbers, the filter the halls.
    for model in (Organization, Application, ExhibitionSection, Hall, Booth, Exhibit):
        post_save.connect(bump_directory, sender=model, dispatch_uid=f"directory-{model.__name__}")
        post_delete.connect(
            bump_directory, sender=model, dispatch_uid=f"directory-del-{model.__name__}"
        )
