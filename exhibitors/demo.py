"""Demo exhibition: the four theme sections of 2021, the general section and 576 exhibitors."""

import base64
import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.utils.text import slugify

from accounts.demo import upsert_user
from core import monograms

from .models import (
    Application,
    ApplicationEvent,
    Booth,
    BoothAssignment,
    ExhibitionSection,
    Hall,
    Membership,
    Organization,
)
from .roles import EXHIBITION_TEAM
from .services import APPLICATION_FIELDS, refresh_listing
from .validators import CREDIT_CODE_ALPHABET, credit_code_check_character

TZ = ZoneInfo("Asia/Shanghai")

SECTIONS = [
    (
        "winter-olympics",
        "Technology for the Winter Olympics",
        "科技冬奥展区",
        True,
        6000,
        "Technology for the Beijing 2022 Winter Olympics.",
        "服务北京2022年冬奥会的科技成果。",
    ),
    (
        "medical-healthcare",
        "Medical and healthcare",
        "医药健康展区",
        True,
        6000,
        "Biomedicine, medical devices and public health.",
        "生物医药、医疗器械与公共卫生。",
    ),
    (
        "carbon-neutrality",
        "Carbon neutrality",
        "碳中和展区",
        True,
        6000,
        "Clean energy, energy saving and sustainable development.",
        "清洁能源、节能与可持续发展。",
    ),
    (
        "regional-achievements",
        "S&T achievements of China's regions",
        "区域科技创新成果展区",
        True,
        6000,
        "Science and technology achievements of different regions of China.",
        "全国各地区的科技创新成果。",
    ),
    (
        "general",
        "General section",
        "综合展区",
        False,
        4000,
        "Artificial intelligence, integrated circuits, quantum information and more.",
        "人工智能、集成电路、量子信息等。",
    ),
]


# Logo colours of the sections, as on the floor plan's signage.
SECTION_COLOURS = {
    "winter-olympics": "#1d5fa8",
    "medical-healthcare": "#0b7a5c",
    "carbon-neutrality": "#3d7a1f",
    "regional-achievements": "#a8451d",
    "general": "#5a3d8c",
}


def seed(ctx) -> None:
    for position, (slug, en, zh, is_theme, area, desc_en, desc_zh) in enumerate(SECTIONS):
        ExhibitionSection.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": en,
                "name_zh_hans": zh,
                "description_en": desc_en,
                "description_zh_hans": desc_zh,
                "is_theme": is_theme,
                "position": position,
                "capacity_m2": area * ctx.scale,
                "applications_open_at": ctx.at(datetime(2021, 5, 1, 9, 0, tzinfo=TZ)),
                # As held, applications closed on Aug 31; a live demo keeps them open until
                # three days before the forum, so that a newcomer can apply.
                "applications_close_at": ctx.at(
                    datetime(2021, 8, 31, 18, 0, tzinfo=TZ)
                    if ctx.as_held
                    else datetime(2021, 9, 21, 18, 0, tzinfo=TZ)
                ),
                "documents_due_on": ctx.on(date(2021, 9, 10)),
                "staff_due_on": ctx.on(date(2021, 9, 17)),
            },
        )
    # The exhibition team's login: exhibitors, applications, halls and booths in the admin.
    team = upsert_user(
        ctx,
        "exhibition@zgcforum.example",
        name="Exhibition Team",
        name_zh="展览部",
        language="zh-hans",
        is_staff=True,
    )
    team.groups.set([Group.objects.get(name=EXHIBITION_TEAM)])
    organization_ids = seed_organizations(ctx)
    seed_floor(ctx, organization_ids)
    from .demo_portal import seed_portal

    seed_portal(ctx, organization_ids)


# --- Exhibiting organizations ---------------------------------------------------------------

# (English, Chinese) parts of Chinese company names: city, brand, line of business.
CITIES = [
    ("Beijing", "北京", "110108"),
    ("Shanghai", "上海", "310115"),
    ("Shenzhen", "深圳", "440300"),
    ("Hangzhou", "杭州", "330106"),
    ("Tianjin", "天津", "120116"),
    ("Hefei", "合肥", "340100"),
    ("Wuhan", "武汉", "420100"),
    ("Chengdu", "成都", "510100"),
    ("Xi'an", "西安", "610100"),
    ("Nanjing", "南京", "320100"),
    ("Suzhou", "苏州", "320500"),
    ("Guangzhou", "广州", "440100"),
    ("Changsha", "长沙", "430100"),
    ("Jinan", "济南", "370100"),
    ("Shenyang", "沈阳", "210100"),
    ("Chongqing", "重庆", "500000"),
    ("Xiamen", "厦门", "350200"),
    ("Qingdao", "青岛", "370200"),
    ("Harbin", "哈尔滨", "230100"),
    ("Zhangjiakou", "张家口", "130700"),
]
BRANDS = [
    ("Zhiyuan", "智源"),
    ("Huachuang", "华创"),
    ("Zhongke", "中科"),
    ("Yunzhi", "云智"),
    ("Tianrui", "天瑞"),
    ("Bo'ao", "博奥"),
    ("Xinghe", "星河"),
    ("Qingneng", "清能"),
    ("Lingyun", "凌云"),
    ("Weixin", "微芯"),
    ("Jiuzhou", "九州"),
    ("Hengxin", "恒信"),
    ("Haiguang", "海光"),
    ("Lingxi", "灵犀"),
    ("Jiguang", "极光"),
    ("Yuanjing", "远景"),
    ("Ruikang", "瑞康"),
    ("Ruisi", "睿思"),
    ("Xinyuan", "新源"),
    ("Langrun", "朗润"),
    ("Qiming", "启明"),
    ("Taihe", "泰和"),
    ("Huaqing", "华清"),
    ("Antai", "安泰"),
    ("Shenlan", "深蓝"),
    ("Yifei", "翼飞"),
    ("Jinshi", "金石"),
    ("Hongtu", "宏图"),
    ("Zhonghe", "众合"),
    ("Dingxin", "鼎新"),
    ("Xuebao", "雪豹"),
    ("Bingfeng", "冰峰"),
]
# (English, Chinese, exhibit field) lines of business per section.
BUSINESSES = {
    "winter-olympics": [
        ("Ice and Snow Equipment", "冰雪装备", "winter-sports"),
        ("Intelligent Equipment", "智能装备", "manufacturing"),
        ("Sports Technology", "体育科技", "winter-sports"),
        ("Information Technology", "信息技术", "ai"),
    ],
    "medical-healthcare": [
        ("Biopharmaceutical", "生物医药", "biomedicine"),
        ("Medical Devices", "医疗器械", "biomedicine"),
        ("Gene Technology", "基因科技", "biomedicine"),
        ("Health Data", "健康数据", "digital"),
    ],
    "carbon-neutrality": [
        ("New Energy", "新能源", "energy"),
        ("Environmental Technology", "环保科技", "energy"),
        ("Hydrogen Energy", "氢能", "energy"),
        ("Energy Storage", "储能科技", "energy"),
    ],
    "regional-achievements": [
        ("Technology", "科技", "other"),
        ("Intelligent Manufacturing", "智能制造", "manufacturing"),
        ("Data Technology", "数据科技", "digital"),
        ("New Materials", "新材料", "manufacturing"),
    ],
    "general": [
        ("Semiconductor", "半导体", "ic"),
        ("Quantum Technology", "量子科技", "quantum"),
        ("Robotics", "机器人", "ai"),
        ("Artificial Intelligence", "人工智能", "ai"),
    ],
}
COMPANY_FORMS = [("Co., Ltd.", "有限公司"), ("Corporation", "股份有限公司")]
# Foreign exhibitors: (country, legal form, register number prefix).
FOREIGN = [
    ("DE", "GmbH", "有限公司", "HRB "),
    ("US", "Inc.", "公司", "EIN "),
    ("GB", "Ltd.", "有限公司", "CRN "),
    ("JP", "K.K.", "株式会社", "法人番号 "),
    ("FR", "SAS", "公司", "SIREN "),
    ("SE", "AB", "公司", "Org.nr "),
    ("CH", "AG", "股份公司", "CHE-"),
    ("SG", "Pte. Ltd.", "私人有限公司", "UEN "),
    ("IL", "Ltd.", "有限公司", "CN "),
    ("FI", "Oy", "公司", "Y-tunnus "),
]
FOREIGN_BRANDS = [
    ("Nordic", "北欧"),
    ("Alpine", "阿尔卑斯"),
    ("Pacific", "太平洋"),
    ("Atlas", "阿特拉斯"),
    ("Helix", "赫利克斯"),
    ("Aurora", "奥罗拉"),
    ("Vertex", "维泰克斯"),
    ("Orion", "猎户座"),
    ("Lumen", "卢门"),
    ("Meridian", "子午线"),
]
# Exhibitors per section at scale 1, each listed with an approved application: 576 in all, as in
# 2021. Applications still in review, refused, withdrawn or left as drafts come on top (EXTRA).
SECTION_SHARES = {
    "winter-olympics": 118,
    "medical-healthcare": 132,
    "carbon-neutrality": 120,
    "regional-achievements": 110,
    "general": 96,
}
EXTRA = 6  # one applicant in six per section is not (yet) an exhibitor
STATUS_WEIGHTS = [
    (Application.Status.SUBMITTED, 4),
    (Application.Status.WAITLISTED, 3),
    (Application.Status.REJECTED, 3),
    (Application.Status.WITHDRAWN, 3),
    (Application.Status.DRAFT, 3),
]
PREFERENCES = [p for p, _label in Application.Preference.choices]
REJECTION = "展品与本展区主题不符。 / The exhibits do not match the section's theme."


def _digest(text: str) -> str:
    return hashlib.sha256(f"zgc-demo:{text}".encode()).hexdigest()


def _code(slug: str) -> str:
    """Portal code from the slug: the same organization keeps it at any --scale."""
    return base64.urlsafe_b64encode(bytes.fromhex(_digest(slug))).decode()[:12]


def _company(rng, section_slug: str, index: int, foreign: bool) -> dict:
    en_biz, zh_biz, field = rng.choice(BUSINESSES[section_slug])
    if foreign:
        country, form_en, form_zh, prefix = rng.choice(FOREIGN)
        brand_en, brand_zh = rng.choice(FOREIGN_BRANDS)
        return {
            "name_en": f"{brand_en} {en_biz} {form_en}",
            "name_zh_hans": f"{brand_zh}{zh_biz}{form_zh}",
            "country": country,
            "credit_code": "",
            "registration_number": f"{prefix}{100000 + index * 7919 % 900000}",
            "field": field,
            "biz": (en_biz, zh_biz),
            "city": None,
            "initials": f"{brand_en[0]}{en_biz[0]}",
        }
    city_en, city_zh, region = rng.choice(CITIES)
    brand_en, brand_zh = rng.choice(BRANDS)
    form_en, form_zh = rng.choice(COMPANY_FORMS)
    # Index plus a name hash: a different company at the same index (another --scale) gets
    # another code, so re-seeding at a new scale does not trip the unique constraint.
    h = int(_digest(city_en + brand_en + en_biz + form_en)[:8], 16)
    tail = "".join(CREDIT_CODE_ALPHABET[(h // 31**i) % 31] for i in range(3))
    serial = f"{index:06d}{tail}"
    first17 = f"91{region}{serial}"
    return {
        "name_en": f"{city_en} {brand_en} {en_biz} {form_en}",
        "name_zh_hans": f"{city_zh}{brand_zh}{zh_biz}{form_zh}",
        "country": "CN",
        "credit_code": first17 + credit_code_check_character(first17),
        "registration_number": "",
        "field": field,
        "biz": (en_biz, zh_biz),
        "city": (city_en, city_zh),
        "initials": brand_zh,
    }


def seed_organizations(ctx) -> list[int]:
    from accounts.models import User
    from core.demo import ADMIN_EMAIL, DEMO_DOMAIN, chinese_name, international_name

    rng = ctx.rng("exhibitors")
    organizer = User.objects.get(email=ADMIN_EMAIL)
    sections = {s.slug: s for s in ExhibitionSection.objects.all()}
    users, organizations, plans = [], [], []
    seen_names: set[str] = set()
    index = 0
    for slug, share in SECTION_SHARES.items():
        for n in range((share + share // EXTRA) * ctx.scale):
            index += 1
            exhibitor = n < share * ctx.scale
            foreign = rng.random() < 0.12
            company = _company(rng, slug, index, foreign)
            while company["name_en"] in seen_names or company["name_zh_hans"] in seen_names:
                company = _company(rng, slug, index, foreign)
            seen_names.update({company["name_en"], company["name_zh_hans"]})
            if foreign:
                name, _country = international_name(rng)
                person = {"name": name, "name_zh": "", "language": "en"}
            else:
                latin, zh = chinese_name(rng)
                person = {"name": latin, "name_zh": zh, "language": "zh-hans"}
            email = f"exhibitor{index:05d}@{DEMO_DOMAIN}"
            users.append(
                User(
                    email=email,
                    password=ctx.password_hash,
                    email_verified_at=ctx.epoch,
                    date_joined=ctx.epoch,
                    **person,
                )
            )
            en_biz, zh_biz = company["biz"]
            where_en = f" from {company['city'][0]}" if company["city"] else ""
            where_zh = company["city"][1] if company["city"] else ""
            org_slug = f"{slugify(company['name_en'])[:60]}-{index}"
            organizations.append(
                Organization(
                    code=_code(org_slug),
                    slug=org_slug,
                    name_en=company["name_en"],
                    name_zh_hans=company["name_zh_hans"],
                    country=company["country"],
                    website=f"https://www.{slugify(company['name_en'])[:40]}.example",
                    credit_code=company["credit_code"],
                    registration_number=company["registration_number"],
                    description_en=(
                        f"A {en_biz.lower()} company{where_en}, showing its latest products "
                        f"and research results at the Zhongguancun Forum."
                    ),
                    description_zh_hans=(
                        f"一家{where_zh}{zh_biz}企业，在中关村论坛展示最新产品与科研成果。"
                    ),
                    is_published=exhibitor or rng.random() < 0.9,
                    logo=monograms.stored(
                        "exhibitors/logos", company["initials"], SECTION_COLOURS[slug]
                    ),
                    created_at=ctx.epoch + timedelta(hours=index % 500),
                )
            )
            status = (
                Application.Status.APPROVED
                if exhibitor
                else rng.choices(
                    [s for s, _w in STATUS_WEIGHTS], weights=[w for _s, w in STATUS_WEIGHTS]
                )[0]
            )
            raw = rng.random() < 0.2
            area = rng.choice([36, 48, 54, 72, 96]) if raw else 9 * rng.choice([1, 1, 2, 2, 3, 4])
            prefs = rng.sample(PREFERENCES, rng.randint(0, 3))
            plans.append(
                {
                    "email": email,
                    "slug": organizations[-1].slug,
                    "section": sections[slug],
                    "status": status,
                    "booth_type": "raw" if raw else "standard",
                    "area_m2": area,
                    "prefs": prefs + [""] * (3 - len(prefs)),
                    "field": company["field"],
                    "exhibits": f"{company['name_zh_hans']}：{zh_biz}新产品展示。 / "
                    f"New {en_biz.lower()} products of {company['name_en']}.",
                    "day": index % 90,
                }
            )
    User.objects.bulk_create(
        users,
        update_conflicts=True,
        unique_fields=["email"],
        update_fields=[
            "name",
            "name_zh",
            "language",
            "password",
            "email_verified_at",
            "date_joined",
        ],
    )
    user_ids = dict(
        User.objects.filter(email__in=[u.email for u in users]).values_list("email", "pk")
    )
    for organization, plan in zip(organizations, plans, strict=True):
        organization.main_contact_id = user_ids[plan["email"]]
    Organization.objects.bulk_create(
        organizations,
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=[
            "name",
            "name_en",
            "name_zh_hans",
            "country",
            "website",
            "credit_code",
            "registration_number",
            "description",
            "description_en",
            "description_zh_hans",
            "is_published",
            "logo",
            "created_at",
            "main_contact",
        ],
    )
    org_ids = dict(
        Organization.objects.filter(slug__in=[o.slug for o in organizations]).values_list(
            "slug", "pk"
        )
    )
    Membership.objects.bulk_create(
        [
            Membership(
                organization_id=org_ids[p["slug"]],
                user_id=user_ids[p["email"]],
                role=Membership.Role.ADMIN,
                joined_at=ctx.epoch,
            )
            for p in plans
        ],
        ignore_conflicts=True,
    )
    # Floor area: the approved booths fit their section, as review makes sure.
    taken = dict.fromkeys(sections, 0)
    for p in plans:
        if p["status"] == Application.Status.APPROVED:
            taken[p["section"].slug] += p["area_m2"]
    for slug, area in taken.items():
        if area > sections[slug].capacity_m2:
            raise RuntimeError(
                f"{slug}: {area} m² of booths approved on {sections[slug].capacity_m2}"
            )
    applications = []
    for p in plans:
        section = p["section"]
        status = p["status"]
        created = ctx.at(datetime(2021, 5, 3, 10, 0, tzinfo=TZ)) + timedelta(
            days=p["day"], minutes=7
        )
        submitted = None if status == Application.Status.DRAFT else created + timedelta(hours=2)
        decided = created + timedelta(days=9)
        p["times"] = (created, submitted, decided)
        applications.append(
            Application(
                organization_id=org_ids[p["slug"]],
                section=section,
                applicant_id=user_ids[p["email"]],
                status=status,
                **application_values(p, status),
                decision_reason=REJECTION if status == Application.Status.REJECTED else "",
                created_at=created,
                submitted_at=submitted,
                status_changed_at=submitted
                if status == Application.Status.SUBMITTED
                else (decided if submitted else created),
            )
        )
    Application.objects.bulk_create(
        applications,
        update_conflicts=True,
        unique_fields=["organization", "section"],
        update_fields=[
            "applicant",
            "status",
            *APPLICATION_FIELDS,
            "decision_reason",
            "created_at",
            "submitted_at",
            "status_changed_at",
        ],
    )
    refresh_listing(*org_ids.values())  # as review sets it, in one UPDATE
    app_ids = dict(
        Application.objects.filter(organization_id__in=org_ids.values()).values_list(
            "organization_id", "pk"
        )
    )
    with_history = set(
        ApplicationEvent.objects.filter(application_id__in=app_ids.values()).values_list(
            "application_id", flat=True
        )
    )
    S = Application.Status
    events = []
    for p in plans:
        application_id = app_ids[org_ids[p["slug"]]]
        if application_id in with_history:
            continue
        created, submitted, decided = p["times"]
        applicant = user_ids[p["email"]]
        steps = [("", S.DRAFT, applicant, "", created)]
        if submitted:
            steps.append((S.DRAFT, S.SUBMITTED, applicant, "", submitted))
        status = p["status"]
        if status in (S.APPROVED, S.WAITLISTED, S.REJECTED):
            reason = REJECTION if status == S.REJECTED else ""
            steps.append((S.SUBMITTED, status, organizer.pk, reason, decided))
        elif status == S.WITHDRAWN:
            steps.append((S.SUBMITTED, S.WITHDRAWN, applicant, "", decided))
        events += [
            ApplicationEvent(
                application_id=application_id,
                from_status=a,
                to_status=b,
                actor_id=who,
                reason=why,
                at=when,
            )
            for a, b, who, why, when in steps
        ]
    ApplicationEvent.objects.bulk_create(events)
    ctx.count("exhibitors", sum(SECTION_SHARES.values()) * ctx.scale)
    ctx.count(
        "applicants not listed", len(organizations) - sum(SECTION_SHARES.values()) * ctx.scale
    )
    return list(org_ids.values())


def application_values(plan: dict, status: str) -> dict:
    """The fields the application's services write (APPLICATION_FIELDS), as the applicant
    filled them in: declarations made by every application sent for review."""
    sent = status != Application.Status.DRAFT
    return {
        "booth_type": plan["booth_type"],
        "area_m2": plan["area_m2"],
        "preference_1": plan["prefs"][0],
        "preference_2": plan["prefs"][1],
        "preference_3": plan["prefs"][2],
        "exhibit_field": plan["field"],
        "exhibits": plan["exhibits"],
        "declares_accuracy": sent,
        "accepts_rules": sent,
        "declares_safety": sent,
    }


# --- The floor: halls and booths ------------------------------------------------------------

BUILDING = ("Zhongguancun Exhibition Center", "中关村展示中心")
# (slug, English, Chinese, floor, sections in the hall)
HALLS = [
    ("e1", "Hall E1", "E1馆", 1, ["winter-olympics"]),
    ("e2", "Hall E2", "E2馆", 1, ["medical-healthcare"]),
    ("e3", "Hall E3", "E3馆", 2, ["carbon-neutrality", "general"]),
    ("e4", "Hall E4", "E4馆", 2, ["regional-achievements"]),
]
MARGIN, AISLE = 2, 3  # metres: around the plan, between rows of booths
FREE_PER_SECTION = 4  # standard booths left free in each section, and one blocked


def _shape(booth_type: str, area: int) -> tuple[int, int]:
    """Width × depth of a booth of this area: shell booths 3 m deep, raw space 6 m deep."""
    depth = 6 if booth_type == Booth.Type.RAW else 3
    return area // depth, depth


def _row_letters(n: int) -> str:
    """Rows as on expo plans: A … Z, AA, AB …"""
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def seed_floor(ctx, organization_ids: list[int]) -> None:
    """Every approved exhibitor gets a booth of its approved area, laid out in rows per section,
    raw space first; a few booths stay free. Deterministic: ordered by section and name."""
    from accounts.models import User
    from core.demo import ADMIN_EMAIL

    organizer = User.objects.get(email=ADMIN_EMAIL)
    width = 120 * max(1, round(ctx.scale**0.5))
    approved = (
        Application.objects.approved()
        .filter(organization_id__in=organization_ids)
        .select_related("section")
        .order_by("section__position", "organization__name_en", "organization__slug")
    )
    by_section: dict[str, list[Application]] = {}
    for application in approved:
        by_section.setdefault(application.section.slug, []).append(application)
    sections = {s.slug: s for s in ExhibitionSection.objects.all()}
    booths, tenants = [], {}
    for position, (slug, en, zh, floor, section_slugs) in enumerate(HALLS):
        hall, _created = Hall.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": en,
                "name_zh_hans": zh,
                "building_en": BUILDING[0],
                "building_zh_hans": BUILDING[1],
                "floor": floor,
                "width_m": width,
                "depth_m": 10,  # set below, once the rows are laid out
                "position": position,
            },
        )
        y, row_no = MARGIN, 0
        for section_slug in section_slugs:
            section = sections[section_slug]
            applications = by_section.get(section_slug, [])
            raw = [a for a in applications if a.booth_type == Booth.Type.RAW]
            standard = [a for a in applications if a.booth_type != Booth.Type.RAW]
            free = [None] * FREE_PER_SECTION * ctx.scale + ["blocked"] * ctx.scale
            for group in (raw, standard + free):
                x, row_depth, number = MARGIN, 0, 0
                row_no += 1
                for item in group:
                    application = item if isinstance(item, Application) else None
                    area = application.area_m2 if application else 9
                    kind = application.booth_type if application else Booth.Type.STANDARD
                    w, d = _shape(kind, area)
                    if x + w > width - MARGIN:  # next row
                        y += row_depth + AISLE
                        x, row_depth, number = MARGIN, 0, 0
                        row_no += 1
                    number += 1
                    code = f"{_row_letters(row_no)}{number:02d}"
                    status = (
                        Booth.Status.ASSIGNED
                        if application
                        else (Booth.Status.BLOCKED if item == "blocked" else Booth.Status.AVAILABLE)
                    )
                    booths.append(
                        Booth(
                            hall=hall,
                            code=code,
                            section=section,
                            booth_type=kind,
                            width_m=w,
                            depth_m=d,
                            open_sides=Booth.OpenSides.ISLAND
                            if area >= 72
                            else (
                                Booth.OpenSides.CORNER if number == 1 else Booth.OpenSides.INLINE
                            ),
                            x_m=x,
                            y_m=y,
                            status=status,
                            application=application,
                        )
                    )
                    if application:
                        tenants[(hall.pk, code)] = application
                    x += w
                    row_depth = max(row_depth, d)
                y += row_depth + AISLE
        hall.depth_m = y + MARGIN
        hall.save(update_fields=["depth_m"])
    Booth.objects.bulk_create(
        booths,
        update_conflicts=True,
        unique_fields=["hall", "code"],
        update_fields=[
            *(name for name in Booth.PLAN_FIELDS if name not in ("hall", "code")),
            "application",
        ],
    )
    booth_ids = {
        (hall_id, code): pk
        for pk, hall_id, code in Booth.objects.filter(
            hall__slug__in=[h[0] for h in HALLS]
        ).values_list("pk", "hall_id", "code")
    }
    BoothAssignment.objects.bulk_create(
        [
            BoothAssignment(
                booth_id=booth_ids[key],
                application=application,
                assigned_by=organizer,
                assigned_at=application.status_changed_at + timedelta(days=5),
            )
            for key, application in tenants.items()
        ],
        ignore_conflicts=True,  # booth_assigned_once: a second run adds nothing
    )
    ctx.count("booths", len(booths))  # halls are four at any scale: not counted
