"""Files on S3-compatible object storage (django-storages), against moto's S3 server.

moto (5.2.6) refuses an unsigned GET of an object nobody granted, as S3 does, but it checks
neither a presigned URL's signature nor its expiry. ``ExpiringMotoServer`` adds the one rule this
test needs, as S3 states it: a presigned request after ``X-Amz-Date + X-Amz-Expires`` is refused
with 403 AccessDenied ("Request has expired").
"""

import io
import json
import socket
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from core.storage import private_storage, public_storage
from tests.delegates.conftest import approved_registration
from tests.delegates.test_private_files import done_job, with_photo

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")

pytestmark = pytest.mark.django_db

PUBLIC_BUCKET, PRIVATE_BUCKET = "zgc-public", "zgc-private"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refuse_expired(app):
    def wsgi(environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if "X-Amz-Expires" in query:
            signed = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ")
            expires = signed.replace(tzinfo=UTC) + timedelta(seconds=int(query["X-Amz-Expires"][0]))
            if datetime.now(UTC) > expires:
                start_response("403 Forbidden", [("Content-Type", "application/xml")])
                return [b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message>"
                        b"</Error>"]  # fmt: skip
        return app(environ, start_response)

    return wsgi


class ExpiringMotoServer(moto_server.ThreadedMotoServer):
    def _server_entry(self):
        from werkzeug.serving import make_server

        app = refuse_expired(
            moto_server.DomainDispatcherApplication(moto_server.create_backend_app)
        )
        self._server = make_server(self._ip_address, self._port, app, True)
        self._server_ready_event.set()
        self._server.serve_forever()


@pytest.fixture
def s3(settings):
    server = ExpiringMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    credentials = {
        "endpoint_url": endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    client = boto3.client("s3", **credentials)
    for bucket in (PUBLIC_BUCKET, PRIVATE_BUCKET):
        client.create_bucket(Bucket=bucket)
    # What README asks of the public bucket: anyone may read; the private one grants nothing.
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{PUBLIC_BUCKET}/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=PUBLIC_BUCKET, Policy=json.dumps(policy))

    def options(bucket, private):
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "signature_version": "s3v4",
                "addressing_style": "path",
                "file_overwrite": False,
                "default_acl": None,
                "querystring_auth": private,
            },
        }

    settings.STORAGES = {
        **settings.STORAGES,
        "default": options(PUBLIC_BUCKET, False),
        "public": options(PUBLIC_BUCKET, False),
        "private": options(PRIVATE_BUCKET, True),
    }
    settings.PRIVATE_FILES_URL_EXPIRY = 2
    yield client
    server.stop()


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_private_file_only_by_a_presigned_url_that_expires(client, s3, organizer):
    registration = with_photo(approved_registration(name="On S3"))
    photo = registration.photo
    assert private_storage().exists(photo.name)
    stored = s3.get_object(Bucket=PRIVATE_BUCKET, Key=photo.name)["Body"].read()

    assert client.get(reverse("delegates:photo", args=[registration.pk])).status_code == 404
    client.force_login(registration.user)
    response = client.get(reverse("delegates:photo", args=[registration.pk]))
    assert response.status_code == 302
    presigned = response["Location"]
    query = parse_qs(urlsplit(presigned).query)
    assert query["X-Amz-Expires"] == ["2"] and "X-Amz-Signature" in query
    assert response["Cache-Control"] == "private, no-store"

    assert fetch(presigned) == (200, stored)
    unsigned = urlunsplit(urlsplit(presigned)._replace(query=""))
    assert fetch(unsigned)[0] == 403
    time.sleep(3.1)
    assert fetch(presigned)[0] == 403  # expired

    job = done_job(organizer)
    client.force_login(organizer)
    response = client.get(reverse("delegates:print_job_file", args=[job.pk]))
    assert response.status_code == 302
    status, data = fetch(response["Location"])
    assert status == 200 and data.startswith(b"%PDF")
    assert fetch(urlunsplit(urlsplit(response["Location"])._replace(query="")))[0] == 403


def test_public_file_by_a_plain_url(s3):
    name = public_storage().save("exhibitors/logos/logo.png", ContentFile(b"\x89PNG public"))
    url = public_storage().url(name)
    assert "X-Amz-Signature" not in url
    assert fetch(url) == (200, b"\x89PNG public")


def test_move_private_files_to_buckets(s3, settings):
    """Upgrading a disk deployment to object storage: the command fills both buckets, once."""
    from delegates.models import Registration
    from exhibitors.models import Organization
    from tests.factories.exhibitors import OrganizationFactory

    photo, logo = "delegates/photos/old.jpg", "exhibitors/logos/old.png"
    for name, data in [(photo, b"jpeg"), (logo, b"\x89PNG")]:
        path = settings.MEDIA_ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    registration = approved_registration(name="Old Photo")
    Registration.objects.filter(pk=registration.pk).update(
        photo=photo, sensitive_consent_at=registration.created_at
    )
    Organization.objects.filter(pk=OrganizationFactory().pk).update(logo=logo)

    out = io.StringIO()
    call_command("move_private_files", stdout=out)
    assert out.getvalue().startswith("1 private files moved, 1 public files copied")
    assert s3.get_object(Bucket=PRIVATE_BUCKET, Key=photo)["Body"].read() == b"jpeg"
    assert s3.get_object(Bucket=PUBLIC_BUCKET, Key=logo)["Body"].read() == b"\x89PNG"
    assert not (settings.MEDIA_ROOT / photo).exists()
    assert (
        settings.MEDIA_ROOT / logo
    ).exists()  # public anyway; removed by hand when served from S3
    call_command("move_private_files", stdout=(again := io.StringIO()))
    assert again.getvalue().startswith("0 private files moved, 0 public files copied")
