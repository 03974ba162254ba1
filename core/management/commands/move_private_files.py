"""Move files from the old single media root to the storage their field names now.

A management command, not a data migration: files are not in the database's transaction (a
rolled-back migration would not put them back), and a migration must not depend on where a
deployment keeps its files (disk or S3, with credentials). Run it once after ``migrate`` when
upgrading; it is idempotent, so running it again moves nothing.

- A private field's file (photo, badge PDF) found under the old root is copied to the private
  storage, then deleted from the old root, where the web server would publish it. Other files
  left in the same folders there (from deleted rows) are private too and are moved alike.
- A public field's file stays where it is when the public storage is that same folder; on S3 it
  is copied to the bucket (the old copy is kept: it is public anyway).
"""

import os

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management.base import BaseCommand
from django.db import models

from core.storage import is_local, private_storage


def _same_place(storage, old: FileSystemStorage) -> bool:
    return is_local(storage) and os.path.abspath(storage.location) == old.location


def move_private_files(old_root=None, *, log=lambda line: None) -> dict:
    """Returns counts: ``moved`` private files, ``copied`` public ones, ``missing`` rows' files."""
    old = FileSystemStorage(location=old_root or settings.MEDIA_ROOT)
    counts = {"moved": 0, "copied": 0, "missing": 0}
    private_folders = set()
    for model in apps.get_models():
        fields = [f for f in model._meta.get_fields() if isinstance(f, models.FileField)]
        for field in fields:
            storage = field.storage
            private = storage is private_storage()
            if not private and _same_place(storage, old):
                continue
            names = (
                model._default_manager.exclude(**{field.name: ""})
                .values_list(field.name, flat=True)
                .distinct()
            )
            for name in names.iterator():
                if private:
                    private_folders.add(os.path.dirname(name))
                outcome = _move(name, old, storage, delete=private, log=log)
                if outcome:
                    counts[outcome] += 1
    for folder in sorted(private_folders):
        if not old.exists(folder):
            continue
        for file_name in old.listdir(folder)[1]:
            name = f"{folder}/{file_name}" if folder else file_name
            if _move(name, old, private_storage(), delete=True, log=log):
                counts["moved"] += 1
    return counts


def _move(name: str, old: FileSystemStorage, storage, *, delete: bool, log):
    in_old = old.exists(name)
    if not storage.exists(name):
        if not in_old:
            return "missing"
        with old.open(name, "rb") as f:
            saved = storage.save(name, f)
        if saved != name:  # never: the name was free; refuse to leave a row pointing elsewhere
            storage.delete(saved)
            raise RuntimeError(f"{name} was stored as {saved}")
        log(f"{'moved' if delete else 'copied'} {name}")
        if delete:
            old.delete(name)
        return "moved" if delete else "copied"
    if in_old and delete:  # an earlier run copied it, then stopped before deleting
        old.delete(name)
        log(f"removed the public copy of {name}")
        return "moved"
    return None


class Command(BaseCommand):
    help = "Move private files (photos, badge PDFs) out of MEDIA_ROOT into the private storage."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="old_root", help="the old media root (MEDIA_ROOT)")

    def handle(self, *args, old_root=None, verbosity=1, **options):
        log = self.stdout.write if verbosity > 1 else (lambda line: None)
        counts = move_private_files(old_root, log=log)
        self.stdout.write(
            "{moved} private files moved, {copied} public files copied, "
            "{missing} files missing in both places.".format(**counts)
        )
