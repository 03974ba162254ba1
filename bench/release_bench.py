"""A schedule release: 30 working changes touching 500 delegates, from the commit to the last digest.

``.venv/bin/python bench/release_bench.py`` (``make bench`` runs it after the pages). It prepares
its own database (``<bench database>_release``): one forum, 30 published sessions in 30 rooms,
500 approved delegates each starring one session (about 17 a session, none twice), so a release
that moves every session mails exactly 500 digests. It starts an aiosmtpd sink and one
``celery -A zgcforum worker -c 2`` (the machinery of ``notifications_bench.py``), then per run:
stages 30 moves (as the admin does, ``stage_session_change``), calls ``release_schedule`` and
times (1) the release's transaction until commit, (2) what the releasing request still does
after commit (the ``schedule_released`` receiver hands the digests to a worker), (3) commit → the
500th digest accepted by the sink. Prints a markdown table. Exits 1 when a digest is lost or duplicated.
"""

import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notifications_bench as nb  # noqa: E402

ROOT = nb.ROOT
SESSIONS = 30
PEOPLE = 500
RUNS = 1 if os.environ.get("BENCH_QUICK") == "1" else 3
TIMEOUT = 180.0
DOMAIN = "release.bench.zgcforum.example"


def prepare_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import User
    from delegates.models import Category, Registration, Star
    from events.models import Event, Forum, Room, Section, Session, Venue
    from notifications.models import OutboundMessage

    OutboundMessage.objects.all().delete()
    if Star.objects.filter(user__email__endswith=DOMAIN).count() == PEOPLE:
        return
    forum, _ = Forum.objects.update_or_create(
        edition=2021,
        defaults={
            "slug": "release-bench",
            "name_en": "Release bench forum",
            "name_zh_hans": "发布压测论坛",
            "starts_on": datetime(2021, 9, 24).date(),
            "ends_on": datetime(2021, 9, 28).date(),
            "is_published": True,
        },
    )
    section, _ = Section.objects.get_or_create(
        forum=forum, slug="bench", defaults={"name_en": "Bench", "name_zh_hans": "压测"}
    )
    venue, _ = Venue.objects.get_or_create(
        slug="bench", defaults={"name_en": "Bench venue", "name_zh_hans": "压测会场"}
    )
    event, _ = Event.objects.update_or_create(
        forum=forum,
        slug="release-bench",
        defaults={
            "section": section,
            "title_en": "Release bench",
            "title_zh_hans": "发布压测",
            "is_published": True,
            "is_public": True,
        },
    )
    start = datetime(2021, 9, 25, 1, 0, tzinfo=UTC)
    sessions = []
    for i in range(SESSIONS):
        room, _ = Room.objects.get_or_create(
            venue=venue,
            slug=f"room-{i}",
            defaults={"name_en": f"Room {i}", "name_zh_hans": f"{i}号厅", "capacity": 200},
        )
        session, _ = Session.objects.update_or_create(
            code=f"release-bench-{i:02d}",
            defaults={
                "event": event,
                "room": room,
                "title_en": f"Talk {i}",
                "title_zh_hans": f"报告{i}",
                "starts_at": start,
                "ends_at": start + timedelta(minutes=45),
                "released_in": 1,
            },
        )
        sessions.append(session)
    category, _ = Category.objects.get_or_create(
        slug="delegate", defaults={"name_en": "Delegate", "name_zh_hans": "参会代表"}
    )
    User.objects.filter(email__endswith=DOMAIN).delete()
    users = User.objects.bulk_create(
        User(
            email=f"follower{i:03d}@{DOMAIN}",
            name=f"Follower {i}",
            language="zh-hans" if i % 2 else "en",
            password="!",
        )
        for i in range(PEOPLE)
    )
    now = datetime.now(UTC)
    Registration.objects.bulk_create(
        Registration(
            user=u,
            category=category,
            status=Registration.Status.APPROVED,
            name=u.name,
            organization="Bench",
            country="CN",
            terms_accepted_at=now,
        )
        for u in users
    )
    Star.objects.bulk_create(
        Star(user=u, session=sessions[i % SESSIONS]) for i, u in enumerate(users)
    )


def one_run(n: int, sink_log: Path) -> dict:
    from django.db import transaction

    from events import services
    from events.models import Forum, Session

    forum = Forum.objects.get(edition=2021)
    marks = {}
    for session in Session.objects.filter(code__startswith="release-bench-").order_by("code"):
        later = session.starts_at + timedelta(minutes=5)  # every run moves every session
        services.stage_session_change(
            session, starts_at=later, ends_at=later + timedelta(minutes=45)
        )
    skip = len(sink_log.read_text(encoding="utf-8", errors="replace").splitlines())
    started = time.time()
    with transaction.atomic():
        transaction.on_commit(lambda: marks.setdefault("commit", time.time()))
        release = services.release_schedule(forum, note_en=f"Run {n}", note_zh=f"第{n}次")
    queued = time.time()  # the receiver ran in on_commit, after the first hook
    from notifications.models import OutboundMessage

    rows = OutboundMessage.objects.filter(idempotency_key__startswith=f"release:{release.pk}:")

    def arrivals() -> list[tuple[float, str]]:
        lines = sink_log.read_text(encoding="utf-8", errors="replace").splitlines()[skip:]
        return [(float(at), rcpt) for at, rcpt, _subject in (x.split("\t", 2) for x in lines)]

    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and len({r for _a, r in arrivals()}) < PEOPLE:
        time.sleep(0.05)
    time.sleep(1.0)  # late duplicates would arrive now
    got = arrivals()
    first: dict[str, float] = {}
    for at, rcpt in sorted(got):
        first.setdefault(rcpt, at)
    lost = PEOPLE - len(first)
    commit = marks["commit"]
    seconds = (max(first.values()) - commit) if first and not lost else None
    return {
        "commit": commit - started,
        "queued": queued - commit,
        "seconds": seconds,
        "rate": PEOPLE / seconds if seconds else 0.0,
        "rows": rows.count(),
        "lost": lost,
        "duplicated": len(got) - len(first),
    }


def main() -> int:
    database_url = os.environ.get(
        "RELEASE_BENCH_DATABASE_URL",
        nb.own_database_url(
            os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zgc_bench")
        ).replace("_notifications", "_release"),
    )
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5"
    queue = f"bench-release-{os.getpid()}"
    smtp_port = nb.free_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "zgcforum.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "0",
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "DEBUG": os.environ.get("DEBUG", "1"),
    }
    if env["DEBUG"] == "0" and not os.environ.get("SECRET_KEY"):
        env["SECRET_KEY"] = "bench-only-" + uuid.uuid4().hex * 2
    if env["DEBUG"] == "0" and not os.environ.get("SITE_URL"):
        env["SITE_URL"] = "http://127.0.0.1"
    lock = nb.ensure_database(database_url)
    prepare_django(env)
    child_env = {**os.environ, **env}
    tmp = Path(tempfile.mkdtemp(prefix="release-bench-"))
    sink_log, sink_out, worker_log = tmp / "sink.tsv", tmp / "sink.out", tmp / "worker.log"
    sink_log.touch()
    sink = worker = None
    try:
        sink = nb.start(
            [sys.executable, nb.__file__, "--sink", str(smtp_port), str(sink_log)],
            child_env,
            sink_out,
        )
        nb.wait_for_text(sink_out, "ready", sink)
        worker = nb.start(
            [
                str(Path(sys.executable).with_name("celery")),
                *("-A", "zgcforum", "worker", "-Q", queue, "-n", f"{queue}@%h", "-c", "2"),
                *("-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat"),
            ],
            child_env,
            worker_log,
        )
        nb.wait_for_text(worker_log, " ready.", worker)
        results = [one_run(n, sink_log) for n in range(1, RUNS + 1)]
    finally:
        nb.stop(worker, signal.SIGQUIT)
        nb.stop(sink)
        lock.close()
    lost = sum(r["lost"] for r in results)
    duplicated = sum(r["duplicated"] for r in results)

    def cell(key, fmt):
        values = [r[key] for r in results if r[key] is not None]
        if not values:
            return "—"
        return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"

    print(
        "| scenario | runs | release commits in, s | request after commit, s | "
        "commit → 500th digest accepted, s | digests/s | rows | lost | duplicated |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {SESSIONS} moved sessions, {PEOPLE} people, one `celery worker -c 2`, aiosmtpd "
        f"| {len(results)} | {cell('commit', '{:.2f}')} | {cell('queued', '{:.2f}')} "
        f"| {cell('seconds', '{:.2f}')} | {cell('rate', '{:.0f}')} "
        f"| {'/'.join(str(r['rows']) for r in results)} | {lost} | {duplicated} |"
    )
    return 1 if lost or duplicated else 0


if __name__ == "__main__":
    sys.exit(main())
