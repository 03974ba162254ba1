"""Invitation lists (core.imports): a CSV or XLSX upload, a preview with each refused row, then one
personal code per row, mailed once the import is confirmed."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from delegates.models import Invitation
from delegates.roles import ACCREDITATION_DESK
from tests.factories.accounts import StaffFactory

pytestmark = pytest.mark.django_db

IMPORT = "/admin/delegates/invitation/import/"
PROCESS = "/admin/delegates/invitation/process_import/"


@pytest.fixture
def desk(roles):
    user = StaffFactory()
    user.groups.add(Group.objects.get(name=ACCREDITATION_DESK))
    return user


def upload(client, text: str | bytes, name="list.csv", fmt=0):
    content = text.encode("utf-8-sig") if isinstance(text, str) else text
    file = SimpleUploadedFile(name, content, "text/csv")
    return client.post(IMPORT, {"resource": "0", "format": str(fmt), "import_file": file})


def confirm(client, html: str):
    fields = {
        name: re.search(rf'name="{name}"[^>]*value="([^"]*)"', html).group(1)
        for name in ("import_file_name", "original_file_name", "format")
    }
    return client.post(PROCESS, fields | {"resource": "0"})


def test_preview_then_import_mails_each_code(
    client, desk, invite_category, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(desk)
    csv = (
        "email,name,category,max_uses,expires,language\n"
        "Ana.Silva@example.org,Ana Silva,speaker,1,2021-09-20,en\n"
        "zhang.wei@example.org,张伟,speaker,,,zh-hans\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv)
    html = response.content.decode()
    assert "ana.silva@example.org" in html and "张伟" in html
    assert "Confirm import" in html
    assert not Invitation.objects.exists() and not mailoutbox  # a preview only: no mail either
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, html)
    assert response.status_code == 302
    invitations = {i.email: i for i in Invitation.objects.all()}
    assert set(invitations) == {"ana.silva@example.org", "zhang.wei@example.org"}
    expires = timezone.localtime(invitations["ana.silva@example.org"].expires_at)
    assert expires.date().isoformat() == "2021-09-20"
    assert all(i.category == invite_category and i.max_uses == 1 for i in invitations.values())
    assert all(i.note == "imported" for i in invitations.values())
    assert len({i.code for i in invitations.values()}) == 2
    mails = {m.to[0]: m for m in mailoutbox}
    assert len(mailoutbox) == 2
    assert invitations["ana.silva@example.org"].code in mails["ana.silva@example.org"].body
    zh = mails["zhang.wei@example.org"]
    assert "邀请" in zh.subject
    assert (
        f"/zh-hans/delegates/register/?code={invitations['zhang.wei@example.org'].code}" in zh.body
    )


def test_a_list_with_errors_imports_nothing(client, desk, invite_category):
    client.force_login(desk)
    csv = (
        "email,name,category,max_uses,expires,language\n"
        "not-an-email,A,speaker,1,\n"
        "b@example.org,B,no-such-category,0,someday\n"
        "d@example.org,D,speaker,1,,fr\n"
        "c@example.org,C,speaker,1,\n"
        "C@example.org,C again,speaker,1,\n"
    )
    html = upload(client, csv).content.decode()
    for error in [
        "Row 1 · email: not a valid email address",
        "Row 2 · category: No category with the slug “no-such-category”.",
        "Row 2 · max_uses: use limit must be a whole number of at least 1",
        "Row 2 · expires: expiry must be a date (YYYY-MM-DD)",
        "Row 3 · language: language must be en or zh-hans",
        "Row 5 · email: email listed twice",
    ]:
        assert error in html
    assert "Confirm import" not in html
    assert not Invitation.objects.exists()


def test_a_list_refused_on_confirm_imports_nothing(client, desk, invite_category):
    client.force_login(desk)
    html = upload(client, "email,category\na@example.org,speaker\nb@example.org,speaker\n")
    html = html.content.decode()
    # Meanwhile the category is renamed: the rows name a category that is gone.
    invite_category.slug = "speakers"
    invite_category.save()
    page = confirm(client, html).content.decode()
    assert "Nothing was imported" in page
    assert not Invitation.objects.exists()


def test_a_file_without_the_columns_is_refused(client, desk):
    client.force_login(desk)
    html = upload(client, "who,what\nx,y\n").content.decode()
    assert "The file needs the columns email, category (found: who, what)." in html
    assert "Confirm import" not in html


def test_an_xlsx_list_is_imported(client, desk, invite_category):
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["email", "name", "category", "expires"])
    book.active.append(["wu@example.org", "吴", "speaker", timezone.datetime(2021, 9, 20)])
    data = io.BytesIO()
    book.save(data)
    client.force_login(desk)
    html = upload(client, data.getvalue(), name="list.xlsx", fmt=1).content.decode()
    confirm(client, html)
    invitation = Invitation.objects.get()
    assert invitation.email == "wu@example.org"
    assert timezone.localtime(invitation.expires_at).date().isoformat() == "2021-09-20"


def test_import_needs_the_add_permission(client):
    client.force_login(StaffFactory())
    assert client.get(IMPORT).status_code == 403


def test_an_invitation_added_in_the_admin_is_mailed(
    client, desk, invite_category, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(desk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/delegates/invitation/add/",
            {
                "code": "NOBEL2021",
                "category": invite_category.pk,
                "email": "Laureate@example.org",
                "name": "A Laureate",
                "max_uses": 1,
                "note": "",
            },
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.code, invitation.email) == ("NOBEL2021", "laureate@example.org")
    (mail,) = mailoutbox
    assert mail.to == ["laureate@example.org"] and "NOBEL2021" in mail.body


def test_a_file_over_the_size_limit_is_refused(client, desk, settings):
    client.force_login(desk)
    response = upload(client, "email,category\n" + "a@example.org,speaker\n" * 100_000)
    assert "The file is too large: at most 2 MB." in response.content.decode()


def test_a_broken_csv_is_a_form_error(client, desk):
    client.force_login(desk)
    huge_field = "x" * 200_000  # over the csv module's field size limit
    response = upload(client, f"email,category\n{huge_field},speaker\n")
    assert response.status_code == 200
    assert "The file cannot be read as the format chosen" in response.content.decode()
    response = upload(client, b"\xff\xfe\x00bad")
    assert "The file is not UTF-8 text" in response.content.decode()


def test_the_documented_example_list_imports(client, desk, invite_category):
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "invitations.csv"
    client.force_login(desk)
    html = upload(client, example.read_bytes()).content.decode()
    assert "Confirm import" in html, html[html.find("errorlist") :][:500]
