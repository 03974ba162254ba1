"""Logo uploads through the portal: bad files are refused with a message and nothing is stored."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from exhibitors.models import Organization
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def png_bytes(size=(120, 60), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (20, 90, 160, 255)).save(buffer, "PNG", **save)
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Secret Camera Co."  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 59.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), "red").save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims huge dimensions: the classic pixel bomb, a few hundred bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def create(client, upload):
    data = {
        "name_zh_hans": "北京智源科技有限公司",
        "name_en": "Beijing Zhiyuan Technology Co., Ltd.",
        "country": "CN",
        "credit_code": "91110108551385082Q",
        "description_en": "Sensors",
        "description_zh_hans": "传感器",
        "website": "https://zhiyuan.example",
        "logo": upload,
    }
    return client.post("/exhibitors/portal/new/", data)


BAD = {
    "svg": (
        SimpleUploadedFile(
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            content_type="image/png",
        ),
        "PNG or JPEG",
    ),
    "renamed pdf": (
        SimpleUploadedFile(
            "logo.jpg",
            b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
            content_type="image/jpeg",
        ),
        "PNG or JPEG",
    ),
    "gif": (None, "PNG or JPEG"),
    "oversize": (
        SimpleUploadedFile("logo.png", png_bytes() + b"\0" * (2 * 1024 * 1024)),
        "too large",
    ),
    "too many pixels a side": (None, "at most 4000 pixels a side"),
    "pixel bomb": (
        SimpleUploadedFile("logo.png", png_header_only(60000, 60000)),
        "too many pixels",
    ),
    "bomb warning": (
        SimpleUploadedFile("logo.png", png_header_only(10000, 9000)),
        "too many pixels",
    ),
    "truncated png": (SimpleUploadedFile("logo.png", png_bytes()[:60]), "PNG or JPEG"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_logo_is_refused_with_a_message_and_nothing_is_stored(client, kind):
    upload, message = BAD[kind]
    if kind == "gif":
        buffer = io.BytesIO()
        Image.new("P", (10, 10)).save(buffer, "GIF")
        upload = SimpleUploadedFile("logo.png", buffer.getvalue())
    if kind == "too many pixels a side":
        buffer = io.BytesIO()
        Image.new("L", (4100, 8)).save(buffer, "PNG")
        upload = SimpleUploadedFile("logo.png", buffer.getvalue())
    upload.seek(0)
    client.force_login(UserFactory())
    response = create(client, upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organization.objects.exists()
    assert stored_files() == []


def test_good_logo_is_re_encoded_without_metadata(client):
    user = UserFactory()
    client.force_login(user)
    response = create(client, SimpleUploadedFile("photo.jpg", jpeg_with_exif()))
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.logo.name.endswith(".jpg")
    assert "photo" not in organization.logo.name
    with Image.open(organization.logo.path) as stored:
        assert stored.format == "JPEG"
        assert dict(stored.getexif()) == {}
    assert b"Secret Camera" not in Path(organization.logo.path).read_bytes()
    # Members fetch the logo through the portal.
    logo = client.get(organization.urls.logo_file)
    assert logo.status_code == 200


def test_png_text_chunks_are_dropped(client):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "internal draft, do not publish")
    client.force_login(UserFactory())
    create(client, SimpleUploadedFile("logo.png", png_bytes(pnginfo=info)))
    organization = Organization.objects.get()
    data = Path(organization.logo.path).read_bytes()
    assert b"internal draft" not in data
    with Image.open(organization.logo.path) as stored:
        assert stored.format == "PNG" and stored.size == (120, 60)


def test_a_bad_new_logo_keeps_the_old_one(client, organization):
    client.force_login(organization.main_contact)
    form = {
        "name_zh_hans": organization.name_zh_hans,
        "name_en": organization.name_en,
        "country": "CN",
        "credit_code": organization.credit_code,
        "main_contact": organization.main_contact_id,
    }
    response = client.post(
        organization.urls.edit, {**form, "logo": SimpleUploadedFile("l.png", png_bytes())}
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    kept = organization.logo.name
    response = client.post(
        organization.urls.edit,
        {**form, "logo": SimpleUploadedFile("l.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>")},
    )
    assert "PNG or JPEG" in response.content.decode()
    organization.refresh_from_db()
    assert organization.logo.name == kept
    assert len(stored_files()) == 1
