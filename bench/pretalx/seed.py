#!/usr/bin/env python
"""Seed a pretalx install with the "ZGC Forum 2021" benchmark event.

Creates, through pretalx's own model and domain-service APIs (pretalx 2026.2.x:
``pretalx.*.domain`` functions such as create_event, create_user, create_submission,
move_slot and freeze_schedule; pretalx 2025.x used model methods instead):
  * one organiser ("ZGC Forum Organisers") with one team and one orga user,
  * the event "ZGC Forum 2021" (slug ``zgc2021``, 2021-09-24 .. 2021-09-28,
    Asia/Shanghai), public, with the ``show_schedule`` feature flag on,
  * 12 rooms, 4 tracks, 2 session types (Talk 45 min, Keynote 60 min),
  * 90 speakers (User + SpeakerProfile with a name, a short biography and a fixed
    profile code; the profile code is the public /speaker/<code>/ URL),
  * 60 submissions with a title and a ~80-word abstract; 30 have two speakers
    and 30 have one (30*2 + 30 = 90 speaker links, every speaker has one talk),
    created with ``create_submission()`` and taken through ``Submission.accept()``
    (queues draft acceptance mails, sends nothing) and ``Submission.confirm()``,
  * one slot per talk: every day has 12 talks in 4 time blocks of 3 parallel
    sessions, each talk in its own room, so no two sessions share a room at the
    same time and every room is used once a day,
  * the WIP schedule released as version "v1" via ``freeze_schedule()``.

The data is deterministic (random.Random(2021) for content, a second seeded
generator for the talk and speaker codes), so every fresh seed gives the same
titles, names, rooms, times and URLs (e.g. the first talk's code).

Run it with pretalx's settings, for example:
    PRETALX_CONFIG_FILE=~/.cache/zgc-bench/pretalx-data/pretalx.cfg \
        ~/.cache/zgc-bench/pretalx/bin/python bench/pretalx/seed.py

It does nothing if the event already exists with a released schedule
(exit code 0). ``--reset`` shreds an existing organiser and event first
(shred_organiser(), which calls shred_event()).
At the end it prints ``KEY=value`` lines (slug, a talk code, a speaker code, a
talk title) that bench/pretalx/setup.sh and bench/side_by_side.py read.
"""

import argparse
import datetime as dt
import os
import random
import sys
from zoneinfo import ZoneInfo

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretalx.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django_scopes import scope, scopes_disabled  # noqa: E402
from pretalx.event.domain.event import create_event  # noqa: E402
from pretalx.event.domain.organiser import (  # noqa: E402
    create_organiser_with_team,
    shred_organiser,
)
from pretalx.event.models import Event, Organiser  # noqa: E402
from pretalx.person.domain.user import create_user  # noqa: E402
from pretalx.person.models import SpeakerProfile, User  # noqa: E402
from pretalx.schedule.domain.release import freeze_schedule  # noqa: E402
from pretalx.schedule.domain.slot import move_slot  # noqa: E402
from pretalx.schedule.models import Room  # noqa: E402
from pretalx.submission.domain.submission import create_submission  # noqa: E402
from pretalx.submission.models import (  # noqa: E402
    Submission,
    SubmissionStates,
    SubmissionType,
    Track,
)

SLUG = "zgc2021"
EVENT_NAME = "ZGC Forum 2021"
TZ = "Asia/Shanghai"
DATE_FROM = dt.date(2021, 9, 24)
DAYS = 5
N_ROOMS = 12
N_TALKS = 60
ORGANISER_SLUG = "zgcorg"
ORGA_EMAIL = "orga@zgc2021.example.org"
ORGA_PASSWORD = "zgc-bench-orga-2021"

# Four time blocks per day, three parallel sessions per block -> 12 talks/day.
BLOCKS = [(9, 0), (10, 30), (13, 30), (15, 0)]
PARALLEL = 3

ROOM_NAMES = [
    "Main Hall",
    "Hall A",
    "Hall B",
    "Hall C",
    "Innovation Room 1",
    "Innovation Room 2",
    "Innovation Room 3",
    "Workshop Room 1",
    "Workshop Room 2",
    "Seminar Room East",
    "Seminar Room West",
    "Roundtable Room",
]

TRACKS = [
    ("Intelligence", "#2b6cb0"),
    ("Health", "#c53030"),
    ("Carbon Neutrality", "#2f855a"),
    ("Open Innovation", "#b7791f"),
]

FIRST_NAMES = [
    "Wei",
    "Jing",
    "Li",
    "Min",
    "Hao",
    "Xin",
    "Yan",
    "Lei",
    "Ying",
    "Jun",
    "Anna",
    "Peter",
    "Maria",
    "David",
    "Sofia",
    "Lukas",
    "Elena",
    "Omar",
    "Priya",
    "Kenji",
    "Amara",
    "Carlos",
    "Ingrid",
    "Tomasz",
    "Aiko",
    "Rahul",
    "Fatima",
    "Noah",
    "Chen",
    "Mei",
]
LAST_NAMES = [
    "Zhang",
    "Wang",
    "Liu",
    "Chen",
    "Yang",
    "Zhao",
    "Huang",
    "Zhou",
    "Wu",
    "Xu",
    "Sun",
    "Müller",
    "Schmidt",
    "Rossi",
    "García",
    "Novak",
    "Kowalski",
    "Tanaka",
    "Sato",
    "Okafor",
    "Haddad",
    "Singh",
    "Andersson",
    "Dubois",
    "Silva",
    "Kim",
    "Nguyen",
    "Ivanova",
    "Cohen",
    "Petrov",
]

TITLE_OPENERS = [
    "Towards",
    "Rethinking",
    "Scaling",
    "Building",
    "Governing",
    "Measuring",
    "Accelerating",
    "Designing",
    "Financing",
    "Securing",
    "Open Models for",
    "Lessons from",
]
TITLE_TOPICS = {
    "Intelligence": [
        "Trustworthy Artificial Intelligence",
        "Brain-Inspired Computing",
        "Large-Scale Knowledge Graphs",
        "Autonomous Driving Platforms",
        "AI Ethics Guidelines",
        "Quantum Information Networks",
        "Industrial Robotics",
        "Edge Intelligence",
    ],
    "Health": [
        "Precision Medicine",
        "Gene Editing Therapies",
        "Medical Imaging AI",
        "Public Health Data",
        "Vaccine Manufacturing",
        "Digital Hospitals",
        "Biomedical Materials",
        "Elderly Care Technology",
    ],
    "Carbon Neutrality": [
        "Green Hydrogen",
        "Carbon Capture and Storage",
        "Smart Power Grids",
        "Energy Storage",
        "Low-Carbon Cities",
        "Sustainable Materials",
        "Climate Finance",
        "Electric Mobility",
    ],
    "Open Innovation": [
        "Technology Transfer",
        "Science Parks",
        "Start-up Ecosystems",
        "Intellectual Property",
        "International Cooperation",
        "Venture Capital for Deep Tech",
        "Open Source Communities",
        "Talent Exchange",
    ],
}
TITLE_TAILS = [
    "in Practice",
    "at Zhongguancun",
    "for the Next Decade",
    "Across Borders",
    "from Lab to Market",
    "for Inclusive Growth",
    "",
    "",
    "",
]

ABSTRACT_SENTENCES = [
    "This session reviews recent progress in {topic} and the open questions that remain.",
    "The speakers share results from pilot projects run with universities, hospitals and industrial partners in Beijing and abroad.",
    "We look at how {topic} moves from research prototypes to products that people use every day.",
    "Particular attention is paid to data sharing, standards and the governance frameworks that make cooperation possible.",
    "Case studies from the Zhongguancun science park illustrate what worked, what failed and why.",
    "The talk closes with concrete recommendations for researchers, entrepreneurs and policy makers.",
    "Participants will learn which metrics matter when evaluating {topic} at scale.",
    "We also discuss the investment needed and how public funding can attract private capital.",
    "Examples include joint laboratories, open test beds and cross-border talent programmes.",
    "The discussion connects {topic} with the forum themes of intelligence, health and carbon neutrality.",
    "A short demonstration shows the current state of the technology and its limits.",
    "Questions from the audience are welcome throughout the session.",
]

BIO_SENTENCES = [
    "{name} leads a research group working on {topic}.",
    "{name} has worked in industry and academia for more than fifteen years.",
    "Before joining the current institute, {name} founded two technology start-ups.",
    "{name} advises several international organisations on science and technology policy.",
    "{name} is a frequent speaker at the Zhongguancun Forum.",
]


def make_abstract(rng, topic):
    """Return a ~80-word abstract built from the sentence pool."""
    sentences = ABSTRACT_SENTENCES[:]
    rng.shuffle(sentences)
    words, out = 0, []
    for sentence in sentences:
        text = sentence.format(topic=topic.lower())
        out.append(text)
        words += len(text.split())
        if words >= 78:
            break
    return " ".join(out)


def make_bio(rng, name, topic):
    picks = rng.sample(BIO_SENTENCES, 3)
    return " ".join(s.format(name=name, topic=topic.lower()) for s in picks)


def make_speaker_names(rng, count):
    names = set()
    out = []
    while len(out) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name in names:
            continue
        names.add(name)
        out.append(name)
    return out


def make_code_factory(seed):
    """Deterministic codes in pretalx's own code alphabet (GenerateCode), so that
    talk and speaker URLs are the same after every fresh seed."""
    rng = random.Random(seed)
    charset = "ABCDEFGHJKLMNPQRSTUVWXYZ3789"  # GenerateCode._code_charset
    used = set()

    def next_code(length=6):
        while True:
            code = "".join(rng.choice(charset) for _ in range(length))
            if code not in used:
                used.add(code)
                return code

    return next_code


def print_keys(event):
    with scope(event=event):
        schedule = event.current_schedule
        slot = (
            schedule.talks.filter(submission__isnull=False, is_visible=True)
            .select_related("submission", "room")
            .order_by("start", "room__position")
            .first()
        )
        talk = slot.submission
        speaker = talk.speakers.all().order_by("name").first()  # SpeakerProfile
        print(f"EVENT_SLUG={event.slug}")
        print(f"SCHEDULE_VERSION={schedule.version}")
        print(f"TALK_CODE={talk.code}")
        print(f"TALK_TITLE={talk.title}")
        print(f"SPEAKER_CODE={speaker.code}")
        print(f"SPEAKER_NAME={speaker.name}")
        print(f"TALKS_IN_SCHEDULE={schedule.talks.filter(is_visible=True).count()}")
        print(f"SPEAKERS_IN_SCHEDULE={event.speakers.count()}")
        print(f"ROOMS={event.rooms.count()}")


@transaction.atomic
def seed():
    rng = random.Random(2021)
    next_code = make_code_factory(20210924)
    tz = ZoneInfo(TZ)

    orga_user = User.objects.filter(email__iexact=ORGA_EMAIL).first()
    if not orga_user:
        orga_user = create_user(
            email=ORGA_EMAIL,
            name="ZGC Forum Orga",
            password=ORGA_PASSWORD,
            locale="en",
            timezone=TZ,
        )
    organiser, team = create_organiser_with_team(
        name="ZGC Forum Organisers", slug=ORGANISER_SLUG, users=[orga_user]
    )
    team.all_events = True
    team.can_change_event_settings = True
    team.can_change_submissions = True
    team.save()

    with scopes_disabled():
        # create_event() runs full_clean() and initialise_event(): CfP with a default
        # "Talk" type, WIP schedule, mail templates, review phases, score categories.
        event = create_event(
            organiser=organiser,
            locales=["en"],
            user=orga_user,
            name=EVENT_NAME,
            slug=SLUG,
            is_public=True,
            date_from=DATE_FROM,
            date_to=DATE_FROM + dt.timedelta(days=DAYS - 1),
            timezone=TZ,
            email="program@zgc2021.example.org",
            locale="en",
            landing_page_text=(
                "# ZGC Forum 2021\n\nThe five-day Zhongguancun Forum on "
                "intelligence, health and carbon neutrality, Beijing, "
                "24-28 September 2021."
            ),
        )

    with scope(event=event):
        event.feature_flags["show_schedule"] = True
        event.save()

        talk_type = event.cfp.default_type  # "Talk", created by initialise_event
        talk_type.default_duration = 45
        talk_type.save()
        keynote_type = SubmissionType.objects.create(
            event=event, name="Keynote", default_duration=60
        )

        rooms = [
            Room.objects.create(
                event=event,
                name=name,
                position=index,
                capacity=400 if index == 0 else rng.choice([60, 80, 120, 200]),
            )
            for index, name in enumerate(ROOM_NAMES[:N_ROOMS])
        ]
        tracks = [
            Track.objects.create(event=event, name=name, color=color, position=i)
            for i, (name, color) in enumerate(TRACKS)
        ]

        # 90 speakers: talks with an even index get two speakers.
        speaker_count = sum(2 if i % 2 == 0 else 1 for i in range(N_TALKS))
        names = make_speaker_names(rng, speaker_count)
        speakers = []
        for index, name in enumerate(names):
            # create_user(password=None) sets a random password (one argon2 hash) and a
            # reset token, like pretalx's "speaker created by the organiser" flow.
            user = create_user(
                email=f"speaker{index + 1:03d}@zgc2021.example.org",
                name=name,
                code=next_code(),
                locale="en",
                timezone=TZ,
            )
            speakers.append(user)

        speaker_iter = iter(speakers)
        used_titles = set()
        for index in range(N_TALKS):
            day, pos = divmod(index, N_ROOMS)  # 12 talks per day
            block, lane = divmod(pos, PARALLEL)  # 4 blocks x 3 parallel
            track = tracks[(index + day) % len(tracks)]
            topic = rng.choice(TITLE_TOPICS[track.name])
            while True:
                title = " ".join(
                    part
                    for part in (
                        rng.choice(TITLE_OPENERS),
                        topic,
                        rng.choice(TITLE_TAILS),
                    )
                    if part
                )
                if title not in used_titles:
                    used_titles.add(title)
                    break
                topic = rng.choice(TITLE_TOPICS[track.name])
            is_keynote = block == 0 and lane == 0
            n_speakers = 2 if index % 2 == 0 else 1
            talk_speakers = [next(speaker_iter) for _ in range(n_speakers)]
            for user in talk_speakers:
                # The profile (name, bio, public code) exists before the speaker is
                # attached; add_speaker() inside create_submission() then finds it.
                SpeakerProfile.objects.create(
                    user=user,
                    event=event,
                    name=user.name,
                    code=next_code(),
                    biography=make_bio(rng, user.name, topic),
                )
            submission = create_submission(
                submission=Submission(
                    event=event,
                    code=next_code(),
                    title=title,
                    submission_type=keynote_type if is_keynote else talk_type,
                    track=track,
                    abstract=make_abstract(rng, topic),
                    description="",
                    content_locale="en",
                    state=SubmissionStates.SUBMITTED,
                ),
                user=orga_user,
                orga=True,
                speakers=talk_speakers,
            )

            # Accept (queues a draft acceptance mail, sends nothing) and confirm;
            # both go through update_talk_slots(), which creates the WIP slot.
            submission.accept(person=orga_user)
            submission.confirm(person=orga_user, orga=True)

            hour, minute = BLOCKS[block]
            start = dt.datetime(
                DATE_FROM.year, DATE_FROM.month, DATE_FROM.day, hour, minute, tzinfo=tz
            ) + dt.timedelta(days=day)
            slot = submission.slots.get(schedule=event.wip_schedule)
            # end = start + submission.get_duration() (45 or 60 minutes)
            move_slot(slot, start, room=rooms[block * PARALLEL + lane])

    with scope(event=event):
        # Release the WIP schedule as "v1".
        freeze_schedule(
            event.wip_schedule,
            "v1",
            user=orga_user,
            notify_speakers=False,
            comment="First public release of the ZGC Forum 2021 programme.",
        )
    return event


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reset", action="store_true", help="shred an existing event first")
    args = parser.parse_args()

    with scopes_disabled():
        existing = Event.objects.filter(slug=SLUG).first()
    if args.reset:
        with scopes_disabled():
            for organiser in Organiser.objects.filter(slug=ORGANISER_SLUG):
                shred_organiser(organiser)  # shreds its events, teams and the organiser
            if existing and Event.objects.filter(pk=existing.pk).exists():
                from pretalx.event.domain.event import shred_event  # noqa: PLC0415

                shred_event(existing)
            User.objects.filter(email__iendswith="@zgc2021.example.org").delete()
        existing = None
    if existing:
        with scope(event=existing):
            released = existing.current_schedule is not None
        if released:
            print(f"# event {SLUG} already seeded, nothing to do", file=sys.stderr)
            print_keys(existing)
            return 0
        print(
            f"# event {SLUG} exists but has no released schedule; rerun with --reset",
            file=sys.stderr,
        )
        return 1

    event = seed()
    print(f"# seeded event {SLUG}", file=sys.stderr)
    print_keys(event)
    return 0


if __name__ == "__main__":
    sys.exit(main())
