"""Uploaded images made safe for every app: PNG or JPEG only, within limits, re-encoded.

The bytes kept are the ones Pillow writes, never the ones uploaded: whatever else the upload
carried (EXIF with GPS, text chunks, a polyglot tail) is gone. Callers turn ``ImageRejected``
into their own message.
"""

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"PNG": "png", "JPEG": "jpg"}


class ImageRejected(Exception):
    """An upload refused; ``reason`` is "too_large", "format", "pixels" or "bomb"."""

    def __init__(self, reason: str, *, width: int = 0, height: int = 0):
        super().__init__(reason)
        self.reason, self.width, self.height = reason, width, height


def open_upload(upload, *, max_bytes: int, max_pixels: int, max_side: int | None = None):
    """(image, format) of an uploaded PNG or JPEG, loaded and turned upright; or ImageRejected."""
    if upload.size > max_bytes:
        raise ImageRejected("too_large")
    upload.seek(0)
    data = upload.read()
    with warnings.catch_warnings():
        # A decompression-bomb warning is an error here, not something to log and carry on with.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                kind, (width, height) = probe.format, probe.size
                if kind not in FORMATS:
                    raise ImageRejected("format")
                too_wide = max_side is not None and max(width, height) > max_side
                if too_wide or width * height > max_pixels:
                    raise ImageRejected("pixels", width=width, height=height)
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                return ImageOps.exif_transpose(image), kind
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise ImageRejected("bomb") from exc
        except (UnidentifiedImageError, SyntaxError, OSError, ValueError, EOFError) as exc:
            raise ImageRejected("format") from exc


def pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding only the pixels: no EXIF, ICC profile, text chunks or comments."""
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    clean = Image.new(image.mode, image.size)
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    clean.paste(image)
    return clean


def encode(image: Image.Image, kind: str, *, quality: int = 88) -> bytes:
    out = io.BytesIO()
    if kind == "JPEG":
        pixels_only(image.convert("RGB")).save(out, format="JPEG", quality=quality, optimize=True)
    else:
        pixels_only(image).save(out, format="PNG", optimize=True)
    return out.getvalue()
