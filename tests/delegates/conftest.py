import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories.accounts import UserFactory
from tests.factories.delegates import CategoryFactory, DelegationFactory, DelegationMemberFactory


def image_upload(fmt="JPEG", size=(400, 500), exif=True, name=None) -> SimpleUploadedFile:
    """An uploaded image; JPEGs carry EXIF with a GPS position unless told otherwise."""
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif and fmt == "JPEG":
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {1: "N", 2: (39.0, 58.0, 0.0)}  # GPS info
        kwargs["exif"] = data.tobytes()
    image.save(out, format=fmt, **kwargs)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}[fmt]
    return SimpleUploadedFile(name or f"me.{fmt.lower()}", out.getvalue(), content_type)


@pytest.fixture
def delegate_category(db):
    return CategoryFactory(slug="delegate", name_en="Delegate", name_zh_hans="参会代表")


@pytest.fixture
def open_category(db):
    return CategoryFactory(
        slug="participant", name_en="Participant", name_zh_hans="参会观众", needs_approval=False
    )


@pytest.fixture
def invite_category(db):
    return CategoryFactory(
        slug="speaker",
        name_en="Speaker",
        name_zh_hans="演讲嘉宾",
        access="invitation",
        needs_approval=False,
    )


@pytest.fixture
def person(db):
    return UserFactory(email="li.wei@example.org", name="Li Wei", name_zh="李伟")


@pytest.fixture
def delegation(db):
    coordinator = UserFactory(email="coordinator@example.org", name="Anna Schmidt")
    delegation = DelegationFactory(coordinator=coordinator, name="Delegation of Germany")
    DelegationMemberFactory(delegation=delegation, user=coordinator, email=coordinator.email)
    return delegation


def registration_post(category=None, **overrides) -> dict:
    data = {
        "category": category.pk if category else "",
        "code": "",
        "name": "Li Wei",
        "name_zh": "李伟",
        "organization": "Peking University",
        "title": "Professor",
        "country": "CN",
        "dietary_needs": "",
        "accessibility_needs": "",
        "accepts_terms": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
