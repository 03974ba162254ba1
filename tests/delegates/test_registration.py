"""Registering: bad input is a form error with nothing half-saved; good input registers once."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from delegates import services
from delegates.models import Invitation, Registration
from tests.delegates.conftest import image_upload, registration_post
from tests.factories.accounts import UserFactory
from tests.factories.delegates import InvitationFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

REGISTER = "/delegates/register/"


def stored_files(settings):
    root = settings.MEDIA_ROOT / "delegates" / "photos"
    return sorted(root.iterdir()) if root.exists() else []


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("delegates:register"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/delegates/register/")


def test_pending_registration_for_a_category_that_needs_approval(client, person, delegate_category):
    client.force_login(person)
    response = client.post(REGISTER, registration_post(delegate_category))
    assert response.status_code == 302
    registration = Registration.objects.get(user=person)
    assert registration.status == Registration.Status.PENDING
    assert registration.sensitive_consent_at is None
    page = client.get(response["Location"]).content.decode()
    assert "pending" in page and "Peking University" in page


def test_open_category_without_approval_is_approved_at_once(client, person, open_category):
    client.force_login(person)
    client.post(REGISTER, registration_post(open_category))
    assert Registration.objects.get(user=person).status == Registration.Status.APPROVED


def test_no_terms_consent_is_a_form_error(client, person, delegate_category):
    client.force_login(person)
    response = client.post(REGISTER, registration_post(delegate_category, accepts_terms=None))
    assert response.status_code == 200
    assert response.context["form"].errors["accepts_terms"]
    assert not Registration.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [("dietary_needs", "halal"), ("accessibility_needs", "wheelchair access")],
)
def test_sensitive_data_without_its_consent_is_a_form_error(
    client, person, delegate_category, field, value
):
    client.force_login(person)
    response = client.post(REGISTER, registration_post(delegate_category, **{field: value}))
    assert "consents_to_sensitive_data" in response.context["form"].errors
    assert not Registration.objects.exists()


def test_photo_without_consent_is_refused_and_not_stored(
    client, person, delegate_category, settings
):
    client.force_login(person)
    data = registration_post(delegate_category, photo=image_upload())
    response = client.post(REGISTER, data)
    assert "consents_to_sensitive_data" in response.context["form"].errors
    assert not Registration.objects.exists()
    assert stored_files(settings) == []


def test_sensitive_data_with_consent_is_kept(client, person, delegate_category):
    client.force_login(person)
    client.post(
        REGISTER,
        registration_post(
            delegate_category, dietary_needs="vegetarian", consents_to_sensitive_data="on"
        ),
    )
    registration = Registration.objects.get(user=person)
    assert registration.dietary_needs == "vegetarian"
    assert registration.sensitive_consent_at is not None


def test_database_refuses_sensitive_data_without_consent(person, delegate_category):
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(user=person, category=delegate_category, dietary_needs="halal")


def test_photo_is_reencoded_without_exif(client, person, delegate_category, settings):
    client.force_login(person)
    upload = image_upload(size=(1600, 1200))
    assert b"SecretCam" in upload.read()
    upload.seek(0)
    client.post(
        REGISTER,
        registration_post(delegate_category, photo=upload, consents_to_sensitive_data="on"),
    )
    registration = Registration.objects.get(user=person)
    data = registration.photo.read()
    assert b"SecretCam" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert max(image.size) == 800
        assert not image.getexif()


@pytest.mark.parametrize(
    "upload,message",
    [
        (lambda: image_upload("GIF"), "PNG or JPEG"),
        (lambda: image_upload(size=(100, 100)), "too small"),
        (lambda: SimpleUploadedFile("me.jpg", b"not an image", "image/jpeg"), "PNG or JPEG"),
    ],
)
def test_bad_photo_is_a_form_error(client, person, delegate_category, settings, upload, message):
    client.force_login(person)
    response = client.post(
        REGISTER,
        registration_post(delegate_category, photo=upload(), consents_to_sensitive_data="on"),
    )
    assert message in " ".join(response.context["form"].errors["photo"])
    assert not Registration.objects.exists()
    assert stored_files(settings) == []


def test_photo_over_the_size_limit_is_refused(client, person, delegate_category, monkeypatch):
    monkeypatch.setattr("delegates.services.registration.PHOTO_MAX_BYTES", 1000)
    client.force_login(person)
    response = client.post(
        REGISTER,
        registration_post(delegate_category, photo=image_upload(), consents_to_sensitive_data="on"),
    )
    assert "too large" in " ".join(response.context["form"].errors["photo"])
    assert not Registration.objects.exists()


def test_second_registration_is_a_form_error(client, person, delegate_category):
    RegistrationFactory(user=person, category=delegate_category, organization="First Org")
    client.force_login(person)
    assert client.get(REGISTER)["Location"] == "/delegates/me/"
    response = client.post(REGISTER, registration_post(delegate_category))
    assert response.status_code == 200
    assert "already registered" in str(response.context["form"].non_field_errors())
    assert Registration.objects.get().organization == "First Org"


def test_invite_only_category_is_not_offered(client, person, invite_category, delegate_category):
    client.force_login(person)
    response = client.post(REGISTER, registration_post(invite_category))
    assert "category" in response.context["form"].errors
    assert not Registration.objects.exists()


def test_invitation_code_pre_approves_for_its_category(client, person, invite_category):
    invitation = InvitationFactory(category=invite_category, code="SPEAK2021", max_uses=2)
    client.force_login(person)
    client.post(REGISTER, registration_post(None, code="speak2021"))
    registration = Registration.objects.get(user=person)
    assert registration.category == invite_category
    assert registration.status == Registration.Status.APPROVED
    assert registration.invitation == invitation
    invitation.refresh_from_db()
    assert invitation.uses == 1


@pytest.mark.parametrize(
    "invitation_kwargs,message",
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "expired"),
        ({"max_uses": 1, "uses": 1}, "used up"),
        ({"email": "someone.else@example.org"}, "another person"),
    ],
)
def test_unusable_code_is_a_form_error(client, person, invite_category, invitation_kwargs, message):
    invitation = InvitationFactory(category=invite_category, code="CODE1", **invitation_kwargs)
    uses = invitation.uses
    client.force_login(person)
    response = client.post(REGISTER, registration_post(None, code="CODE1"))
    assert message in " ".join(response.context["form"].errors["code"])
    assert not Registration.objects.exists()
    invitation.refresh_from_db()
    assert invitation.uses == uses


def test_unknown_code_is_a_form_error(client, person):
    client.force_login(person)
    response = client.post(REGISTER, registration_post(None, code="NOPE"))
    assert "not valid" in " ".join(response.context["form"].errors["code"])


def test_last_use_of_a_code_goes_to_one_person(invite_category):
    InvitationFactory(category=invite_category, code="LAST", max_uses=1)
    data = services.RegistrationData(name="A", organization="B", country="FR", accepts_terms=True)
    services.register(UserFactory(), data, code="LAST")
    with pytest.raises(services.InvitationError):
        services.register(UserFactory(), data, code="LAST")
    assert Invitation.objects.get().uses == 1
    assert Registration.objects.count() == 1


def test_registration_page_renders_in_chinese(client, person, delegate_category):
    client.force_login(person)
    html = client.get("/zh-hans/delegates/register/").content.decode()
    assert "参会代表" in html
    assert "敏感个人信息" in html


def test_country_list_starts_with_china_under_the_forums_names(client, person, delegate_category):
    client.force_login(person)
    form = client.get(REGISTER).context["form"]
    codes = [code for code, _name in form.fields["country"].choices if code][:3]
    assert codes == ["CN", "HK", "MO"]
    assert "Hong Kong, China" in client.get(REGISTER).content.decode()
    assert "中国香港" in client.get("/zh-hans" + REGISTER).content.decode()
