"""Invitation lists: CSV upload, preview with errors, then one personal code per row."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from delegates.models import Invitation
from delegates.roles import ACCREDITATION_DESK
from tests.factories.accounts import StaffFactory

pytestmark = pytest.mark.django_db

IMPORT = "/admin/delegates/invitation/import/"


@pytest.fixture
def desk(roles):
    user = StaffFactory()
    user.groups.add(Group.objects.get(name=ACCREDITATION_DESK))
    return user


def upload(text: str):
    return SimpleUploadedFile("list.csv", text.encode("utf-8-sig"), "text/csv")


def test_preview_then_import_mails_each_code(
    client, desk, invite_category, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(desk)
    csv = (
        "email,name,category,max_uses,expires,language\n"
        "Ana.Silva@example.org,Ana Silva,speaker,1,2021-09-20,en\n"
        "zhang.wei@example.org,张伟,speaker,,,zh-hans\n"
    )
    response = client.post(IMPORT, {"file": upload(csv)})
    html = response.content.decode()
    assert "ana.silva@example.org" in html and "张伟" in html
    assert "Create these invitations" in html
    assert not Invitation.objects.exists()  # preview only
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(IMPORT, {"confirm": "1", "csv": response.context["csv"]})
    assert response.status_code == 302
    invitations = {i.email: i for i in Invitation.objects.all()}
    assert set(invitations) == {"ana.silva@example.org", "zhang.wei@example.org"}
    expires = timezone.localtime(invitations["ana.silva@example.org"].expires_at)
    assert expires.date().isoformat() == "2021-09-20"
    assert all(i.category == invite_category and i.max_uses == 1 for i in invitations.values())
    assert len({i.code for i in invitations.values()}) == 2
    mails = {m.to[0]: m for m in mailoutbox}
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
    )
    response = client.post(IMPORT, {"file": upload(csv)})
    html = response.content.decode()
    for error in [
        "not a valid email address",
        "unknown category",
        "use limit must be a whole number",
        "expiry must be a date",
        "language must be",
    ]:
        assert error in html
    assert "Create these invitations" not in html
    # Forcing the confirm step with the bad list still imports nothing.
    client.post(IMPORT, {"confirm": "1", "csv": csv})
    assert not Invitation.objects.exists()


def test_a_file_without_the_columns_is_a_form_error(client, desk):
    client.force_login(desk)
    response = client.post(IMPORT, {"file": upload("who,what\nx,y\n")})
    assert "needs the columns" in str(response.context["form"].errors["file"])


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


def test_a_file_over_the_size_limit_is_refused(client, desk, monkeypatch):
    from delegates import admin as delegates_admin

    monkeypatch.setattr(delegates_admin, "IMPORT_MAX_BYTES", 10)
    client.force_login(desk)
    response = client.post(IMPORT, {"file": upload("email,category\na@example.org,speaker\n")})
    assert "too large" in str(response.context["form"].errors["file"])


def test_a_broken_csv_is_a_form_error(client, desk):
    client.force_login(desk)
    huge_field = "x" * 200_000  # over the csv module's field size limit
    response = client.post(IMPORT, {"file": upload(f"email,category\n{huge_field},speaker\n")})
    assert response.status_code == 200
    assert "not a readable CSV" in str(response.context["form"].errors["file"])
    response = client.post(
        IMPORT, {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad", "text/csv")}
    )
    assert "UTF-8" in str(response.context["form"].errors["file"])
