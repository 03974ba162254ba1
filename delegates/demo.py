"""Demo delegates: 1,000 × scale people from 50+ countries and territories, a dozen delegations."""

from datetime import datetime, time, timedelta

from django.contrib.auth.models import Group

from accounts.demo import upsert_user
from accounts.models import User
from accounts.roles import ensure_roles
from core.countries import forum_countries
from core.demo import DEMO_DOMAIN, TZ, chinese_name, international_name

from .models import (
    RSVP,
    SHORT_CODE_ALPHABET,
    Badge,
    Category,
    CheckIn,
    Delegation,
    DelegationMember,
    Invitation,
    Registration,
    Star,
)
from .roles import ACCREDITATION_DESK, CHECKIN_DESK

CATEGORIES = [
    # slug, English, Chinese, colour, access, needs approval, share of delegates
    ("delegate", "Delegate", "参会代表", "#12386b", "open", True, 0.58),
    ("speaker", "Speaker", "演讲嘉宾", "#8c1f1f", "invitation", False, 0.10),
    ("press", "Press", "媒体记者", "#7a4b0b", "open", True, 0.06),
    ("vip", "VIP guest", "贵宾", "#6b1f5e", "invitation", False, 0.04),
    ("exhibitor-staff", "Exhibitor staff", "展商工作人员", "#0b7a5c", "invitation", False, 0.10),
    ("organizer-staff", "Organizer staff", "组委会工作人员", "#3d4f5c", "invitation", False, 0.03),
    ("participant", "Participant", "参会观众", "#0b5e7a", "open", False, 0.09),
]
CHINESE_ORGANIZATIONS = [
    "Tsinghua University",
    "Peking University",
    "Chinese Academy of Sciences",
    "Chinese Academy of Engineering",
    "Beijing Academy of Artificial Intelligence",
    "Beijing Institute of Technology",
    "Zhongguancun Development Group",
    "Beijing Municipal Science and Technology Commission",
    "China Association for Science and Technology",
    "Haidian Innovation Park",
    "Beijing Quantum Information Science Research Institute",
    "Peking Union Medical College Hospital",
]
INTERNATIONAL_ORGANIZATIONS = [
    "{country} Academy of Sciences",
    "University of {country}",
    "{country} Innovation Agency",
    "{country} Chamber of Commerce in China",
    "{country} Institute of Technology",
    "Embassy of {country}",
    "{country} Clean Energy Council",
    "{country} Biomedical Research Centre",
]
TITLES = [
    "Professor",
    "Director",
    "Chief Executive Officer",
    "Research Fellow",
    "Chief Technology Officer",
    "Vice President",
    "Senior Engineer",
    "Journalist",
    "Founder",
    "Programme Manager",
    "",
]
DIETARY = ["vegetarian", "halal", "no pork", "gluten-free", "vegan", "nut allergy"]
ACCESSIBILITY = ["wheelchair access", "sign-language interpretation", "seat near the front"]
REJECTION_REASONS = [
    "The organization could not be verified.",
    "Registration for this category closed before the application.",
]
DELEGATES = 1000
DELEGATIONS = 12


def _categories() -> dict[str, Category]:
    categories = {}
    for position, (slug, en, zh, colour, access, approval, _share) in enumerate(CATEGORIES):
        categories[slug], _created = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": en,
                "name_zh_hans": zh,
                "colour": colour,
                "access": access,
                "needs_approval": approval,
                "position": position,
            },
        )
    return categories


def _people(ctx, n: int) -> list[dict]:
    """Deterministic delegate rows; the same list on every run whatever is stored."""
    rng = ctx.rng("delegates")
    slugs = [c[0] for c in CATEGORIES]
    shares = [c[6] for c in CATEGORIES]
    people = []
    for i in range(1, n + 1):
        if rng.random() < 0.45:
            latin, zh = chinese_name(rng)
            country = rng.choices(["CN", "HK", "MO"], weights=[85, 10, 5])[0]
            organization = rng.choice(CHINESE_ORGANIZATIONS)
            language = "zh-hans"
        else:
            latin, country = international_name(rng)
            zh = ""
            organization = rng.choice(INTERNATIONAL_ORGANIZATIONS).format(
                country=forum_countries.name(country)
            )
            language = "en"
        slug = rng.choices(slugs, weights=shares)[0]
        category = next(c for c in CATEGORIES if c[0] == slug)
        roll = rng.random()
        if category[5]:  # needs approval
            status = "approved" if roll < 0.82 else "pending" if roll < 0.94 else "rejected"
        else:
            status = "approved"
        consent = rng.random() < 0.35
        people.append(
            {
                "email": f"delegate{i:05d}@{DEMO_DOMAIN}",
                "name": latin,
                "name_zh": zh,
                "language": language,
                "country": country,
                "organization": organization,
                "title": rng.choice(TITLES),
                "category": slug,
                "status": status,
                "reason": rng.choice(REJECTION_REASONS) if status == "rejected" else "",
                "dietary": rng.choice(DIETARY) if consent and rng.random() < 0.8 else "",
                "accessibility": rng.choice(ACCESSIBILITY)
                if consent and rng.random() < 0.15
                else "",
                "consent": consent,
                # Spread over June–August 2021 whatever the scale.
                "registered": ctx.epoch + timedelta(seconds=(7200 * i) // ctx.scale),
            }
        )
    return people


def _accreditation_desk(ctx) -> None:
    """Two staff who review registrations in the admin (desk1@…, desk2@…, demo password)."""
    ensure_roles()
    desk = Group.objects.get(name=ACCREDITATION_DESK)
    rng = ctx.rng("accreditation-desk")
    for i in (1, 2):
        latin, zh = chinese_name(rng)
        user = upsert_user(
            ctx,
            f"desk{i}@zgcforum.example",
            name=latin,
            name_zh=zh,
            language="zh-hans" if i == 1 else "en",
            is_staff=True,
        )
        user.groups.set([desk])
    # A volunteer at the door: the check-in desk only (door@…, demo password).
    door = upsert_user(ctx, "door@zgcforum.example", name="Door Volunteer", language="en")
    door.groups.set([Group.objects.get(name=CHECKIN_DESK)])


def _badges_and_check_ins(ctx) -> None:
    """Badges for approved delegates; about a third checked in at the entrance on day one or two.

    Derived from the registrations (not counted as generated rows); bulk inserts that skip what
    a previous run made, so a second run changes nothing.
    """
    from events.models import Forum

    forum = Forum.objects.order_by("-edition").first()
    door = User.objects.get(email="door@zgcforum.example")
    rng = ctx.rng("badges")
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    approved = list(
        Registration.objects.approved()
        .filter(user__email__startswith="delegate", anonymised_at__isnull=True)
        .order_by("user__email")
        .values_list("pk", flat=True)
    )
    plan = []
    for pk in approved:
        code = "demo" + "".join(rng.choice(alphabet) for _ in range(12))
        checked_in = rng.random() < 0.35
        plan.append((pk, code, checked_in, rng.randrange(2), rng.randrange(180)))
    # Short codes from their own generator: the plan's draws (who checked in) stay as they were.
    short = ctx.rng("badge-short-codes")
    Badge.objects.bulk_create(
        [
            Badge(
                registration_id=pk,
                code=code,
                short_code="".join(short.choice(SHORT_CODE_ALPHABET) for _ in range(10)),
                issued_at=ctx.epoch + timedelta(days=90),
            )
            for pk, code, *_ in plan
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    if forum is None:
        return
    badges = dict(
        Badge.objects.filter(revoked_at__isnull=True, registration_id__in=approved).values_list(
            "registration_id", "pk"
        )
    )
    opening = datetime.combine(forum.starts_on, time(9, 0), tzinfo=TZ)
    CheckIn.objects.bulk_create(
        [
            CheckIn(
                registration_id=pk,
                badge_id=badges[pk],
                checked_in_by=door,
                created_at=opening + timedelta(days=day, minutes=minute),
            )
            for pk, _code, checked_in, day, minute in plan
            if checked_in
            and pk in badges
            and ctx.has_happened(opening + timedelta(days=day, minutes=minute))
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


def seed(ctx) -> None:
    _accreditation_desk(ctx)
    categories = _categories()
    n = DELEGATES * ctx.scale
    people = _people(ctx, n)

    # Users: bulk, skipping addresses that exist (a second run creates nothing).
    existing = set(
        User.objects.filter(
            email__endswith=f"@{DEMO_DOMAIN}", email__startswith="delegate"
        ).values_list("email", flat=True)
    )
    User.objects.bulk_create(
        [
            User(
                email=p["email"],
                name=p["name"],
                name_zh=p["name_zh"],
                language=p["language"],
                password=ctx.password_hash,
                email_verified_at=ctx.epoch,
                date_joined=ctx.epoch,
            )
            for p in people
            if p["email"] not in existing
        ],
        batch_size=500,
    )
    users = dict(
        User.objects.filter(email__in=[p["email"] for p in people]).values_list("email", "pk")
    )

    # One group code per invitation-only category; its uses are the registrations made with it.
    invitations = {}
    for slug, en, _zh, _colour, access, _approval, _share in CATEGORIES:
        if access != "invitation":
            continue
        used = sum(1 for p in people if p["category"] == slug)
        invitations[slug], _created = Invitation.objects.update_or_create(
            code=f"ZGC2021-{slug.upper()}"[:20],
            defaults={
                "category": categories[slug],
                "max_uses": max(used, 1) + 50 * ctx.scale,
                "uses": used,
                "expires_at": ctx.epoch + timedelta(days=110),
                "note": f"{en} group code",
                "created_at": ctx.epoch,
            },
        )

    registered = set(
        Registration.objects.filter(user_id__in=users.values()).values_list("user_id", flat=True)
    )
    Registration.objects.bulk_create(
        [
            Registration(
                user_id=users[p["email"]],
                category=categories[p["category"]],
                invitation=invitations.get(p["category"]),
                status=p["status"],
                name=p["name"],
                name_zh=p["name_zh"],
                organization=p["organization"],
                title=p["title"],
                country=p["country"],
                dietary_needs=p["dietary"],
                accessibility_needs=p["accessibility"],
                terms_accepted_at=p["registered"],
                sensitive_consent_at=p["registered"] if p["consent"] else None,
                rejection_reason=p["reason"],
                reviewed_at=None if p["status"] == "pending" else p["registered"],
                created_at=p["registered"],
            )
            for p in people
            if users[p["email"]] not in registered
        ],
        batch_size=500,
    )
    ctx.count("delegates", n)
    _delegations(ctx, people, users)
    _agendas(ctx, categories)
    _badges_and_check_ins(ctx)


INVITED_CATEGORIES = ("speaker", "vip")  # they may attend the invitation-only events
STARRING_PER_BLOCK = 300  # delegates of each thousand who star sessions…
STARS_EACH = 3  # …this many each
RSVP_SESSIONS_PER_BLOCK = 20  # sessions each thousand reserves at…
RSVPS_EACH_SESSION = 90  # …this many people each: 80-seat rooms get a waitlist


def _agendas(ctx, categories: dict[str, Category]) -> None:
    """Stars and RSVPs, block by block of a thousand delegates, like the delegations.

    Fixed counts per block, so ``--scale`` multiplies them exactly; times are fixed, so the
    waitlist order (by time, then id) is the same on every run.
    """
    from events.models import Event, Session

    closed = list(Event.objects.filter(is_public=False).order_by("pk").values_list("pk", flat=True))
    for slug in INVITED_CATEGORIES:
        categories[slug].events.add(*closed)
    sessions = list(
        Session.objects.published().active().order_by("code").values_list("pk", flat=True)
    )
    bookable = list(
        Session.objects.published()
        .active()
        .filter(rsvp_required=True)
        .order_by("code")
        .values_list("pk", "capacity", "room__capacity", "event__is_public")
    )
    taken: dict[int, int] = {}
    stars, rsvps = [], []
    for block in range(ctx.scale):
        rng = ctx.rng(f"agendas:{block}")
        emails = [
            f"delegate{i:05d}@{DEMO_DOMAIN}" for i in range(block * 1000, block * 1000 + 1000)
        ]
        approved = list(
            Registration.objects.filter(status=Registration.Status.APPROVED, user__email__in=emails)
            .order_by("user__email")
            .values_list("user_id", "category__slug")
        )
        for i, (user_id, _slug) in enumerate(rng.sample(approved, STARRING_PER_BLOCK)):
            for k, session_id in enumerate(rng.sample(sessions, STARS_EACH)):
                stars.append(
                    Star(
                        user_id=user_id,
                        session_id=session_id,
                        created_at=ctx.epoch
                        + timedelta(days=30, minutes=block * 10_000 + i * 5 + k),
                    )
                )
        everyone = [u for u, _slug in approved]
        invited = [u for u, slug in approved if slug in INVITED_CATEGORIES]
        for j, (pk, capacity, room_seats, public) in enumerate(
            rng.sample(bookable, RSVP_SESSIONS_PER_BLOCK)
        ):
            seats = min(capacity or room_seats, room_seats)
            for k, user_id in enumerate(
                rng.sample(everyone if public else invited, RSVPS_EACH_SESSION)
            ):
                confirmed = taken.get(pk, 0) < seats
                taken[pk] = taken.get(pk, 0) + confirmed
                rsvps.append(
                    RSVP(
                        user_id=user_id,
                        session_id=pk,
                        status=RSVP.Status.CONFIRMED if confirmed else RSVP.Status.WAITLISTED,
                        created_at=ctx.epoch
                        + timedelta(days=40, minutes=block * 10_000 + j * 100 + k),
                    )
                )
    Star.objects.bulk_create(stars, batch_size=1000, ignore_conflicts=True)
    RSVP.objects.bulk_create(rsvps, batch_size=1000, ignore_conflicts=True)
    ctx.count("agenda stars", len(stars))
    ctx.count("RSVPs", len(rsvps))


def _delegations(ctx, people: list[dict], users: dict[str, int]) -> None:
    """A dozen country delegations per thousand people, each drawn from its own thousand.

    Block by block, so the delegations of a smaller scale reappear unchanged in a larger one.
    """
    for block in range(ctx.scale):
        rng = ctx.rng(f"delegations:{block}")
        by_country: dict[str, list[dict]] = {}
        for p in people[block * DELEGATES : (block + 1) * DELEGATES]:
            if p["category"] == "delegate" and p["country"] not in ("CN", "HK", "MO"):
                by_country.setdefault(p["country"], []).append(p)
        countries = sorted(by_country, key=lambda c: (-len(by_country[c]), c))[:DELEGATIONS]
        suffix = f" ({block + 1})" if block else ""
        for i, country in enumerate(countries):
            coordinator, *members = by_country[country][: 2 + rng.randrange(3, 9)]
            delegation, _created = Delegation.objects.update_or_create(
                coordinator_id=users[coordinator["email"]],
                defaults={
                    "name": f"Delegation of {forum_countries.name(country)}{suffix}",
                    "kind": Delegation.Kind.COUNTRY,
                    "country": country,
                    "edits_close_at": ctx.epoch + timedelta(days=100),
                    "created_at": ctx.epoch,
                },
            )
            rows = [coordinator, *members]
            for j, p in enumerate(rows):
                # The last member of every other delegation has not accepted yet.
                pending = j == len(rows) - 1 and i % 2 == 1
                DelegationMember.objects.update_or_create(
                    delegation=delegation,
                    email=p["email"],
                    defaults={
                        "name": p["name"],
                        "user_id": None if pending else users[p["email"]],
                        "token": f"demo-{block:03d}-{i:03d}-{j:03d}-{rng.randrange(10**8):08d}",
                        "invited_at": ctx.epoch + timedelta(days=1),
                        "accepted_at": None if pending else ctx.epoch + timedelta(days=2),
                    },
                )
    ctx.count("delegations", DELEGATIONS * ctx.scale)
