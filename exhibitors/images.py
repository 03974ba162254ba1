"""Logo uploads: PNG or JPEG only, within size and pixel limits, re-encoded without metadata.

The bytes kept are the ones Pillow writes, never the ones uploaded: whatever else the upload
carried (EXIF with GPS, text chunks, a polyglot tail) is gone.
"""

import io
import secrets
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000
MAX_PIXELS = 12_000_000
FORMATS = {"PNG": "png", "JPEG": "jpg"}


def clean_logo(upload) -> ContentFile:
    """The upload re-encoded as a fresh PNG or JPEG; ValidationError with a message otherwise."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The logo is too large: at most %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            code="logo_too_large",
        )
    data = upload.read()
    not_an_image = ValidationError(
        _("Upload the logo as a PNG or JPEG image (SVG, PDF and other files are not accepted)."),
        code="logo_format",
    )
    with warnings.catch_warnings():
        # A decompression-bomb warning is an error here, not something to log and carry on with.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format
                width, height = probe.size
                if kind not in FORMATS:
                    raise not_an_image
                if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                    raise ValidationError(
                        _("The logo is %(w)s × %(h)s pixels: at most %(max)s pixels a side.")
                        % {"w": width, "h": height, "max": MAX_SIDE},
                        code="logo_pixels",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise ValidationError(
                _("The logo has too many pixels to be processed safely."), code="logo_bomb"
            ) from exc
        except (UnidentifiedImageError, SyntaxError, OSError, ValueError, EOFError) as exc:
            raise not_an_image from exc
    if kind == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    # A new image holds only pixels: no EXIF, ICC profile, text chunks or comments.
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    clean.paste(image)
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, format="JPEG", quality=88, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(8)}.{FORMATS[kind]}")
