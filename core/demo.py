"""Shared pieces of ``seed_demo``: the run's context, people's names, and the content digest.

Each app seeds its part in ``<app>/demo.py`` with ``seed(ctx)``; ``DEMO_APPS`` fixes the order.
Everything is keyed on natural keys (slugs, emails) and written with ``update_or_create``, so a
second run changes nothing, and every random choice comes from ``ctx.rng(name)``, seeded by name.
"""

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models

DEMO_APPS = ["accounts", "events", "exhibitors", "delegates", "notifications"]
DEMO_PASSWORD = "zgc-forum-2021"
ADMIN_EMAIL = "organizer@zgcforum.example"
DEMO_DOMAIN = "demo.zgcforum.example"
TZ = ZoneInfo("Asia/Shanghai")
# A fixed instant for created/joined dates: the same content on every run.
EPOCH = datetime(2021, 6, 1, 9, 0, tzinfo=TZ)
# The 2021 forum's first day, and how long before it a live demo is seeded (its "anchor").
HELD_FIRST_DAY = date(2021, 9, 24)
LEAD_DAYS = 21

SURNAMES = [
    ("Wang", "王"),
    ("Li", "李"),
    ("Zhang", "张"),
    ("Liu", "刘"),
    ("Chen", "陈"),
    ("Yang", "杨"),
    ("Zhao", "赵"),
    ("Huang", "黄"),
    ("Zhou", "周"),
    ("Wu", "吴"),
    ("Xu", "徐"),
    ("Sun", "孙"),
    ("Hu", "胡"),
    ("Zhu", "朱"),
    ("Gao", "高"),
    ("Lin", "林"),
    ("He", "何"),
    ("Guo", "郭"),
    ("Ma", "马"),
    ("Luo", "罗"),
    ("Liang", "梁"),
    ("Song", "宋"),
    ("Zheng", "郑"),
    ("Xie", "谢"),
]
GIVEN_NAMES = [
    ("Wei", "伟"),
    ("Fang", "芳"),
    ("Min", "敏"),
    ("Jing", "静"),
    ("Lei", "磊"),
    ("Yang", "洋"),
    ("Yan", "艳"),
    ("Jie", "杰"),
    ("Tao", "涛"),
    ("Ming", "明"),
    ("Chao", "超"),
    ("Xiuying", "秀英"),
    ("Hua", "华"),
    ("Jun", "军"),
    ("Ping", "平"),
    ("Gang", "刚"),
    ("Guiying", "桂英"),
    ("Haoran", "浩然"),
    ("Zihan", "子涵"),
    ("Yuxuan", "雨轩"),
    ("Xinyi", "欣怡"),
    ("Jiahao", "嘉豪"),
    ("Shuang", "爽"),
    ("Kai", "凯"),
    ("Ning", "宁"),
    ("Bo", "博"),
    ("Lan", "兰"),
    ("Yun", "云"),
]
# (ISO country code, given names, family names) for guests from abroad.
INTERNATIONAL_NAMES = [
    ("US", ["James", "Emily", "Michael", "Sarah"], ["Miller", "Johnson", "Carter", "Brooks"]),
    ("GB", ["Oliver", "Amelia", "Harry", "Isla"], ["Taylor", "Wright", "Evans", "Hughes"]),
    ("DE", ["Lukas", "Hannah", "Felix", "Lea"], ["Müller", "Schmidt", "Becker", "Wagner"]),
    ("FR", ["Louis", "Chloé", "Hugo", "Camille"], ["Martin", "Bernard", "Dubois", "Moreau"]),
    ("IT", ["Marco", "Giulia", "Luca", "Sofia"], ["Rossi", "Russo", "Ferrari", "Bianchi"]),
    ("ES", ["Pablo", "Lucía", "Javier", "Elena"], ["García", "López", "Sánchez", "Romero"]),
    ("RU", ["Dmitri", "Anna", "Sergei", "Olga"], ["Ivanov", "Petrova", "Smirnov", "Volkova"]),
    ("JP", ["Haruto", "Yui", "Ren", "Aoi"], ["Sato", "Suzuki", "Takahashi", "Tanaka"]),
    ("KR", ["Minjun", "Seoyeon", "Jihoon", "Jiwoo"], ["Kim", "Lee", "Park", "Choi"]),
    ("SG", ["Wei Ming", "Hui Min", "Arjun", "Siti"], ["Tan", "Lim", "Nair", "Rahman"]),
    ("IN", ["Aarav", "Priya", "Rohan", "Ananya"], ["Sharma", "Patel", "Iyer", "Reddy"]),
    ("PK", ["Ahmed", "Ayesha", "Bilal", "Fatima"], ["Khan", "Malik", "Qureshi", "Hussain"]),
    ("TH", ["Somchai", "Ploy", "Niran", "Malee"], ["Srisuk", "Chaiyaporn", "Thongchai", "Boonmee"]),
    ("VN", ["Minh", "Linh", "Huy", "Trang"], ["Nguyen", "Tran", "Le", "Pham"]),
    ("ID", ["Budi", "Dewi", "Agus", "Sari"], ["Santoso", "Wijaya", "Hidayat", "Putri"]),
    ("MY", ["Hafiz", "Nurul", "Wei Jie", "Aisyah"], ["Ismail", "Abdullah", "Wong", "Yusof"]),
    ("AU", ["Jack", "Charlotte", "Noah", "Mia"], ["Smith", "Jones", "Williams", "Brown"]),
    ("NZ", ["Liam", "Ruby", "Mason", "Zoe"], ["Wilson", "Thompson", "Walker", "White"]),
    ("CA", ["Ethan", "Olivia", "Logan", "Emma"], ["Tremblay", "Roy", "Gagnon", "MacDonald"]),
    ("BR", ["João", "Maria", "Gabriel", "Ana"], ["Silva", "Santos", "Oliveira", "Souza"]),
    (
        "AR",
        ["Mateo", "Valentina", "Santiago", "Martina"],
        ["González", "Rodríguez", "Fernández", "Pérez"],
    ),
    (
        "MX",
        ["Diego", "Ximena", "Emiliano", "Regina"],
        ["Hernández", "Martínez", "Ramírez", "Flores"],
    ),
    ("CL", ["Benjamín", "Isidora", "Tomás", "Florencia"], ["Muñoz", "Rojas", "Díaz", "Soto"]),
    (
        "ZA",
        ["Thabo", "Naledi", "Sipho", "Lerato"],
        ["Nkosi", "Dlamini", "Mokoena", "van der Merwe"],
    ),
    ("NG", ["Chinedu", "Ngozi", "Tunde", "Aisha"], ["Okafor", "Adeyemi", "Bello", "Eze"]),
    ("KE", ["Brian", "Wanjiru", "Kevin", "Achieng"], ["Otieno", "Kamau", "Mwangi", "Njoroge"]),
    ("EG", ["Omar", "Nour", "Youssef", "Mariam"], ["Hassan", "Mostafa", "Ibrahim", "Saleh"]),
    ("ET", ["Abebe", "Tigist", "Dawit", "Selam"], ["Bekele", "Tadesse", "Haile", "Girma"]),
    ("MA", ["Mehdi", "Salma", "Yassine", "Imane"], ["Alaoui", "Benali", "Idrissi", "Tazi"]),
    (
        "AE",
        ["Khalid", "Mariam", "Saeed", "Latifa"],
        ["Al Mansouri", "Al Hashimi", "Al Falasi", "Al Nuaimi"],
    ),
    (
        "SA",
        ["Faisal", "Noura", "Abdullah", "Reem"],
        ["Al Saud", "Al Qahtani", "Al Harbi", "Al Ghamdi"],
    ),
    ("IL", ["Noam", "Tamar", "Itai", "Yael"], ["Cohen", "Levi", "Mizrahi", "Peretz"]),
    ("TR", ["Emre", "Zeynep", "Mehmet", "Elif"], ["Yılmaz", "Kaya", "Demir", "Şahin"]),
    ("IR", ["Reza", "Sara", "Ali", "Maryam"], ["Hosseini", "Ahmadi", "Karimi", "Rezaei"]),
    (
        "KZ",
        ["Nursultan", "Aigerim", "Daniyar", "Dana"],
        ["Nurlanov", "Sarsenova", "Abenov", "Zhakupova"],
    ),
    (
        "UZ",
        ["Rustam", "Dilnoza", "Sardor", "Madina"],
        ["Karimov", "Yusupova", "Rakhimov", "Alieva"],
    ),
    ("MN", ["Bat", "Oyun", "Tömör", "Saraa"], ["Erdene", "Bold", "Gantulga", "Tsetseg"]),
    ("NL", ["Daan", "Emma", "Sem", "Julia"], ["de Jong", "Jansen", "de Vries", "Bakker"]),
    ("BE", ["Lars", "Marie", "Arthur", "Louise"], ["Peeters", "Janssens", "Maes", "Claes"]),
    ("CH", ["Noah", "Mia", "Leon", "Lena"], ["Meier", "Keller", "Weber", "Huber"]),
    ("AT", ["Elias", "Anna", "Jakob", "Marie"], ["Gruber", "Huber", "Bauer", "Pichler"]),
    ("SE", ["Erik", "Astrid", "Oskar", "Ebba"], ["Andersson", "Johansson", "Karlsson", "Nilsson"]),
    ("NO", ["Magnus", "Ingrid", "Henrik", "Nora"], ["Hansen", "Johansen", "Olsen", "Larsen"]),
    ("DK", ["Mads", "Freja", "Christian", "Ida"], ["Nielsen", "Jensen", "Pedersen", "Sørensen"]),
    ("FI", ["Juho", "Aino", "Eero", "Helmi"], ["Korhonen", "Virtanen", "Mäkinen", "Nieminen"]),
    ("PL", ["Jakub", "Zuzanna", "Kacper", "Maja"], ["Nowak", "Kowalska", "Wiśniewski", "Wójcik"]),
    ("CZ", ["Jan", "Tereza", "Tomáš", "Eliška"], ["Novák", "Svobodová", "Dvořák", "Černá"]),
    ("HU", ["Bence", "Hanna", "Máté", "Zsófia"], ["Nagy", "Kovács", "Tóth", "Szabó"]),
    (
        "GR",
        ["Giorgos", "Eleni", "Nikos", "Maria"],
        ["Papadopoulos", "Georgiou", "Nikolaidis", "Pappas"],
    ),
    ("PT", ["Tiago", "Beatriz", "Rodrigo", "Inês"], ["Ferreira", "Costa", "Pereira", "Almeida"]),
    ("IE", ["Seán", "Aoife", "Conor", "Niamh"], ["Murphy", "Kelly", "O'Brien", "Byrne"]),
    (
        "RS",
        ["Nikola", "Milica", "Stefan", "Jelena"],
        ["Jovanović", "Petrović", "Nikolić", "Marković"],
    ),
    (
        "BY",
        ["Aliaksandr", "Darya", "Pavel", "Katsiaryna"],
        ["Kavalenka", "Novik", "Shautsou", "Kazlova"],
    ),
    (
        "LA",
        ["Souk", "Malaythong", "Khamla", "Noy"],
        ["Phommachanh", "Sisavath", "Vongsa", "Keomany"],
    ),
    ("KH", ["Sokha", "Sreymom", "Dara", "Chanthy"], ["Chan", "Sok", "Kim", "Heng"]),
]


@dataclass
class DemoContext:
    """What every app's ``seed(ctx)`` shares: scale, randomness by name, the password hash, the
    counts of generated rows, and where the forum lies in time.

    Every date of the demo is written as the 2021 one and placed with ``ctx.at()`` / ``ctx.on()``.
    ``anchor`` None: the forum as held (Sep 24–28 2021). A day: the demo is *live*, replayed so
    that its journeys are open on that day: the forum's first day ``LEAD_DAYS`` after it or, with
    ``forum_day``, the anchor is the forum's day ``forum_day`` (1 is the first).
    """

    scale: int = 1
    seed: int = 2021
    stdout: object = None
    anchor: date | None = None
    forum_day: int | None = None
    password_hash: str = field(default="", repr=False)
    generated: dict = field(default_factory=dict)

    def __post_init__(self):
        # Hashed once with a fixed salt: seeding stays fast and the content deterministic.
        self.password_hash = make_password(DEMO_PASSWORD, salt="zgcforumdemo2021")
        if self.anchor is None:
            self.shift = timedelta(0)
        else:
            lead = -(self.forum_day - 1) if self.forum_day else LEAD_DAYS
            self.shift = self.anchor + timedelta(days=lead) - HELD_FIRST_DAY

    @property
    def as_held(self) -> bool:
        return self.anchor is None

    def at(self, moment: datetime) -> datetime:
        """A 2021 instant, placed where this demo's forum lies."""
        return moment + self.shift

    def on(self, day: date) -> date:
        """A 2021 day, placed where this demo's forum lies."""
        return day + self.shift

    @property
    def epoch(self) -> datetime:
        """When the demo's rows were created (placed): before anything of the forum happened."""
        return self.at(EPOCH)

    def has_happened(self, moment: datetime) -> bool:
        """Whether a placed instant lies before the anchor day's 9:00 (always, as held): what
        the demo records as done (a check-in at the door) must not lie in its future."""
        return self.as_held or moment < datetime.combine(self.anchor, time(9, 0), tzinfo=TZ)

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")

    def count(self, label: str, n: int) -> None:
        """Record how many rows a part generated (the rows that ``--scale`` multiplies)."""
        self.generated[label] = self.generated.get(label, 0) + n

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)


def chinese_name(rng: random.Random) -> tuple[str, str]:
    """A (Latin, Chinese) name pair, family name first as in Chinese use."""
    (sur_latin, sur_zh), (given_latin, given_zh) = rng.choice(SURNAMES), rng.choice(GIVEN_NAMES)
    return f"{sur_latin} {given_latin}", f"{sur_zh}{given_zh}"


def international_name(rng: random.Random) -> tuple[str, str]:
    """A (name, country code) pair for a guest from abroad."""
    country, given, family = rng.choice(INTERNATIONAL_NAMES)
    return f"{rng.choice(given)} {rng.choice(family)}", country


def project_models() -> list[type[models.Model]]:
    return [m for name in DEMO_APPS for m in apps.get_app_config(name).get_models()]


def content_digest() -> str:
    """SHA-256 of every project row's content, independent of primary-key values.

    Foreign keys count as the rank of the referenced row among its table's rows, so a fresh
    database and a re-seeded one agree; auto-set timestamps are left out.
    """
    ranks: dict[type, dict] = {}

    def rank_of(model) -> dict:
        if model not in ranks:
            pks = model._default_manager.order_by("pk").values_list("pk", flat=True)
            ranks[model] = {pk: i for i, pk in enumerate(pks)}
        return ranks[model]

    digest = hashlib.sha256()
    for model in sorted(project_models(), key=lambda m: m._meta.label):
        if model.__name__.startswith("Historical"):  # simple-history rows carry the run's clock
            continue
        if getattr(model, "DERIVED", False):  # written from the other rows (and their ids)
            continue
        columns = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key
            and not getattr(f, "auto_now", False)
            and not getattr(f, "auto_now_add", False)
        ]
        rows = []
        for values in model._default_manager.order_by("pk").values_list(
            *[f.attname for f in columns]
        ):
            row = []
            for f, value in zip(columns, values, strict=True):
                if f.is_relation and value is not None:
                    value = rank_of(f.related_model).get(value)
                row.append(repr(value))
            rows.append("|".join(row))
        digest.update(model._meta.label.encode())
        for row in sorted(rows):
            digest.update(row.encode())
    return digest.hexdigest()
