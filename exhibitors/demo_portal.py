"""The demo's exhibitor portal after approval: exhibits, stand staff, required documents in
every state (submitted, accepted, returned, overdue), fee lines paid and unpaid, fapiao details.

Deterministic for a mode and anchor (names, dates and file names come from the organization,
never from the clock or a token) and idempotent (rows keyed on what makes them unique)."""

import hashlib
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile

from core.demo import DEMO_DOMAIN, TZ, chinese_name
from core.storage import private_storage

from .models import (
    Application,
    Booth,
    Document,
    Exhibit,
    Fapiao,
    FeeLine,
    Invitation,
    Membership,
    Organization,
    Requirement,
)

# (kind, English, Chinese, booth type, due in 2021, description en, description zh)
REQUIREMENTS = [
    (
        "fascia",
        "Fascia board text",
        "楣板文字",
        "standard",
        date(2021, 9, 1),
        "The name on your shell booth's fascia board: at most 12 Chinese characters or 24 Latin "
        "letters.",
        "标准展位楣板上的单位名称：最多12个汉字或24个拉丁字母。",
    ),
    (
        "upload",
        "Insurance certificate",
        "保险证明",
        "",
        date(2021, 9, 10),
        "Public liability insurance covering move-in, the exhibition days and move-out (PDF).",
        "涵盖布展、展期及撤展期间的公众责任险保单（PDF）。",
    ),
    (
        "upload",
        "Construction drawings",
        "特装施工图纸",
        "raw",
        date(2021, 9, 10),
        "Plans, elevations and electrical drawings of the stand built on raw space (PDF or DWG).",
        "光地特装展位的平面图、立面图及电路图（PDF或DWG）。",
    ),
    (
        "upload",
        "Safety responsibility letter",
        "安全责任书",
        "",
        date(2021, 9, 17),
        "The signed and stamped safety responsibility letter of the exhibition.",
        "签字盖章的展会安全责任书。",
    ),
]

# Exhibit names by field: (English, Chinese, description en, description zh).
EXHIBITS = {
    "ai": [
        (
            "Service robot",
            "服务机器人",
            "Guides visitors and delivers without contact.",
            "为访客导览并提供无接触配送。",
        ),
        (
            "Large language model platform",
            "大模型开放平台",
            "Chinese and English understanding for industry.",
            "面向行业的中英文理解与生成。",
        ),
    ],
    "ic": [
        (
            "RISC-V processor",
            "RISC-V处理器",
            "An open instruction set chip for edge devices.",
            "面向边缘设备的开源指令集芯片。",
        ),
    ],
    "quantum": [
        (
            "Quantum key distribution terminal",
            "量子密钥分发终端",
            "Secure links over metropolitan fibre.",
            "基于城域光纤的安全通信。",
        ),
    ],
    "biomedicine": [
        ("Rapid antigen test", "抗原快速检测试剂", "Results in fifteen minutes.", "15分钟出结果。"),
        (
            "Surgical navigation system",
            "手术导航系统",
            "Image-guided orthopaedic surgery.",
            "影像引导的骨科手术。",
        ),
    ],
    "energy": [
        (
            "Hydrogen fuel cell stack",
            "氢燃料电池电堆",
            "For buses and heavy trucks.",
            "适用于公交车和重型卡车。",
        ),
        (
            "Carbon capture membrane",
            "碳捕集膜",
            "Captures CO₂ from flue gas.",
            "从烟气中捕集二氧化碳。",
        ),
    ],
    "digital": [
        (
            "Digital twin of a city block",
            "城市街区数字孪生",
            "Traffic and energy in real time.",
            "实时呈现交通与能源。",
        ),
    ],
    "winter-sports": [
        (
            "Snow-making robot",
            "造雪机器人",
            "Snow for the Winter Olympics venues.",
            "为冬奥场馆造雪。",
        ),
        (
            "Smart ski goggles",
            "智能滑雪镜",
            "Speed and route shown in the lens.",
            "镜片内显示速度与路线。",
        ),
    ],
    "manufacturing": [
        (
            "Collaborative robot arm",
            "协作机械臂",
            "Works beside people on the line.",
            "在产线上与人协同作业。",
        ),
    ],
    "other": [
        (
            "Science education kit",
            "科普教育套件",
            "Hands-on experiments for schools.",
            "面向学校的动手实验。",
        ),
    ],
}
MATURITIES = ["research", "prototype", "pilot", "market"]
PREMIERES = ["", "", "china", "world"]
PRICE_PER_M2 = {"standard": Decimal("1200"), "raw": Decimal("1000")}
CORNER_SURCHARGE = Decimal("0.10")
BOOTH_LABELS = {"standard": "标准展位 / Standard booth", "raw": "光地 / Raw space"}

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _hex(text: str, n: int = 16) -> str:
    return hashlib.sha256(f"zgc-demo-portal:{text}".encode()).hexdigest()[:n]


def seed_portal(ctx, organization_ids: list[int]) -> None:
    requirements = _requirements(ctx)
    approved = list(
        Application.objects.approved()
        .filter(organization_id__in=organization_ids)
        .select_related("organization", "section")
        .order_by("organization__name_en", "organization__slug", "pk")
    )
    by_org: dict[int, list[Application]] = {}
    for application in approved:
        by_org.setdefault(application.organization_id, []).append(application)
    organizations = Organization.objects.select_related("main_contact").in_bulk(list(by_org))
    # The first demo exhibitor (exhibitor00001) is the portal's showcase: every state at once.
    order = sorted(by_org, key=lambda pk: (organizations[pk].main_contact.email, pk))
    exhibits = staff = documents = fees = 0
    for n, organization_id in enumerate(order):
        organization = organizations[organization_id]
        applications = by_org[organization_id]
        exhibits += _exhibits(ctx, organization, applications[0], n)
        if n < 40 * ctx.scale:
            staff += _staff(ctx, organization, n)
        documents += _documents(ctx, organization, applications, requirements, n)
        fees += _fees(ctx, organization, applications, n)
    ctx.count("stand staff", staff)
    # Exhibits, documents and fee lines follow approvals, booth types and stands, which do not
    # scale exactly: said, not counted (the scale test multiplies every count).
    ctx.say(f"Exhibitor portal: {exhibits} exhibits, {documents} documents, {fees} fee lines.")


def _requirements(ctx) -> list[Requirement]:
    rows = []
    for position, (kind, en, zh, booth_type, due, desc_en, desc_zh) in enumerate(REQUIREMENTS):
        requirement, _created = Requirement.objects.update_or_create(
            name_en=en,
            defaults={
                "name_zh_hans": zh,
                "description_en": desc_en,
                "description_zh_hans": desc_zh,
                "kind": kind,
                "booth_type": booth_type,
                "section": None,
                "due_on": ctx.on(due),
                "position": position,
            },
        )
        rows.append(requirement)
    return rows


def _exhibits(ctx, organization, application, n: int) -> int:
    choices = EXHIBITS.get(application.exhibit_field, EXHIBITS["other"])
    if organization.exhibits.exists():
        return 2  # seeded before: counted as made, so that the count is the demo's
    made = 0
    for i, (en, zh, desc_en, desc_zh) in enumerate(choices[:2]):  # two each: scales exactly
        Exhibit.objects.create(
            organization=organization,
            name_en=en,
            name_zh_hans=zh,
            description_en=desc_en,
            description_zh_hans=desc_zh,
            field=application.exhibit_field,
            maturity=MATURITIES[(n + i) % len(MATURITIES)],
            first_release=PREMIERES[(n + i) % len(PREMIERES)],
            position=i + 1,
            created_at=ctx.epoch + timedelta(days=100, minutes=n),
        )
        made += 1
    return made


def _staff(ctx, organization, n: int) -> int:
    """One stand staff member for the first exhibitors, and an open invitation for every fourth."""
    from accounts.models import User

    rng = ctx.rng(f"portal-staff-{organization.slug}")
    latin, zh = chinese_name(rng)
    email = f"staff{n + 1:05d}@{DEMO_DOMAIN}"
    user, _created = User.objects.get_or_create(
        email=email,
        defaults={
            "password": ctx.password_hash,
            "name": latin,
            "name_zh": zh,
            "language": "zh-hans",
            "email_verified_at": ctx.epoch,
            "date_joined": ctx.epoch,
        },
    )
    Membership.objects.get_or_create(
        organization=organization,
        user=user,
        defaults={"role": Membership.Role.STAFF, "joined_at": ctx.epoch + timedelta(days=110)},
    )
    if n % 4 == 0:
        Invitation.objects.get_or_create(
            organization=organization,
            email=f"invited{n + 1:05d}@{DEMO_DOMAIN}",
            defaults={
                "role": Membership.Role.STAFF,
                "language": "zh-hans",
                "token": _hex(f"invitation-{organization.slug}", 16),
                "invited_by": organization.main_contact,
                "created_at": ctx.epoch + timedelta(days=112),
            },
        )
    return 1


# Document states in turn: most exhibitors hand in some; a few are late (nothing handed in).
STATES = ["accepted", "submitted", "returned", "accepted", None]


def _documents(ctx, organization, applications, requirements, n: int) -> int:
    made = 0
    for i, requirement in enumerate(requirements):
        if not any(requirement.applies_to(a) for a in applications):
            continue
        state = STATES[(n + i) % len(STATES)]
        if n == 0 and requirement.kind == Requirement.Kind.FASCIA:
            state = None  # the showcase exhibitor still has its fascia text to give
        if state is None:
            continue
        if Document.objects.filter(requirement=requirement, organization=organization).exists():
            continue
        document = Document(
            requirement=requirement,
            organization=organization,
            status=state,
            submitted_by=organization.main_contact,
            submitted_at=ctx.at(datetime(2021, 8, 20, 10, 0, tzinfo=TZ)) + timedelta(minutes=n),
        )
        if requirement.kind == Requirement.Kind.UPLOAD:
            key = f"{organization.slug}-{requirement.name_en}"
            name = f"exhibitors/documents/demo-{_hex(key)}.pdf"
            storage = private_storage()
            if not storage.exists(name):
                storage.save(name, ContentFile(PDF))
            document.file.name = name
            document.filename = f"{requirement.name_en.lower().replace(' ', '-')}.pdf"
            document.content_type = "application/pdf"
            document.size = len(PDF)
        else:
            document.text = (organization.name_zh_hans or organization.name_en)[:12]
        if state != "submitted":
            document.reviewed_at = document.submitted_at + timedelta(days=2)
        if state == "returned":
            document.comment = "盖章不清晰，请重新上传清晰的扫描件。"
        document.save()
        made += 1
    return made


def _fees(ctx, organization, applications, n: int) -> int:
    if organization.fee_lines.exists():
        return 0
    booths = (
        Booth.objects.filter(application__in=applications)
        .select_related("hall")
        .order_by("hall__position", "code")
    )
    paid = n % 3 != 1
    made = 0
    for booth in booths:
        area = Decimal(booth.area_m2)
        price = PRICE_PER_M2[booth.booth_type]
        lines = [
            (BOOTH_LABELS[booth.booth_type], FeeLine.Basis.PER_M2, area, price),
        ]
        if booth.open_sides == Booth.OpenSides.CORNER:
            lines.append(
                (
                    "Corner surcharge",
                    FeeLine.Basis.SURCHARGE,
                    Decimal(1),
                    area * price * CORNER_SURCHARGE,
                )
            )
        for label, basis, quantity, unit_price in lines:
            FeeLine.objects.create(
                organization=organization,
                booth=booth,
                label=label,
                basis=basis,
                quantity=quantity,
                unit_price=unit_price,
                payment=FeeLine.Payment.PAID if paid else FeeLine.Payment.UNPAID,
                invoice_number=f"2111{int(_hex(f'fapiao-{booth.hall.slug}-{booth.code}-{label}', 12), 16) % 10**16:016d}"
                if paid
                else "",
                paid_on=ctx.on(date(2021, 9, 6)) if paid else None,
            )
            made += 1
    if paid and organization.credit_code:
        Fapiao.objects.update_or_create(
            organization=organization,
            defaults={
                "kind": Fapiao.Kind.SPECIAL if n % 2 else Fapiao.Kind.GENERAL,
                "company_name": organization.name_zh_hans or organization.name_en,
                "taxpayer_id": organization.credit_code,
                "address": "北京市海淀区中关村大街1号",
                "phone": f"010-6{n % 10000:04d}888",
                "bank": "中国银行北京中关村支行",
                "account": f"3401{n:08d}",
                "updated_at": ctx.epoch + timedelta(days=96),
            },
        )
    return made
