"""Documents, fapiao details and everything else in an organization's portal are reachable by
its members and the team only: every portal URL, probed by another organization's member and
by anonymous visitors; and no public page shows them."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from exhibitors import services
from exhibitors.models import Application, Document, FeeLine, Requirement
from tests.factories.accounts import UserFactory
from tests.factories.exhibitors import ApplicationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\nsecret-insurance-policy\n%%EOF\n"
BANK_ACCOUNT = "6222 0202 0000 4242"


def portal_routes() -> list[str]:
    """Every exhibitors route that names an organization (``<str:code>``), as registered."""
    resolver = get_resolver()
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLPattern):
                if "<str:code>" in route:
                    found.append((route, p))
            else:
                walk(p.url_patterns, route)

    walk(resolver.url_patterns)
    return found


@pytest.fixture
def victim(organization, section):
    ApplicationFactory(
        organization=organization, section=section, status=Application.Status.APPROVED
    )
    insurance = Requirement.objects.create(
        name_en="Insurance", kind="upload", due_on=timezone.localdate() + timedelta(days=9)
    )
    services.submit_document(
        organization,
        insurance,
        by=organization.main_contact,
        upload=SimpleUploadedFile("policy.pdf", PDF, content_type="application/pdf"),
    )
    services.save_fapiao(
        organization,
        by=organization.main_contact,
        kind="special",
        company_name="受害者科技有限公司",
        taxpayer_id=organization.credit_code,
        address="北京市海淀区",
        phone="010-1234",
        bank="中国银行",
        account=BANK_ACCOUNT,
    )
    exhibit = services.add_exhibit(
        organization, by=organization.main_contact, name_en="Secret prototype"
    )
    FeeLine.objects.create(organization=organization, label="Booth", quantity=18, unit_price=999)
    staff = UserFactory()
    membership = organization.memberships.create(user=staff, role="staff")
    return {
        "organization": organization,
        "pk": {
            "exhibit": exhibit.pk,
            "document": insurance.pk,
            "document_file": insurance.pk,
            "member_remove": membership.pk,
            "application": organization.applications.get().pk,
        },
    }


def urls_of(victim) -> list[str]:
    organization = victim["organization"]
    urls = []
    for route, pattern in portal_routes():
        pk = victim["pk"].get(
            pattern.name.replace("_edit", "")
            .replace("_submit", "")
            .replace("_withdraw", "")
            .replace("_delete", ""),
            victim["pk"]["application"],
        )
        url = route.replace("<str:code>", organization.code).replace("<int:pk>", str(pk))
        urls.append("/" + re.sub(r"^\^?", "", url))
    return urls


def test_the_sweep_covers_every_portal_page(victim):
    names = {p.name for _route, p in portal_routes()}
    assert {
        "portal_organization",
        "exhibits",
        "exhibit",
        "exhibit_delete",
        "staff",
        "documents",
        "document",
        "document_file",
        "fees",
        "members",
    } <= names
    assert len(urls_of(victim)) == len(names) >= 18


def test_another_organizations_member_gets_404_everywhere(client, victim, other_organization):
    client.force_login(other_organization.main_contact)  # an admin of their own organization
    for url in urls_of(victim):
        for method in (client.get, client.post):
            response = method(url)
            # 405: a read-only page refuses the method before it looks anything up.
            allowed = {404} if method == client.get else {404, 405}
            assert response.status_code in allowed, (method.__name__, url, response.status_code)
    # Nothing was changed by the probes.
    organization = victim["organization"]
    assert organization.exhibits.count() == 1 and organization.memberships.count() == 2
    assert Document.objects.get().status == "submitted"


def test_anonymous_visitors_are_sent_to_log_in(client, victim):
    for url in urls_of(victim):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (url, response.status_code)
            assert "/accounts/login/" in response["Location"] or "login" in response["Location"]
    assert Document.objects.count() == 1


def test_no_public_page_shows_documents_or_fapiao(client, victim):
    organization = victim["organization"]
    organization.has_approved_application = True
    organization.save()
    document = Document.objects.get()
    # Private storage: outside MEDIA_ROOT, no URL of its own.
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / document.file.name).read_bytes() == PDF
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018
    for url in (
        organization.urls.public,
        "/exhibitors/",
        f"/exhibitors/?q={organization.name_en[:12]}",
        "/zh-hans" + organization.urls.public,
    ):
        page = client.get(url).content.decode()
        assert client.get(url).status_code == 200
        for secret in ("policy.pdf", BANK_ACCOUNT, "受害者科技有限公司", "secret-insurance"):
            assert secret not in page, (url, secret)
    assert "Secret prototype" in client.get(organization.urls.public).content.decode()


def test_the_team_reads_the_file_a_stranger_does_not(client, victim, roles):
    from django.contrib.auth.models import Group

    from exhibitors.roles import EXHIBITION_TEAM

    document = Document.objects.get()
    document.organization = victim["organization"]
    team = UserFactory(is_staff=True)
    team.groups.add(Group.objects.get(name=EXHIBITION_TEAM))
    client.force_login(team)
    assert b"".join(client.get(document.urls.file).streaming_content) == PDF
    client.force_login(UserFactory())
    assert client.get(document.urls.file).status_code == 404
