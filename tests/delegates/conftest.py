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


@pytest.fixture
def desk_user(roles):
    """A volunteer at the door: the check-in desk role and nothing else."""
    from django.contrib.auth.models import Group

    from delegates.roles import CHECKIN_DESK

    user = UserFactory(email="volunteer@example.org", name="Door Volunteer")
    user.groups.add(Group.objects.get(name=CHECKIN_DESK))
    return user


@pytest.fixture
def organizer(roles):
    """Forum staff with the accreditation desk role (statistics, badges, print jobs)."""
    from django.contrib.auth.models import Group

    from delegates.roles import ACCREDITATION_DESK
    from tests.factories.accounts import StaffFactory

    user = StaffFactory(email="organizer@zgcforum.example", name="Organizer")
    user.groups.add(Group.objects.get(name=ACCREDITATION_DESK))
    return user


def approved_registration(**kwargs):
    from tests.factories.delegates import RegistrationFactory

    kwargs.setdefault("status", "approved")
    return RegistrationFactory(**kwargs)


def with_photo(registration):
    """``registration`` with a photo on file, its owner consenting to sensitive data."""
    from delegates import services

    services.update_sensitive_data(
        registration,
        consent=True,
        dietary_needs="",
        accessibility_needs="",
        photo=services.clean_photo(image_upload()),
        remove_photo=False,
    )
    registration.refresh_from_db()
    return registration


@pytest.fixture
def delegate_with_photo(db):
    """Makes an approved delegate with a photo on file: ``delegate_with_photo("Name")``."""
    return lambda name: with_photo(approved_registration(name=name))


def pdf_text(data: bytes) -> str:
    """All text of a PDF, whitespace removed (pypdf splits CJK lines)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def pdf_qr_codes(data: bytes) -> list[str]:
    """The QR codes on each page of a PDF, decoded from a rendering."""
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(data)
    found = []
    for page in document:
        image = page.render(scale=2).to_pil()
        found.extend(r.text for r in zxingcpp.read_barcodes(image))
    return found
