"""Two storages: public files (logos, speaker photos: served at MEDIA_URL by the web server) and
private ones (delegates' photos, badge PDFs, documents: never at a URL of their own, only through
views that check permissions and then call ``private_file_response``).

Model fields name their storage through the callables ``public_storage`` and ``private_storage``:
a callable keeps migrations the same whatever the deployment's backend (disk or S3), and the
storage is looked up in ``STORAGES`` when used, so tests can switch it with ``settings``.
"""

import mimetypes
import os
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, cached_property, empty
from whitenoise.storage import CompressedManifestStaticFilesStorage

PUBLIC = "public"
PRIVATE = "private"


@deconstructible(path="core.storage.PrivateFileSystemStorage")
class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (outside MEDIA_ROOT) that have no URL at all."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        # Loud on purpose: a template asking for a private file's URL is a leak, not a link.
        raise ValueError("A private file has no URL: link to the view that checks permissions.")


class _Storage(LazyObject):
    """``storages[alias]``, looked up on first use and again after STORAGES changes (tests)."""

    def __init__(self, alias: str):
        self.__dict__["_alias"] = alias
        super().__init__()

    def _setup(self):
        self._wrapped = storages[self.__dict__["_alias"]]


_public = _Storage(PUBLIC)
_private = _Storage(PRIVATE)


def _reset(*, setting, **kwargs):
    if setting == "STORAGES":
        _public._wrapped = empty
        _private._wrapped = empty


setting_changed.connect(_reset)


def public_storage():
    """Logos, exhibit images, speaker photos, demo monograms: anyone may fetch them."""
    return _public


def private_storage():
    """Delegates' photos, badge and print-job PDFs, documents: only through permission views."""
    return _private


def is_local(storage) -> bool:
    return isinstance(storage, FileSystemStorage)


def private_file_response(
    fieldfile, *, filename: str | None = None, as_attachment: bool = False, content_type=None
) -> HttpResponse:
    """Hand a private file to the client once the caller has checked who asks.

    On object storage: a redirect to a presigned URL that expires after
    PRIVATE_FILES_URL_EXPIRY seconds. On disk: an empty response whose ``X-Accel-Redirect``
    names the file under PRIVATE_FILES_ACCEL_PREFIX (the proxy's internal location) when set,
    else the bytes streamed by Django.
    """
    storage, name = fieldfile.storage, fieldfile.name
    filename = filename or os.path.basename(name)
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if not is_local(storage):
        params = {"ResponseContentType": content_type}
        if as_attachment:
            params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        response = HttpResponseRedirect(
            storage.url(name, parameters=params, expire=settings.PRIVATE_FILES_URL_EXPIRY)
        )
    elif settings.PRIVATE_FILES_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = (
            settings.PRIVATE_FILES_ACCEL_PREFIX.rstrip("/") + "/" + quote(name.lstrip("/"))
        )
        disposition = "attachment" if as_attachment else "inline"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    else:
        response = FileResponse(
            fieldfile.open("rb"),
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
    response["Cache-Control"] = "private, no-store"
    return response


class StaticStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's manifest storage (hashed, compressed names), each name's URL worked out once
    a process: the manifest cannot change under a running process (``collectstatic`` runs
    before it starts), and every page's frame asks for the same ten names (``{% static %}``:
    ~20 µs each). A map of names to URLs, not of anything rendered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found
