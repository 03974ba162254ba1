"""A delegate asks, the visa desk approves, the delegate downloads: the letter as text and QR."""

import pytest
from django.conf import settings
from django.urls import reverse

from notifications.models import OutboundMessage
from tests.delegates.conftest import pdf_qr_codes, pdf_text
from tests.visa.conftest import PASSPORT, request_post
from visa.models import LetterRequest, PassportAccess

pytestmark = pytest.mark.django_db


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_delegate_asks_desk_approves_delegate_downloads_the_letter(client, delegate, visa_desk):
    client.force_login(delegate.user)
    mine = client.get(reverse("delegates:mine")).content.decode()
    assert "Ask for an invitation letter" in mine

    response = client.post(reverse("visa:request"), request_post())
    assert response.status_code == 302
    request = LetterRequest.objects.get()
    assert request.status == "submitted"
    assert request.initials == "G. L. M."
    (received,) = OutboundMessage.objects.filter(template_key="visa/received")
    assert request.reference in received.body_text
    assert PASSPORT not in received.body_text and "1984" not in received.body_text

    client.force_login(visa_desk)
    change = reverse("admin:visa_letterrequest_change", args=[request.pk])
    page = client.get(change).content.decode()
    assert PASSPORT in page and "1984" in page
    assert PassportAccess.objects.filter(request=request, user=visa_desk, kind="admin").count() == 1
    review = reverse("admin:visa_letterrequest_review", args=[request.pk])
    assert client.post(review, {"decision": "approve"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "approved" and request.letter

    client.force_login(delegate.user)
    mine = client.get(reverse("delegates:mine")).content.decode()
    url = reverse("visa:letter", args=[request.reference])
    assert url in mine
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = _bytes(response)
    text = pdf_text(pdf)
    assert "GARCIALOPEZMaria" in text
    assert request.reference in text
    assert PASSPORT in text
    assert "邀请函" in text
    (qr,) = pdf_qr_codes(pdf)
    assert qr == settings.SITE_URL + reverse("visa:verify", args=[request.reference])
    assert (
        PassportAccess.objects.filter(request=request, user=delegate.user, kind="letter").count()
        == 1
    )

    client.logout()  # what a consulate sees
    verify = client.get(reverse("visa:verify", args=[request.reference])).content.decode()
    assert "Valid." in verify and "G. L. M." in verify
    assert "Garcia" not in verify and PASSPORT not in verify

    (ready,) = OutboundMessage.objects.filter(template_key="visa/approved")
    assert "is ready" in ready.subject
    for row in OutboundMessage.objects.all():
        assert PASSPORT not in row.body_text + row.body_html + row.subject
