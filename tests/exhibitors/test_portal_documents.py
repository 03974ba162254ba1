"""Required documents, reminders, fees and fapiao, the checklist, exports, and who sees what."""

import io
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from exhibitors import services
from exhibitors.models import Application, Document, Fapiao, FeeLine, Requirement
from exhibitors.roles import EXHIBITION_TEAM
from notifications.models import OutboundMessage
from tests.factories.accounts import UserFactory
from tests.factories.exhibitors import ApplicationFactory
from tests.queries import assert_queries_do_not_grow

S = Application.Status
pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# login (session, user), organization, membership, approved applications, requirements, documents
DOCUMENTS_QUERIES = 7
# … and the organization's checklist: exhibits, staff, allowance, fapiao, fees; applications
PORTAL_WITH_CHECKLIST_QUERIES = 16


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def requirement(**fields) -> Requirement:
    defaults = {
        "name_en": "Insurance certificate",
        "name_zh_hans": "保险证明",
        "kind": Requirement.Kind.UPLOAD,
        "due_on": timezone.localdate() + timedelta(days=20),
    }
    return Requirement.objects.create(**(defaults | fields))


@pytest.fixture
def approved(organization, section):
    return ApplicationFactory(organization=organization, section=section, status=S.APPROVED)


@pytest.fixture
def team(roles):
    user = UserFactory(email="team@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name=EXHIBITION_TEAM))
    return user


def upload(data=PDF, name="insurance.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


# --- Handing in, review, mail ----------------------------------------------------------------


def test_upload_review_and_each_step_mailed(client, approved, team):
    organization = approved.organization
    insurance = requirement()
    client.force_login(organization.main_contact)
    url = f"{organization.urls.documents}{insurance.pk}/"
    assert "Insurance certificate" in text(client.get(organization.urls.documents))
    response = client.post(url, {"upload": upload()})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.status == "submitted" and document.filename == "insurance.pdf"
    assert not document.file.name.endswith("insurance.pdf")  # stored under a random name
    assert client.get(document.urls.file).getvalue() == PDF

    services.review_document(document, accept=False, by=team, comment="盖章不清晰")
    page = text(client.get(url))
    assert "returned for changes" in page and "盖章不清晰" in page
    client.post(url, {"upload": upload(PDF + b"%stamped")})
    document.refresh_from_db()
    assert document.status == "submitted" and document.comment == ""
    services.review_document(document, accept=True, by=team)
    assert "accepted" in text(client.get(organization.urls.documents))
    # Accepted: no form any more, and the service refuses a new file.
    assert 'type="file"' not in client.get(url).content.decode()
    with pytest.raises(services.ExhibitorError):
        services.submit_document(
            organization, insurance, by=organization.main_contact, upload=upload()
        )
    subjects = list(
        OutboundMessage.objects.filter(template_key="exhibitors/document")
        .order_by("pk")
        .values_list("subject", flat=True)
    )
    # The main contact reads Chinese (conftest): received, returned, received, accepted.
    assert subjects == [
        "已收到：保险证明",
        "已退回修改：保险证明",
        "已收到：保险证明",
        "已接受：保险证明",
    ]
    returned = OutboundMessage.objects.filter(subject__startswith="已退回").get()
    assert "盖章不清晰" in returned.body_text


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "insurance.pdf", "Upload a PDF, PNG, JPEG or DWG file"),
        (b"<svg/>", "drawing.svg", "Upload a PDF, PNG, JPEG or DWG file"),
        (PDF + b"\0" * (10 * 1024 * 1024), "big.pdf", "The file is too large: at most 10 MB."),
    ],
)
def test_upload_limits(client, approved, data, name, message):
    organization = approved.organization
    insurance = requirement()
    client.force_login(organization.main_contact)
    response = client.post(
        f"{organization.urls.documents}{insurance.pk}/", {"upload": upload(data, name)}
    )
    assert response.status_code == 200 and message in text(response)
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("fascia", "ok"),
    [
        ("中关村智源科技有限公司", True),  # 11
        ("中关村智源人工智能研究院", True),  # 12
        ("中关村智源人工智能研究院所", False),  # 13
        ("ZHIYUAN ROBOTICS LIMITED", True),  # 24 with spaces
        ("ZHIYUAN ROBOTICS LIMITED!", False),  # 25
        ("智源 AI Robot", True),  # 2 + 10 halves = 7
    ],
)
def test_the_fascia_board_rule(client, approved, fascia, ok):
    organization = approved.organization
    fascia_req = requirement(
        name_en="Fascia board text", name_zh_hans="楣板文字", kind="fascia", booth_type="standard"
    )
    client.force_login(organization.main_contact)
    response = client.post(f"{organization.urls.documents}{fascia_req.pk}/", {"text": fascia})
    assert (response.status_code == 302) is ok
    if not ok:
        assert "at most 12 Chinese characters or 24 Latin letters" in text(response)


def test_requirements_apply_by_section_and_booth_type(client, approved, section):
    organization = approved.organization  # standard booth in ``section``
    requirement(name_en="Everyone's")
    requirement(name_en="Raw space drawings", booth_type="raw")
    requirement(name_en="This section's", section=section)
    other = ApplicationFactory(status=S.APPROVED).section
    elsewhere = requirement(name_en="Another section's", section=other)
    client.force_login(organization.main_contact)
    page = text(client.get(organization.urls.documents))
    assert "Everyone" in page and "This section" in page
    assert "Raw space drawings" not in page and "Another section" not in page
    assert client.get(f"{organization.urls.documents}{elsewhere.pk}/").status_code == 404
    assert client.get(f"{organization.urls.documents}999999/").status_code == 404


def test_documents_page_queries(client, approved):
    organization = approved.organization

    def requirements(n):
        for i in range(n):
            r = requirement(name_en=f"Form {i} {timezone.now().timestamp()}")
            Document.objects.create(requirement=r, organization=organization, text="x")

    client.force_login(organization.main_contact)
    first, second = assert_queries_do_not_grow(
        lambda: client.get(organization.urls.documents).content.decode(),
        requirements,
        budget=DOCUMENTS_QUERIES,
    )
    assert first.count("waiting for review") == 2 and second.count("waiting for review") == 6


# --- Reminders --------------------------------------------------------------------------------


def test_reminders_once_each_and_rearmed_by_a_new_due_date(approved):
    organization = approved.organization
    today = date(2026, 12, 5)
    soon = requirement(due_on=today + timedelta(days=7))
    late = requirement(
        name_en="Safety letter", name_zh_hans="安全责任书", due_on=today - timedelta(1)
    )
    requirement(name_en="Later", due_on=today + timedelta(days=30))  # not yet
    handed_in = requirement(name_en="Handed in", due_on=today)
    Document.objects.create(requirement=handed_in, organization=organization, text="ok")

    assert services.send_document_reminders(today) == 2
    assert services.send_document_reminders(today) == 0  # run twice: nothing new
    subjects = sorted(
        OutboundMessage.objects.filter(template_key="exhibitors/document_reminder").values_list(
            "subject", flat=True
        )
    )
    assert subjects == ["已逾期：安全责任书", "还有7天截止：保险证明"]

    # The next day ``soon`` is 6 days away: still the same stage, nothing new.
    assert services.send_document_reminders(today + timedelta(days=1)) == 0
    # A new due date arms it again; an overdue one moves to the overdue stage once.
    soon.due_on = today + timedelta(days=3)
    soon.save()
    assert services.send_document_reminders(today) == 1
    assert services.send_document_reminders(today + timedelta(days=4)) == 1  # soon is overdue
    assert services.send_document_reminders(today + timedelta(days=4)) == 0
    late.due_on = today + timedelta(days=20)
    late.save()
    assert services.send_document_reminders(today) == 0  # not due within 7 days any more
    assert OutboundMessage.objects.filter(template_key="exhibitors/document_reminder").count() == 4


def test_the_beat_runs_the_reminders(settings):
    assert (
        settings.CELERY_BEAT_SCHEDULE["exhibitors-send-document-reminders"]["task"]
        == "exhibitors.send_document_reminders"
    )
    from exhibitors.tasks import send_document_reminders

    assert send_document_reminders() == 0


# --- Fees and fapiao ---------------------------------------------------------------------------


def test_fees_and_fapiao(client, approved, other_organization):
    organization = approved.organization
    FeeLine.objects.create(
        organization=organization, label="Standard booth", quantity=18, unit_price=1200
    )
    FeeLine.objects.create(
        organization=organization,
        label="Corner surcharge",
        basis="surcharge",
        quantity=1,
        unit_price=2160,
        payment="paid",
        invoice_number="24112000000012345678",
    )
    client.force_login(organization.main_contact)
    page = text(client.get(organization.urls.fees))
    assert "21600.00" in page and "23760.00" in page and "24112000000012345678" in page
    bad = client.post(
        organization.urls.fees,
        {"kind": "special", "company_name": "智源", "taxpayer_id": "123", "address": ""},
    )
    assert "A unified social credit code has 18 characters." in text(bad)
    missing = client.post(
        organization.urls.fees,
        {"kind": "special", "company_name": "智源", "taxpayer_id": organization.credit_code},
    )
    assert "A special VAT invoice needs the address, phone, bank and account." in text(missing)
    saved = client.post(
        organization.urls.fees,
        {
            "kind": "special",
            "company_name": "北京智源科技有限公司",
            "taxpayer_id": organization.credit_code.lower(),
            "address": "北京市海淀区中关村大街1号",
            "phone": "010-62345678",
            "bank": "中国银行北京中关村支行",
            "account": "3401 2345 6789",
        },
    )
    assert saved.status_code == 302
    assert Fapiao.objects.get().taxpayer_id == organization.credit_code
    # A staff member sees the fees but cannot change the fapiao details.
    member = UserFactory()
    organization.memberships.create(user=member, role="staff")
    client.force_login(member)
    assert "北京智源科技有限公司" in text(client.get(organization.urls.fees))
    assert client.post(organization.urls.fees, {"kind": "general"}).status_code == 404


# --- The checklist ------------------------------------------------------------------------------


def test_the_checklist_turns_green(client, approved, team):
    organization = approved.organization
    insurance = requirement()
    client.force_login(organization.main_contact)
    page = text(client.get(organization.urls.portal))
    assert "Before opening day" in page and page.count("checklist-open") == 4
    services.add_exhibit(organization, by=team, name_en="Robot", field="ai", maturity="pilot")
    member = UserFactory()
    organization.memberships.create(user=member, role="staff")
    document = services.submit_document(
        organization, insurance, by=organization.main_contact, upload=upload()
    )
    services.review_document(document, accept=True, by=team)
    services.save_fapiao(
        organization,
        by=organization.main_contact,
        kind="general",
        company_name="智源",
        taxpayer_id=organization.credit_code,
        address="",
        phone="",
        bank="",
        account="",
    )
    page = text(client.get(organization.urls.portal))
    assert page.count("checklist-done") == 4 and "checklist-open" not in page


def test_portal_page_with_the_checklist_queries(client, approved):
    organization = approved.organization

    def requirements(n):
        for _i in range(n):
            requirement()

    client.force_login(organization.main_contact)
    first, second = assert_queries_do_not_grow(
        lambda: client.get(organization.urls.portal).content.decode(),
        requirements,
        budget=PORTAL_WITH_CHECKLIST_QUERIES,
    )
    assert first.count("Insurance certificate") == 2 and second.count("Insurance certificate") == 6


# --- The team's export ---------------------------------------------------------------------------


def test_team_export_csv_and_xlsx(client, approved, team, other_organization):
    organization = approved.organization
    requirement()
    FeeLine.objects.create(organization=organization, label="Booth", quantity=18, unit_price=1000)
    client.force_login(team)
    csv = client.get(reverse("exhibitors:team_export", kwargs={"fmt": "csv"}))
    assert csv.status_code == 200
    body = csv.content.decode("utf-8-sig")
    assert organization.name_en in body and "0/1" in body and "18000.00" in body
    assert other_organization.name_en not in body  # not approved
    xlsx = client.get(reverse("exhibitors:team_export", kwargs={"fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "exhibitor" and rows[1][0] == organization.name_en
    assert client.get("/exhibitors/team/export.exe").status_code == 404
    client.force_login(organization.main_contact)  # an exhibitor is not the team
    assert client.get(reverse("exhibitors:team_export", kwargs={"fmt": "csv"})).status_code == 404


def test_the_admin_index_shows_documents_to_review_and_the_exports(client, approved, team):
    organization = approved.organization
    insurance = requirement()
    services.submit_document(organization, insurance, by=organization.main_contact, upload=upload())
    client.force_login(team)
    page = text(client.get("/admin/"))
    assert "Documents to review</a></th><td>1</td>" in page
    assert "/exhibitors/team/export.xlsx" in page
    client.force_login(organization.main_contact)  # not staff: no admin at all
    assert client.get("/admin/").status_code == 302
