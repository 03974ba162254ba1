"""The public directory's cache: rendered pages keyed on a version that every change bumps.

The version lives in the cache itself (Redis in production, shared by every process), so one
increment makes every older page unreachable; pages expire on their own after an hour.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

VERSION_KEY = "exhibitors:directory:version"
PAGE_SECONDS = 3600


def directory_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, None)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet: the next read starts one
        cache.set(VERSION_KEY, 2, None)


def bump_directory(**_kwargs) -> None:
    """Make every cached directory page stale now, and again once the change is committed.

    The second bump drops any page another request rendered from the old rows in between.
    """
    _bump()
    transaction.on_commit(_bump, robust=True)


def connect() -> None:
    """Any saved or deleted row the directory shows bumps the version (services and admin alike)."""
    from .models import Application, ExhibitionSection, Organization

    for model in (Organization, Application, ExhibitionSection):
        post_save.connect(bump_directory, sender=model, dispatch_uid=f"directory-{model.__name__}")
        post_delete.connect(
            bump_directory, sender=model, dispatch_uid=f"directory-del-{model.__name__}"
        )
