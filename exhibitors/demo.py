"""Demo exhibition: the four theme sections of 2021 and the general section."""

from datetime import datetime
from zoneinfo import ZoneInfo

from .models import ExhibitionSection

TZ = ZoneInfo("Asia/Shanghai")

SECTIONS = [
    (
        "winter-olympics",
        "Technology for the Winter Olympics",
        "科技冬奥",
        True,
        6000,
        "Technology for the Beijing 2022 Winter Olympics.",
        "服务北京2022年冬奥会的科技成果。",
    ),
    (
        "medical-healthcare",
        "Medical and healthcare",
        "医药健康",
        True,
        6000,
        "Biomedicine, medical devices and public health.",
        "生物医药、医疗器械与公共卫生。",
    ),
    (
        "carbon-neutrality",
        "Carbon neutrality",
        "碳中和",
        True,
        6000,
        "Clean energy, energy saving and sustainable development.",
        "清洁能源、节能与可持续发展。",
    ),
    (
        "regional-achievements",
        "S&T achievements of China's regions",
        "区域科技创新成果",
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
                "applications_open_at": datetime(2021, 5, 1, 9, 0, tzinfo=TZ),
                "applications_close_at": datetime(2021, 8, 31, 18, 0, tzinfo=TZ),
            },
        )
