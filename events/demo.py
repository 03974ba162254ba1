"""Demo programme: the 2021 forum, its sections, venues, rooms, 60 events, sessions, speakers.

Events take fixed half-day blocks in rooms, so no two sessions share a room at once, and an event
keeps its block at every ``--scale`` (extra breakout rooms hold the extra events).
"""

import math
import unicodedata
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group

from core import monograms
from core.countries import country_name
from core.demo import DEMO_DOMAIN, INTERNATIONAL_NAMES, TZ, chinese_name

from .models import Event, Forum, Room, Section, Session, Speaker, Theme, Venue
from .roles import EVENT_HOSTS, PROGRAMME_TEAM

SECTIONS = [
    # slug, English, Chinese, colour, description en, description zh
    (
        "forum-meetings",
        "Forum meetings",
        "论坛会议",
        "#12386b",
        "Opening ceremony, plenary session and parallel forums.",
        "开幕式、全体会议和平行论坛。",
    ),
    (
        "technology-trading",
        "Technology trading",
        "技术交易",
        "#7a4b0b",
        "Deals, investment matchmaking and the technology trading fair.",
        "技术交易、投资对接和技术交易大会。",
    ),
    (
        "exhibition",
        "Exhibition",
        "展览展示",
        "#0b7a5c",
        "576 exhibitors in four theme sections and a general section.",
        "576家展商，四个主题展区和一个综合展区。",
    ),
    (
        "results-release",
        "Results release",
        "成果发布",
        "#6b1f5e",
        "Major scientific results, codes and funds announced at the forum.",
        "在论坛上发布的重大科技成果、规范和基金。",
    ),
    (
        "frontier-competitions",
        "Frontier competitions",
        "前沿大赛",
        "#8c1f1f",
        "The frontier technology innovation competition in 12 key areas.",
        "覆盖12个重点领域的前沿科技创新大赛。",
    ),
    (
        "supporting-activities",
        "Supporting activities",
        "配套活动",
        "#3d4f5c",
        "Salons, visits and side events around Zhongguancun.",
        "中关村周边的沙龙、参观和配套活动。",
    ),
]

VENUES = [
    # slug, name en, name zh, address en, address zh, rooms: (slug, en, zh, seats, floor)
    (
        "zgc-exhibition-center",
        "Zhongguancun National Innovation Demonstration Zone Exhibition Center",
        "中关村国家自主创新示范区展示中心",
        "Zhongguancun Software Park, Haidian District",
        "海淀区中关村软件园",
        [
            ("main-hall", "Main Hall", "主会场", 1200, "1"),
            ("hall-a", "Hall A", "A厅", 400, "1"),
            ("hall-b", "Hall B", "B厅", 300, "2"),
            ("room-201", "Room 201", "201会议室", 120, "2"),
            ("room-202", "Room 202", "202会议室", 120, "2"),
        ],
    ),
    (
        "zgc-conference-center",
        "Zhongguancun International Conference Center",
        "中关村国际会议中心",
        "Zhongguancun Street, Haidian District",
        "海淀区中关村大街",
        [
            ("auditorium", "Auditorium", "报告厅", 800, "1"),
            ("hall-1", "Conference Hall 1", "第一会议厅", 260, "2"),
            ("hall-2", "Conference Hall 2", "第二会议厅", 260, "2"),
            ("salon", "Innovation Salon", "创新沙龙厅", 80, "3"),
        ],
    ),
    (
        "china-national-convention-center",
        "China National Convention Center",
        "国家会议中心",
        "Beichen East Road, Chaoyang District",
        "朝阳区北辰东路",
        [
            ("exhibition-hall-e1", "Exhibition Hall E1", "E1展厅", 3000, "1"),
            ("exhibition-hall-e2", "Exhibition Hall E2", "E2展厅", 3000, "1"),
            ("meeting-room-301", "Meeting Room 301", "301会议室", 200, "3"),
            ("meeting-room-302", "Meeting Room 302", "302会议室", 200, "3"),
        ],
    ),
]


def seed_places(ctx) -> Forum:
    forum, _created = Forum.objects.update_or_create(
        edition=2021,
        defaults={
            "slug": "2021",
            "name_en": "2021 Zhongguancun Forum",
            "name_zh_hans": "2021中关村论坛",
            "theme_en": "Intelligence · Health · Carbon Neutrality",
            "theme_zh_hans": "智慧·健康·碳中和",
            "permanent_theme_en": "Innovation and Development",
            "permanent_theme_zh_hans": "创新与发展",
            "description_en": (
                "Beijing's yearly forum on science, technology and innovation: 60 events, "
                "conferences, exhibitions and competitions, with representatives from more than "
                "50 countries and territories."
            ),
            "description_zh_hans": "北京一年一度的科技创新论坛：60场活动，涵盖会议、展览和大赛，来自50多个国家和地区的代表参会。",
            "location_en": "Zhongguancun, Haidian District, Beijing",
            "location_zh_hans": "北京市海淀区中关村",
            "starts_on": ctx.on(date(2021, 9, 24)),
            "ends_on": ctx.on(date(2021, 9, 28)),
            "timezone": "Asia/Shanghai",
            "is_published": True,
            "demo_of": date(2021, 9, 24),
        },
    )
    for position, (slug, en, zh, colour, desc_en, desc_zh) in enumerate(SECTIONS):
        Section.objects.update_or_create(
            forum=forum,
            slug=slug,
            defaults={
                "name_en": en,
                "name_zh_hans": zh,
                "colour": colour,
                "position": position,
                "description_en": desc_en,
                "description_zh_hans": desc_zh,
            },
        )
    for v_pos, (slug, en, zh, addr_en, addr_zh, rooms) in enumerate(VENUES):
        venue, _created = Venue.objects.update_or_create(
            slug=slug,
            defaults={
                "name_en": en,
                "name_zh_hans": zh,
                "address_en": addr_en,
                "address_zh_hans": addr_zh,
                "position": v_pos,
            },
        )
        for r_pos, (r_slug, r_en, r_zh, seats, floor) in enumerate(rooms):
            Room.objects.update_or_create(
                venue=venue,
                slug=r_slug,
                defaults={
                    "name_en": r_en,
                    "name_zh_hans": r_zh,
                    "capacity": seats,
                    "floor": floor,
                    "position": r_pos,
                    "accessibility_en": "Step-free access; lift",
                    "accessibility_zh_hans": "无障碍通道；电梯",
                },
            )
    return forum


def seed(ctx) -> None:
    forum = seed_places(ctx)
    themes = seed_themes()
    speakers = seed_speakers(ctx)
    hosts = seed_hosts(ctx)
    seed_programme(ctx, forum, themes, speakers, hosts)
    if forum.release_number == 0:
        from .services import release_schedule

        # The first programme was released early in September, before a live demo's anchor day.
        release_schedule(
            forum,
            by=None,
            at=ctx.epoch + timedelta(days=90),
            note_en="First programme",
            note_zh="首版日程",
        )
        seed_working_changes(forum)


def seed_working_changes(forum) -> None:
    """A few unreleased edits, so that the Release page shows a diff: a move, a new title, a
    cancellation and a seat change."""
    from .models import WorkingChange
    from .services import ScheduleError, stage_session_change

    if WorkingChange.objects.filter(forum=forum).exists():
        return
    sessions = list(
        Session.objects.filter(event__forum=forum, is_cancelled=False)
        .select_related("room")
        .order_by("starts_at", "pk")
    )
    if len(sessions) < 4:
        return
    last = sessions[-1]
    edits = [
        (
            sessions[-1],
            {
                "starts_at": last.starts_at + timedelta(minutes=30),
                "ends_at": last.ends_at + timedelta(minutes=30),
            },
        ),
        (
            sessions[1],
            {
                "title_en": f"{sessions[1].title_en} (updated)",
                "title_zh_hans": f"{sessions[1].title_zh_hans}（更新）",
            },
        ),
        (sessions[2], {"is_cancelled": True}),
        (sessions[3], {"capacity": min(sessions[3].room.capacity, 50)}),
    ]
    for session, fields in edits:
        try:
            stage_session_change(session, **fields)
        except ScheduleError:
            continue  # the demo's edits are examples: one that clashes is left out


THEMES = [
    ("intelligence", "Intelligence", "智慧"),
    ("health", "Health", "健康"),
    ("carbon-neutrality", "Carbon neutrality", "碳中和"),
    ("artificial-intelligence", "Artificial intelligence", "人工智能"),
    ("ai-ethics", "AI ethics", "人工智能伦理"),
    ("quantum", "Quantum information", "量子信息"),
    ("integrated-circuits", "Integrated circuits", "集成电路"),
    ("biomedicine", "Biomedicine", "生物医药"),
    ("winter-olympics", "Technology for the Winter Olympics", "科技冬奥"),
    ("digital-economy", "Digital economy", "数字经济"),
    ("clean-energy", "Clean energy", "清洁能源"),
]

# Topics of generated events: (slug, English, Chinese, theme slugs).
TOPICS = [
    ("ai", "Artificial Intelligence", "人工智能", ["intelligence", "artificial-intelligence"]),
    ("ai-ethics", "AI Governance and Ethics", "人工智能治理与伦理", ["intelligence", "ai-ethics"]),
    ("quantum", "Quantum Information", "量子信息", ["intelligence", "quantum"]),
    ("chips", "Integrated Circuits", "集成电路", ["intelligence", "integrated-circuits"]),
    ("biomed", "Biomedicine", "生物医药", ["health", "biomedicine"]),
    (
        "infectious",
        "Prevention and Control of Major Infectious Diseases",
        "重大传染病防控",
        ["health"],
    ),
    ("smart-health", "Smart Healthcare", "智慧医疗", ["health", "intelligence"]),
    ("carbon", "Carbon Neutrality", "碳中和", ["carbon-neutrality"]),
    ("clean-energy", "Clean Energy", "清洁能源", ["carbon-neutrality", "clean-energy"]),
    ("digital-economy", "Digital Economy", "数字经济", ["digital-economy", "intelligence"]),
    (
        "brain",
        "Brain Science and Brain-inspired Intelligence",
        "脑科学与类脑智能",
        ["health", "intelligence"],
    ),
    ("synbio", "Synthetic Biology", "合成生物学", ["health", "biomedicine"]),
    ("materials", "Advanced Materials", "新材料", ["carbon-neutrality"]),
    ("winter-olympics", "Technology for the Winter Olympics", "科技冬奥", ["winter-olympics"]),
    ("autonomous", "Autonomous Driving", "自动驾驶", ["intelligence", "artificial-intelligence"]),
    ("open-source", "Open Source Software", "开源软件", ["digital-economy"]),
    ("green-finance", "Green Finance", "绿色金融", ["carbon-neutrality"]),
    ("data-security", "Data Security", "数据安全", ["digital-economy", "intelligence"]),
]

# Event formats per section: (section slug, event type, English, Chinese).
FORMATS = [
    ("forum-meetings", Event.Type.FORUM, "{t} Forum", "{t}论坛"),
    ("forum-meetings", Event.Type.FORUM, "International Forum on {t}", "{t}国际论坛"),
    ("forum-meetings", Event.Type.FORUM, "{t} Summit", "{t}峰会"),
    ("technology-trading", Event.Type.TRADING, "{t} Investment Matchmaking", "{t}投资对接会"),
    (
        "technology-trading",
        Event.Type.TRADING,
        "{t} Technology Transfer Roadshow",
        "{t}技术转移路演",
    ),
    ("results-release", Event.Type.RELEASE, "{t} Results Release", "{t}成果发布会"),
    (
        "frontier-competitions",
        Event.Type.COMPETITION,
        "Frontier Competition: {t} Track",
        "前沿大赛：{t}赛道",
    ),
    ("supporting-activities", Event.Type.SUPPORTING, "{t} Innovation Salon", "{t}创新沙龙"),
    ("supporting-activities", Event.Type.SUPPORTING, "Open Lab Day: {t}", "开放实验室日：{t}"),
    ("exhibition", Event.Type.EXHIBITION, "{t} Showcase", "{t}成果展示"),
]

PHRASES = [
    ("The Next Decade of {t}", "{t}的下一个十年"),
    ("{t}: From the Laboratory to Industry", "{t}：从实验室到产业"),
    ("Open Collaboration in {t}", "{t}领域的开放合作"),
    ("Standards and Governance for {t}", "{t}的标准与治理"),
    ("Talent and Capital for {t}", "{t}的人才与资本"),
    ("{t} on the Road to Carbon Neutrality", "碳中和之路上的{t}"),
    ("Beijing's Roadmap for {t}", "北京{t}发展路线图"),
    ("Frontier Advances in {t}", "{t}前沿进展"),
    ("Safety, Trust and Ethics in {t}", "{t}的安全、可信与伦理"),
    ("International Cooperation on {t}", "{t}国际合作"),
    ("{t} and Public Health", "{t}与公共卫生"),
    ("Start-ups Shaping {t}", "引领{t}的初创企业"),
]

HOSTS = [
    ("Ministry of Science and Technology", "科学技术部"),
    ("Chinese Academy of Sciences", "中国科学院"),
    ("Chinese Academy of Engineering", "中国工程院"),
    ("China Association for Science and Technology", "中国科学技术协会"),
    ("Beijing Municipal Science and Technology Commission", "北京市科学技术委员会"),
    ("Zhongguancun Science Park Administrative Committee", "中关村科技园区管理委员会"),
    ("Beijing Academy of Artificial Intelligence", "北京智源人工智能研究院"),
    ("Beijing Academy of Quantum Information Sciences", "北京量子信息科学研究院"),
    ("Haidian District People's Government", "海淀区人民政府"),
    ("Zhongguancun Development Group", "中关村发展集团"),
]

CHINESE_AFFILIATIONS = [
    ("Tsinghua University", "清华大学"),
    ("Peking University", "北京大学"),
    ("Chinese Academy of Sciences", "中国科学院"),
    ("Beijing Academy of Artificial Intelligence", "北京智源人工智能研究院"),
    ("Beijing Academy of Quantum Information Sciences", "北京量子信息科学研究院"),
    ("Changping Laboratory", "昌平实验室"),
    ("Peking Union Medical College Hospital", "北京协和医院"),
    ("Beijing Institute of Technology", "北京理工大学"),
    ("Beihang University", "北京航空航天大学"),
    ("Renmin University of China", "中国人民大学"),
    ("Institute of Microelectronics, CAS", "中国科学院微电子研究所"),
    ("China Energy Investment Corporation", "国家能源投资集团"),
]
FOREIGN_AFFILIATIONS = [
    ("National Academy of Sciences", "国家科学院"),
    ("University of Technology", "理工大学"),
    ("Institute for Advanced Study", "高等研究院"),
    ("National Laboratory for Energy", "国家能源实验室"),
    ("Medical Research Council", "医学研究理事会"),
    ("Innovation Agency", "创新署"),
]

SESSION_KINDS = [
    # type, English, Chinese (None: a phrase on the topic), weight
    (Session.Type.KEYNOTE, None, None, 5),
    (Session.Type.PANEL, "Panel discussion: {p}", "圆桌对话：{p}", 3),
    (Session.Type.ROUNDTABLE, "Roundtable: {p}", "圆桌会议：{p}", 1),
    (Session.Type.RELEASE, "Release: {p}", "发布：{p}", 1),
    (Session.Type.PITCH, "Start-up pitches: {t}", "{t}创业项目路演", 1),
]

# Curated events: slug, section, type, English, Chinese, topic, block (room, day, half).
CURATED = [
    (
        "opening-ceremony",
        "forum-meetings",
        Event.Type.CEREMONY,
        "Opening Ceremony of the 2021 Zhongguancun Forum",
        "2021中关村论坛开幕式",
        "ai",
        ("main-hall", 0, 0),
    ),
    (
        "plenary-session",
        "forum-meetings",
        Event.Type.FORUM,
        "Plenary Session: Intelligence, Health and Carbon Neutrality",
        "全体会议：智慧·健康·碳中和",
        "carbon",
        ("main-hall", 0, 1),
    ),
    (
        "ai-code-of-ethics",
        "results-release",
        Event.Type.RELEASE,
        "Release of the New Generation AI Code of Ethics",
        "《新一代人工智能伦理规范》发布会",
        "ai-ethics",
        ("auditorium", 0, 1),
    ),
    (
        "superconducting-qubits",
        "results-release",
        Event.Type.RELEASE,
        "Major Results Release: Long-life Superconducting Qubits",
        "重大成果发布：长寿命超导量子比特",
        "quantum",
        ("auditorium", 1, 0),
    ),
    (
        "investment-fund",
        "technology-trading",
        Event.Type.TRADING,
        "Launch of the 10-Billion-Yuan Science and Technology Investment Fund",
        "百亿元科技创新投资基金启动仪式",
        "green-finance",
        ("hall-a", 1, 1),
    ),
    (
        "technology-trading-conference",
        "technology-trading",
        Event.Type.TRADING,
        "International Technology Trading Conference",
        "国际技术交易大会",
        "digital-economy",
        ("hall-1", 2, 0),
    ),
    (
        "frontier-competition-finals",
        "frontier-competitions",
        Event.Type.COMPETITION,
        "Frontier Technology Innovation Competition: Finals",
        "前沿科技创新大赛总决赛",
        "chips",
        ("main-hall", 3, 1),
    ),
    (
        "closing-ceremony",
        "forum-meetings",
        Event.Type.CEREMONY,
        "Closing Ceremony and Awards",
        "闭幕式暨颁奖仪式",
        "biomed",
        ("main-hall", 4, 1),
    ),
]
# Exhibitions run all day, every day, in the two exhibition halls.
EXHIBITIONS = [
    (
        "exhibition-winter-olympics",
        "Exhibition: Technology for the Winter Olympics",
        "展览：科技冬奥",
        "winter-olympics",
        "exhibition-hall-e1",
    ),
    (
        "exhibition-health-carbon",
        "Exhibition: Medical Care, Health and Carbon Neutrality",
        "展览：医药健康与碳中和",
        "carbon",
        "exhibition-hall-e2",
    ),
]
EVENTS_PER_SCALE = 60  # published, as in 2021
DRAFTS_PER_SCALE = 2  # events still being prepared, on top of those
SESSIONS_BY_HALF = [(time(9, 0), 180), (time(14, 0), 210)]  # start, minutes
DAYS = 5


def seed_themes() -> dict[str, Theme]:
    themes = {}
    for position, (slug, en, zh) in enumerate(THEMES):
        themes[slug], _created = Theme.objects.update_or_create(
            slug=slug, defaults={"name_en": en, "name_zh_hans": zh, "position": position}
        )
    return themes


def ascii_name(name: str) -> str:
    """Initials the avatar font draws: "Şahin" → "Sahin"."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()


AVATAR_COLOURS = ["#12386b", "#8c1f1f", "#0b5e7a", "#6b1f5e", "#3d4f5c", "#7a4b0b"]


def seed_speakers(ctx) -> list[Speaker]:
    rng = ctx.rng("events:speakers")
    n = 250 * ctx.scale
    speakers = []
    for i in range(n):
        if i % 5 in (0, 2, 4):
            latin, zh = chinese_name(rng)
            aff_en, aff_zh = CHINESE_AFFILIATIONS[rng.randrange(len(CHINESE_AFFILIATIONS))]
            country = "CN"
        else:
            # Every country of the list in turn: guests from 50+ countries at any scale.
            country, given, family = INTERNATIONAL_NAMES[
                (i // 5 * 2 + i % 5 // 2) % len(INTERNATIONAL_NAMES)
            ]
            latin, zh = f"{rng.choice(given)} {rng.choice(family)}", ""
            org_en, org_zh = FOREIGN_AFFILIATIONS[rng.randrange(len(FOREIGN_AFFILIATIONS))]
            aff_en = f"{country_name(country, language='en')} {org_en}"
            aff_zh = f"{country_name(country, language='zh-hans')}{org_zh}"
        field_en, field_zh = TOPICS[rng.randrange(len(TOPICS))][1:3]
        # A generated avatar: the family name in Chinese, else the initials.
        initials = zh[0] if zh else "".join(part[0] for part in ascii_name(latin).split()[:2])
        photo = monograms.stored("speakers", initials, AVATAR_COLOURS[i % len(AVATAR_COLOURS)])
        speaker, _created = Speaker.objects.update_or_create(
            slug=f"speaker-{i + 1:05d}",
            defaults={
                "name": latin,
                "name_zh": zh,
                "country": country,
                "affiliation_en": aff_en,
                "affiliation_zh_hans": aff_zh,
                "bio_en": f"{latin} works on {field_en.lower()} at {aff_en}.",
                "bio_zh_hans": f"{zh or latin}，就职于{aff_zh}，研究方向为{field_zh}。",
                "photo": photo,
            },
        )
        speakers.append(speaker)
    ctx.count("speakers", n)
    return speakers


def seed_hosts(ctx) -> list:
    """Three event hosts (managers of some events) and one programme-team organizer."""
    from accounts.demo import upsert_user

    rng = ctx.rng("events:hosts")
    hosts_group = Group.objects.get(name=EVENT_HOSTS)
    team_group = Group.objects.get(name=PROGRAMME_TEAM)
    latin, zh = chinese_name(rng)
    team = upsert_user(ctx, "programme@zgcforum.example", name=latin, name_zh=zh, is_staff=True)
    team.groups.set([team_group])
    hosts = []
    for i in range(1, 4):
        latin, zh = chinese_name(rng)
        host = upsert_user(
            ctx, f"host{i}@{DEMO_DOMAIN}", name=latin, name_zh=zh, language="zh-hans", is_staff=True
        )
        host.groups.set([hosts_group])
        hosts.append(host)
    return hosts


def _at(day: date, clock: time, minutes: int = 0) -> datetime:
    return datetime.combine(day, clock, tzinfo=TZ) + timedelta(minutes=minutes)


def _blocks(rooms: list[Room], reserved: set):
    """Half-day blocks (room, day, half) in a fixed order, spread over base rooms first."""
    base = len(rooms)
    per_room = DAYS * 2
    total = base * per_room
    step = next(k for k in (37, 41, 43, 47, 53) if math.gcd(k, total) == 1)
    for i in range(total):
        j = (i * step) % total
        block = (rooms[j // per_room], (j % per_room) // 2, j % 2)
        if block not in reserved:
            yield block


def seed_programme(ctx, forum, themes, speakers, hosts) -> None:
    sections = {s.slug: s for s in forum.sections.all()}
    rooms = {
        r.slug: r
        for r in Room.objects.select_related("venue").exclude(slug__startswith="breakout-")
    }
    block_rooms = [r for slug, r in rooms.items() if not slug.startswith("exhibition-hall")]
    n_events = EVENTS_PER_SCALE * ctx.scale
    n_drafts = DRAFTS_PER_SCALE * ctx.scale
    reserved = {(rooms[room], day, half) for *_x, (room, day, half) in CURATED}
    n_generated = n_events + n_drafts - len(CURATED) - len(EXHIBITIONS)
    free_base = len(block_rooms) * DAYS * 2 - len(reserved)
    extra_rooms = max(0, math.ceil((n_generated - free_base) / (DAYS * 2)))
    venues = list(Venue.objects.order_by("position", "pk"))
    breakout = []
    for k in range(extra_rooms):
        venue = venues[k % len(venues)]
        room, _created = Room.objects.update_or_create(
            venue=venue,
            slug=f"breakout-{k + 1:03d}",
            defaults={
                "name_en": f"Breakout Room {k + 1}",
                "name_zh_hans": f"分会场{k + 1}",
                "capacity": 60,
                "floor": str(4 + k // 30),
                "position": 100 + k,
                "accessibility_en": "Step-free access; lift",
                "accessibility_zh_hans": "无障碍通道；电梯",
            },
        )
        breakout.append(room)
    blocks = list(_blocks(block_rooms, reserved))
    blocks += [(room, day, half) for room in breakout for day in range(DAYS) for half in (0, 1)]
    topics = {t[0]: t for t in TOPICS}
    days = forum.days
    plan = []  # (slug, section, type, title en, zh, topic, [(room, start, minutes)])
    for slug, section, etype, en, zh, topic, (room, day, half) in CURATED:
        clock, minutes = SESSIONS_BY_HALF[half]
        plan.append(
            (slug, section, etype, en, zh, topic, [(rooms[room], _at(days[day], clock), minutes)])
        )
    for slug, en, zh, topic, room in EXHIBITIONS:
        windows = [(rooms[room], _at(day, time(9, 0)), 510) for day in days]
        plan.append((slug, "exhibition", Event.Type.EXHIBITION, en, zh, topic, windows))
    for i in range(n_generated):
        rng = ctx.rng(f"events:event:{i}")
        topic = TOPICS[(i * 7) % len(TOPICS)]
        section, etype, f_en, f_zh = FORMATS[(i * 3 + i // len(TOPICS)) % len(FORMATS)]
        room, day, half = blocks[i]
        clock, minutes = SESSIONS_BY_HALF[half]
        slug = f"{topic[0]}-{i + 1:04d}"
        plan.append(
            (
                slug,
                section,
                etype,
                f_en.format(t=topic[1]),
                f_zh.format(t=topic[2]),
                topic[0],
                [(room, _at(days[day], clock), minutes)],
            )
        )

    # Sessions per event follow a 62-event pattern, so --scale N makes exactly N times as many.
    pattern = EVENTS_PER_SCALE + DRAFTS_PER_SCALE
    counts = [ctx.rng(f"events:count:{j}").randint(4, 6) for j in range(pattern)]
    for j in range(len(CURATED), len(CURATED) + len(EXHIBITIONS)):
        counts[j] = DAYS
    cast = Cast(speakers)
    n_sessions = 0
    for position, (slug, section, etype, en, zh, topic_slug, windows) in enumerate(plan):
        rng = ctx.rng(f"events:plan:{slug}")
        topic = topics[topic_slug]
        host_en, host_zh = HOSTS[rng.randrange(len(HOSTS))]
        co_en, co_zh = HOSTS[rng.randrange(len(HOSTS))]
        is_published = position < n_events  # the drafts come last
        event, _created = Event.objects.update_or_create(
            forum=forum,
            slug=slug,
            defaults={
                "section": sections[section],
                "type": etype,
                "title_en": en,
                "title_zh_hans": zh,
                "description_en": (
                    f"{en} brings researchers, companies and investors together on "
                    f"{topic[1].lower()} at the 2021 Zhongguancun Forum."
                ),
                "description_zh_hans": f"{zh}汇聚科研人员、企业和投资者，在2021中关村论坛上共话{topic[2]}。",
                "host_en": host_en,
                "host_zh_hans": host_zh,
                "co_organizers_en": co_en if co_en != host_en else "",
                "co_organizers_zh_hans": co_zh if co_en != host_en else "",
                "venue": windows[0][0].venue,
                "is_public": rng.random() > 0.1 or etype == Event.Type.EXHIBITION,
                "is_published": is_published,
                "position": position,
            },
        )
        event.themes.set([themes[t] for t in topic[3]])
        event.managers.set([hosts[position % len(hosts)]] if position % 4 == 1 else [])
        if len(windows) > 1:  # an exhibition: open all day, every day
            for d, (room, start, minutes) in enumerate(windows):
                _session(
                    event,
                    f"{slug}-d{d + 1}",
                    (Session.Type.KEYNOTE, "Exhibition open: day {d}", "展览开放：第{d}天"),
                    room,
                    start,
                    minutes,
                    d + 1,
                    rng,
                    topic,
                    themes,
                    [],
                    cast,
                )
                n_sessions += 1
            continue
        room, start, minutes = windows[0]
        count = counts[position % pattern]
        slot = minutes // count // 5 * 5
        for k in range(count):
            if k == 0 and position < len(CURATED):
                kind = (Session.Type.KEYNOTE, "Opening remarks", "开幕致辞")
            elif etype == Event.Type.COMPETITION and k == count - 1:
                kind = (Session.Type.AWARD, "Award ceremony", "颁奖仪式")
            elif count >= 6 and k == count // 2:
                kind = (Session.Type.BREAK, "Tea break and networking", "茶歇与交流")
            else:
                weights = [w for *_x, w in SESSION_KINDS]
                kind = rng.choices(SESSION_KINDS, weights=weights)[0][:3]
                if etype == Event.Type.COMPETITION:
                    kind = SESSION_KINDS[4][:3]
            _session(
                event,
                f"{slug}-{k + 1}",
                kind,
                room,
                start + timedelta(minutes=k * slot),
                slot,
                k,
                rng,
                topic,
                themes,
                None,
                cast,
            )
            n_sessions += 1
    if cast.waiting:  # the public programme names every speaker: fail loudly, not quietly
        raise RuntimeError(f"{len(cast.waiting)} speakers have no published session")
    ctx.count("events", n_events)
    ctx.count("draft events", n_drafts)
    ctx.count("sessions", n_sessions)


class Cast:
    """Who speaks where. Published sessions that go ahead take every speaker once, in turn, so
    the public programme names all of them; after that, and for drafts and cancelled sessions,
    anyone free. Nobody is ever in two places at once."""

    def __init__(self, speakers: list[Speaker]):
        self.speakers = speakers
        self.waiting = list(speakers)
        self.busy: dict[int, list] = {}

    def _free(self, speaker, start, end, chosen) -> bool:
        taken = self.busy.get(speaker.pk, [])
        return speaker not in chosen and not any(s < end and start < e for s, e in taken)

    def choose(self, n: int, start, end, rng, *, public: bool) -> list[Speaker]:
        chosen = []
        for _i in range(n):
            speaker = None
            if public:
                speaker = next((s for s in self.waiting if self._free(s, start, end, chosen)), None)
                if speaker is not None:
                    self.waiting.remove(speaker)
            for _attempt in range(0 if speaker else 20):
                candidate = self.speakers[rng.randrange(len(self.speakers))]
                if self._free(candidate, start, end, chosen):
                    speaker = candidate
                    break
            if speaker is not None:
                chosen.append(speaker)
                self.busy.setdefault(speaker.pk, []).append((start, end))
        return chosen


def _session(event, code, kind, room, start, minutes, k, rng, topic, themes, people, cast):
    stype, f_en, f_zh = kind
    phrase_en, phrase_zh = PHRASES[rng.randrange(len(PHRASES))]
    p_en, p_zh = phrase_en.format(t=topic[1]), phrase_zh.format(t=topic[2])
    if f_en is None:
        title_en, title_zh = p_en, p_zh
    else:
        title_en = f_en.format(p=p_en, t=topic[1], d=k)
        title_zh = f_zh.format(p=p_zh, t=topic[2], d=k)
    end = start + timedelta(minutes=minutes)
    values = session_values(event, code, stype, (title_en, title_zh), start, end, room, rng)
    cancelled = k > 0 and stype != Session.Type.BREAK and rng.random() < 0.02
    session, _created = Session.objects.update_or_create(
        code=code, defaults={"event": event, **values, "is_cancelled": cancelled}
    )
    session.themes.set([themes[t] for t in topic[3]])
    wanted = {
        Session.Type.KEYNOTE: (1, 0),
        Session.Type.PANEL: (3, 1),
        Session.Type.ROUNDTABLE: (4, 1),
        Session.Type.RELEASE: (2, 0),
        Session.Type.PITCH: (2, 0),
        Session.Type.AWARD: (1, 0),
        Session.Type.BREAK: (0, 0),
    }[stype]
    if people is not None:
        wanted = (0, 0)
    public = event.is_published and not cancelled
    chosen = cast.choose(sum(wanted), start, end, rng, public=public)
    session.speakers.set(chosen[: wanted[0]])
    session.moderators.set(chosen[wanted[0] :])


def session_values(event, code, stype, titles, start, end, room, rng) -> dict:
    """The fields the session's services write (SESSION_FIELDS), as organisers fill them in."""
    title_en, title_zh = titles
    language = rng.choices(["zh", "both", "en"], weights=[5, 3, 2])[0]
    return {
        "title_en": title_en,
        "title_zh_hans": title_zh,
        "description_en": f"{title_en}: part of {event.title_en}.",
        "description_zh_hans": f"{title_zh}：{event.title_zh_hans}的一部分。",
        "type": stype,
        "starts_at": start,
        "ends_at": end,
        "room": room,
        "language": language,
        "interpretation": language == "both" or rng.random() < 0.3,
        "livestream_url": f"https://live.zgcforum.example/{code}" if rng.random() < 0.4 else "",
        "capacity": room.capacity,
        "rsvp_required": not event.is_public or rng.random() < 0.2,
        "rsvp_closes_at": None,  # reservations close when the session starts
    }
