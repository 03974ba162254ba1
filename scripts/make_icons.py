#!/usr/bin/env python3
"""Draw the forum's icons from the design of static/img/favicon.svg (Pillow cannot read SVG).

    .venv/bin/python scripts/make_icons.py

Writes static/img/favicon.ico (16, 32 and 48 px), apple-touch-icon.png (180 px), icon-192.png,
icon-512.png and static/site.webmanifest. The results are committed; run it again only when the
design changes. Needs a bold sans-serif TrueType font (Debian's fonts-dejavu-core).
"""

import json
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

STATIC = Path(__file__).resolve().parent.parent / "static"
NAVY = (18, 56, 107)  # #12386b, as in favicon.svg
WHITE = (255, 255, 255)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def draw(size: int, *, rounded: bool = True) -> Image.Image:
    """The SVG's design at ``size`` px: a navy square (corners rounded 6/32) with "ZGC" in white."""
    scale = 4  # drawn large, then reduced: smooth edges at 16 px too
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    canvas = ImageDraw.Draw(image)
    radius = big * 6 // 32 if rounded else 0
    canvas.rounded_rectangle([0, 0, big - 1, big - 1], radius=radius, fill=NAVY)
    font = ImageFont.truetype(FONT, big * 14 // 32)
    canvas.text((big / 2, big * 16 / 32), "ZGC", font=font, fill=WHITE, anchor="mm")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    img = STATIC / "img"
    draw(48).save(img / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    # iOS rounds the corners itself and shows transparency as black: a full square.
    draw(180, rounded=False).convert("RGB").save(img / "apple-touch-icon.png", optimize=True)
    for size in (192, 512):
        draw(size).save(img / f"icon-{size}.png", optimize=True)
    manifest = {
        "name": "Zhongguancun Forum",
        "short_name": "ZGC Forum",
        "start_url": "/",
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": "#12386b",
        "icons": [
            {"src": f"img/icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ],
    }
    (STATIC / "site.webmanifest").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    main()
