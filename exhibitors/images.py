"""Logo uploads: PNG or JPEG only, within size and pixel limits, re-encoded without metadata."""

import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from core.images import FORMATS, ImageRejected, encode, open_upload

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000
MAX_PIXELS = 12_000_000


def clean_logo(upload) -> ContentFile:
    """The upload re-encoded as a fresh PNG or JPEG; ValidationError with a message otherwise."""
    try:
        image, kind = open_upload(
            upload, max_bytes=MAX_BYTES, max_pixels=MAX_PIXELS, max_side=MAX_SIDE
        )
    except ImageRejected as exc:
        raise _refusal(exc) from exc
    return ContentFile(encode(image, kind), name=f"{secrets.token_hex(8)}.{FORMATS[kind]}")


def _refusal(exc: ImageRejected) -> ValidationError:
    if exc.reason == "too_large":
        return ValidationError(
            _("The logo is too large: at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            code="logo_too_large",
        )
    if exc.reason == "pixels":
        return ValidationError(
            _("The logo is %(w)s × %(h)s pixels: at most %(max)s pixels a side.")
            % {"w": exc.width, "h": exc.height, "max": MAX_SIDE},
            code="logo_pixels",
        )
    if exc.reason == "bomb":
        return ValidationError(
            _("The logo has too many pixels to be processed safely."), code="logo_bomb"
        )
    return ValidationError(
        _("Upload the logo as a PNG or JPEG image (SVG, PDF and other files are not accepted)."),
        code="logo_format",
    )
