"""The invitation letter as a bilingual PDF: letterhead, reference, verification QR code."""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.debug import sensitive_variables

from core.countries import country_name

from .models import LetterRequest


def verification_url(reference: str) -> str:
    """The public page that confirms a letter, absolute (the address the QR code holds)."""
    with translation.override(None):
        path = reverse("visa:verify", args=[reference])
    return f"{settings.SITE_URL}{path}"


def qr_data_uri(url: str) -> str:
    return segno.make_qr(url, error="m").svg_data_uri(border=2, scale=4)


@sensitive_variables("context")
def letter_html(request: LetterRequest) -> str:
    from .services import current_forum

    forum = current_forum()
    registration = request.registration
    url = verification_url(request.reference)
    context = {
        "request": request,
        "registration": registration,
        "forum": forum,
        "letterhead": settings.VISA_LETTERHEAD,
        "passport_number": request.passport_number,
        "date_of_birth": request.date_of_birth,
        "nationality_en": country_name(request.nationality.code, language="en"),
        "nationality_zh": country_name(request.nationality.code, language="zh-hans"),
        "verification_url": url,
        "qr": qr_data_uri(url),
    }
    return render_to_string("visa/letter.html", context)


def letter_pdf(request: LetterRequest) -> bytes:
    """One A4 page (two when the text runs long), Chinese first, then English (Noto CJK)."""
    from weasyprint import HTML

    return HTML(string=letter_html(request)).write_pdf()
