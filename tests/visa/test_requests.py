"""The request form: passport validity, stay around the forum, no letter for China's residents,
separate consent; the desk's reject and ask-for-changes steps."""

import pytest
from django.urls import reverse

from notifications.models import OutboundMessage
from tests.visa.conftest import request_post
from visa import services
from visa.models import LetterRequest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("passport_expires_on", "2022-03-01", "valid at least six months after the forum ends"),
        ("entry_on", "2021-09-25", "Enter China between"),
        ("exit_on", "2021-12-30", "Leave China between"),
        ("nationality", "HK", "Mainland Travel Permit for Hong Kong and Macao Residents"),
        ("nationality", "TW", "Mainland Travel Permit for Taiwan Residents"),
        ("nationality", "CN", "Citizens of China need no visa"),
        ("consent", None, "This field is required"),
        ("passport_number", "12", "5 to 20 letters and digits"),
        ("date_of_birth", "2999-01-01", "real date of birth"),
        ("entry_on", "not a date", "Enter a valid date"),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message(client, delegate, field, value, message):
    client.force_login(delegate.user)
    response = client.post(reverse("visa:request"), request_post(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LetterRequest.objects.exists()


def test_hong_kong_guidance_in_chinese(client, delegate):
    client.force_login(delegate.user)
    response = client.post("/zh-hans" + reverse("visa:request"), request_post(nationality="HK"))
    assert "港澳居民无需签证" in response.content.decode()


def test_pending_registration_cannot_ask(client, delegate):
    delegate.status = "pending"
    delegate.save()
    client.force_login(delegate.user)
    page = client.get(reverse("visa:request")).content.decode()
    assert "Invitation letters are for approved delegates" in page
    assert client.post(reverse("visa:request"), request_post()).status_code == 302
    assert not LetterRequest.objects.exists()


def test_desk_asks_for_changes_then_the_delegate_corrects(client, submitted, visa_desk):
    review = reverse("admin:visa_letterrequest_review", args=[submitted.pk])
    client.force_login(visa_desk)
    client.post(review, {"decision": "changes", "message": ""})
    assert LetterRequest.objects.get().status == "submitted"  # a message is required
    client.post(review, {"decision": "changes", "message": "Use the consulate in Barcelona."})
    assert LetterRequest.objects.get().status == "changes"
    client.force_login(submitted.registration.user)
    page = client.get(reverse("visa:request")).content.decode()
    assert "Use the consulate in Barcelona." in page
    assert "C7XK42Q19" not in page  # the number is typed again, never sent back
    client.post(
        reverse("visa:request"), request_post(consular_post="Consulate General in Barcelona")
    )
    row = LetterRequest.objects.get()
    assert row.status == "submitted" and row.consular_post == "Consulate General in Barcelona"
    keys = list(OutboundMessage.objects.values_list("template_key", flat=True))
    assert keys.count("visa/received") == 2 and "visa/changes" in keys


def test_reject_needs_a_reason_and_mails_it(client, submitted, visa_desk):
    with pytest.raises(services.VisaError):
        services.reject_request(submitted, by=visa_desk, reason=" ")
    services.reject_request(submitted, by=visa_desk, reason="Not a delegate of the forum.")
    (mail,) = OutboundMessage.objects.filter(template_key="visa/rejected")
    assert "Not a delegate of the forum." in mail.body_text


def test_only_the_visa_desk_group_reviews(client, submitted, roles):
    from tests.factories.accounts import StaffFactory

    root = StaffFactory(email="root@example.org", is_superuser=True)
    client.force_login(root)
    review = reverse("admin:visa_letterrequest_review", args=[submitted.pk])
    assert client.post(review, {"decision": "approve"}).status_code == 403
    assert LetterRequest.objects.get().status == "submitted"
