"""Demo programme: the 2021 forum, its six sections, venues and rooms."""

from datetime import date

from .models import Forum, Room, Section, Venue

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


def seed(ctx) -> None:
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
            "starts_on": date(2021, 9, 24),
            "ends_on": date(2021, 9, 28),
            "timezone": "Asia/Shanghai",
            "is_published": True,
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
