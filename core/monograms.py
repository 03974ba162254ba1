"""Monograms: a square PNG with one or two initials on a coloured ground, for demo exhibitor logos
and speaker avatars. The picture goes through the same sanitiser as an upload (``core.images``),
so a demo file is exactly what an uploaded PNG would have become; it is never SVG.

Files are named by what they show (``<folder>/demo-<initials>-<colour>.png``): the same initials in
the same colour are one file, whatever the number of organizations or people that share them.
"""

import functools
import io
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from PIL import Image, ImageDraw, ImageFont

from .images import encode, open_upload
from .storage import public_storage

SIZE = 240
# Debian's fonts-noto-cjk (installed by scripts/system-deps.sh): Chinese initials need it.
FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
]


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)  # Latin only: Chinese initials show as boxes


@functools.cache
def monogram(initials: str, colour: str, size: int = SIZE) -> bytes:
    """PNG bytes: ``initials`` in white, centred on ``colour`` (``#rrggbb``)."""
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    font = _font(int(size * (0.36 if len(initials) > 1 else 0.5)))
    draw.text((size / 2, size / 2), initials, fill="white", font=font, anchor="mm")
    raw = io.BytesIO()
    image.save(raw, format="PNG")
    clean, kind = open_upload(
        ContentFile(raw.getvalue()), max_bytes=1024 * 1024, max_pixels=size * size
    )
    return encode(clean, kind)


def file_name(folder: str, initials: str, colour: str) -> str:
    """``folder/demo-<initials>-<colour>.png``; non-ASCII initials by their code points."""
    key = initials if initials.isascii() else "u" + "-".join(f"{ord(c):x}" for c in initials)
    return f"{folder}/demo-{key.lower()}-{colour.lstrip('#').lower()}.png"


def stored(folder: str, initials: str, colour: str, storage: Storage | None = None) -> str:
    """The monogram's file name in ``storage``, written the first time it is asked for."""
    storage = storage or public_storage()
    name = file_name(folder, initials, colour)
    if not storage.exists(name):
        storage.save(name, ContentFile(monogram(initials, colour)))
    return name
