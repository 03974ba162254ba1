"""Badge tokens and PDFs: an opaque signed code in the QR, the person's details on A6 pages."""

import base64
from collections.abc import Iterable

import segno
from django.core import signing
from django.template.loader import render_to_string

from core.countries import country_name

from .models import Badge

TOKEN_SALT = "delegates.badge"
PHOTO_MIME = "image/jpeg"


def token_for(badge: Badge) -> str:
    """What the QR code holds: the badge's random code, signed; no personal data."""
    return signing.Signer(salt=TOKEN_SALT).sign(badge.code)


def code_from_token(token: str) -> str | None:
    """The badge code a scanned token carries, or None when it is not one of ours."""
    try:
        return signing.Signer(salt=TOKEN_SALT).unsign(token.strip())
    except signing.BadSignature:
        return None


def qr_data_uri(token: str) -> str:
    """The token as an SVG QR code, inlined for WeasyPrint."""
    return segno.make_qr(token, error="m").svg_data_uri(border=2, scale=4)


def _photo_data_uri(registration) -> str:
    if not registration.photo:
        return ""
    try:
        with registration.photo.open("rb") as f:
            data = f.read()
    except (OSError, ValueError):
        return ""  # a missing file prints a badge without a photo, not an error
    return f"data:{PHOTO_MIME};base64,{base64.b64encode(data).decode()}"


def badge_html(badges: Iterable[Badge]) -> str:
    """One A6 page per badge (registration and category already fetched)."""
    pages = []
    for badge in badges:
        r = badge.registration
        pages.append(
            {
                "registration": r,
                "category": r.category,
                "country": country_name(r.country.code),
                "photo": _photo_data_uri(r),
                "qr": qr_data_uri(token_for(badge)),
                "short_code": badge.printed_code,
            }
        )
    return render_to_string("delegates/badge.html", {"pages": pages})


def badge_pdf(badges: Iterable[Badge]) -> bytes:
    """The badges as one PDF, A6 portrait, names in Latin script and Chinese (Noto CJK)."""
    from weasyprint import HTML

    return HTML(string=badge_html(badges)).write_pdf()
