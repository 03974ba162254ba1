"""Private files (photos, badge PDFs): never under /media/, only through permission views."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from core.storage import private_storage
from delegates.models import BadgePrintJob, Registration
from tests.delegates.conftest import approved_registration, with_photo
from tests.factories.accounts import StaffFactory, UserFactory
from tests.factories.exhibitors import OrganizationFactory
from tests.queries import assert_queries_do_not_grow

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a badge print job\n"
# Session, user, the registration (the owner needs no permission query).
PHOTO_QUERIES = 3
# Session, user, the job (who asked for it needs no permission query).
PRINT_JOB_QUERIES = 3


def done_job(by) -> BadgePrintJob:
    job = BadgePrintJob.objects.create(requested_by=by, status=BadgePrintJob.Status.DONE, total=1)
    job.file.save("badges.pdf", ContentFile(PDF))
    return job


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_private_files_are_stored_outside_media_and_not_served_there(client, settings):
    registration = with_photo(approved_registration(name="Photo Person"))
    job = done_job(registration.user)
    logo = OrganizationFactory(logo=ContentFile(b"\x89PNG public", name="logo.png")).logo
    assert client.get(f"{settings.MEDIA_URL}{logo.name}").status_code == 200  # /media/ works
    for fieldfile in (registration.photo, job.file):
        assert (settings.PRIVATE_MEDIA_ROOT / fieldfile.name).exists()
        assert not (settings.MEDIA_ROOT / fieldfile.name).exists()
        assert client.get(f"{settings.MEDIA_URL}{fieldfile.name}").status_code == 404
        client.force_login(registration.user)  # not even for the owner
        assert client.get(f"{settings.MEDIA_URL}{fieldfile.name}").status_code == 404
        client.logout()
        with pytest.raises(ValueError, match="no URL"):
            fieldfile.url  # noqa: B018


def test_photo_for_the_owner_and_staff_who_view_registrations_only(client, organizer):
    registration = with_photo(approved_registration(name="Photo Person"))
    url = reverse("delegates:photo", args=[registration.pk])
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(StaffFactory())  # staff without the permission
    assert client.get(url).status_code == 404
    for user in (registration.user, organizer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert body(response) == registration.photo.open("rb").read()


def test_a_single_permission_is_enough(client):
    registration = with_photo(approved_registration(name="Photo Person"))
    staff = StaffFactory()
    staff.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client.force_login(staff)
    assert client.get(reverse("delegates:photo", args=[registration.pk])).status_code == 200


def test_no_photo_or_anonymised_is_404(client):
    registration = approved_registration(name="No Photo")
    client.force_login(registration.user)
    assert client.get(reverse("delegates:photo", args=[registration.pk])).status_code == 404


def test_print_job_pdf_for_who_asked_and_print_staff_only(client, organizer):
    requester = StaffFactory()
    job = done_job(requester)
    url = reverse("delegates:print_job_file", args=[job.pk])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    for user in (requester, organizer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert body(response) == PDF


def test_accel_redirect_hands_the_file_to_the_proxy(client, settings, organizer):
    settings.PRIVATE_FILES_ACCEL_PREFIX = "/protected/"
    registration = with_photo(approved_registration(name="Photo Person"))
    job = done_job(organizer)
    client.force_login(organizer)
    for url, name in [
        (reverse("delegates:photo", args=[registration.pk]), registration.photo.name),
        (reverse("delegates:print_job_file", args=[job.pk]), job.file.name),
        (reverse("admin:delegates_badgeprintjob_download", args=[job.pk]), job.file.name),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert response["X-Accel-Redirect"] == f"/protected/{name}"
        assert response.content == b""


def test_photo_view_queries_do_not_grow(client):
    owner = with_photo(approved_registration(name="Owner"))
    url = reverse("delegates:photo", args=[owner.pk])
    client.force_login(owner.user)
    made = iter(range(1000))

    def grow(n):
        for _ in range(n):
            with_photo(approved_registration(name=f"Someone {next(made)}"))

    first, second = assert_queries_do_not_grow(
        lambda: client.get(url), grow, budget=PHOTO_QUERIES, n=2
    )
    assert first.status_code == second.status_code == 200


def test_print_job_view_queries_do_not_grow(client, organizer):
    job = done_job(organizer)
    client.force_login(organizer)
    url = reverse("delegates:print_job_file", args=[job.pk])

    def grow(n):
        for _ in range(n):
            done_job(organizer)

    first, second = assert_queries_do_not_grow(
        lambda: client.get(url), grow, budget=PRINT_JOB_QUERIES, n=2
    )
    assert first.status_code == second.status_code == 200


def test_admin_links_the_photo_to_the_permission_view(client, organizer):
    registration = with_photo(approved_registration(name="Photo Person"))
    client.force_login(organizer)
    page = client.get(reverse("admin:delegates_registration_change", args=[registration.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("delegates:photo", args=[registration.pk]) in html
    assert "/media/" not in html


def test_my_registration_links_my_photo(client):
    registration = with_photo(approved_registration(name="Photo Person"))
    client.force_login(registration.user)
    page = client.get(reverse("delegates:mine")).content.decode()
    assert reverse("delegates:photo", args=[registration.pk]) in page


def test_move_private_files_moves_each_file_once(client, settings):
    """Files of the single media root of before: the command moves the private ones, once."""
    registration = approved_registration(name="Old Photo")
    job = BadgePrintJob.objects.create(status=BadgePrintJob.Status.DONE, total=1)
    old_photo, old_pdf = "delegates/photos/old.jpg", "delegates/badge-prints/old.pdf"
    orphan = "delegates/photos/orphan.jpg"  # a deleted row's photo, still private
    for name, data in [(old_photo, b"jpeg"), (old_pdf, PDF), (orphan, b"jpeg2")]:
        path = settings.MEDIA_ROOT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    Registration.objects.filter(pk=registration.pk).update(
        photo=old_photo, sensitive_consent_at=registration.created_at
    )
    BadgePrintJob.objects.filter(pk=job.pk).update(file=old_pdf)
    logo = OrganizationFactory(logo=ContentFile(b"\x89PNG public", name="logo.png")).logo.name
    assert client.get(f"/media/{old_photo}").status_code == 200  # published, as before

    call_command("move_private_files", stdout=(out := io.StringIO()))
    assert out.getvalue().startswith("3 private files moved, 0 public files copied")
    for name in (old_photo, old_pdf, orphan):
        assert not (settings.MEDIA_ROOT / name).exists()
        assert private_storage().exists(name)
        assert client.get(f"/media/{name}").status_code == 404
    assert (settings.MEDIA_ROOT / logo).exists()  # public files stay
    assert private_storage().open(old_pdf).read() == PDF
    client.force_login(registration.user)
    assert body(client.get(reverse("delegates:photo", args=[registration.pk]))) == b"jpeg"

    call_command("move_private_files", stdout=(again := io.StringIO()))
    assert again.getvalue().startswith("0 private files moved, 0 public files copied")
