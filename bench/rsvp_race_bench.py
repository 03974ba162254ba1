"""RSVP race: 200 delegates reserve a 50-seat session at once, over real HTTP.

``.venv/bin/python bench/rsvp_race_bench.py`` (``make bench`` runs it after the pages, against its
gunicorn: ``BENCH_URL``). Run alone, it serves the project itself with ``bench/run.py``'s gunicorn
(4 gthread workers × 8 threads, so at most 32 database connections) on the bench database.

It prepares 200 approved delegates (``rsvp-bench-NNN@bench.zgcforum.example``), logs each in by
writing a Django session row, and one published session needing RSVP, 50 seats in a 60-seat
room. Each run empties the session's RSVPs, releases 40 client threads at once behind a barrier;
each sends its 5 POSTs to ``/delegates/sessions/<code>/rsvp/`` on one keep-alive connection. Then
it checks the outcome in the database: exactly 50 confirmed, 150 waitlisted whose computed
positions are 1..150, 200 distinct delegates, every answer a redirect to the agenda.

Prints a markdown table (RSVPs/s median (min–max), p50/p99 ms, outcome). Exits 1 on a wrong
outcome or a failed request, 2 when it cannot run. Leaves no process running.
"""

import contextlib
import http.client
import os
import secrets
import statistics
import string
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 200
CLIENT_THREADS = 40
SEATS = 50
ROOM_SEATS = 60
RUNS = 1 if os.environ.get("BENCH_QUICK") == "1" else 3
CODE = "bench-rsvp-race"
DOMAIN = "bench.zgcforum.example"
PATH = f"/delegates/sessions/{CODE}/rsvp/"


def setup_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare() -> tuple[object, list[str]]:
    """The session and one logged-in session cookie per delegate (idempotent)."""
    from datetime import UTC, datetime, timedelta

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from delegates.models import Category, Registration
    from events.models import Event, Forum, Room, Session, Venue

    forum = Forum.objects.filter(is_published=True).order_by("-edition").first()
    if forum is None:
        call_command("seed_demo", "--as-held", verbosity=0)
        forum = Forum.objects.filter(is_published=True).order_by("-edition").first()
    venue, _ = Venue.objects.update_or_create(
        slug="bench-rsvp", defaults={"name_en": "Bench venue", "name_zh_hans": "压测会场"}
    )
    room, _ = Room.objects.update_or_create(
        venue=venue,
        slug="bench-rsvp",
        defaults={"name_en": "Bench room", "name_zh_hans": "压测会议室", "capacity": ROOM_SEATS},
    )
    event, _ = Event.objects.update_or_create(
        forum=forum,
        slug="bench-rsvp",
        defaults={
            "section": forum.sections.order_by("pk").first(),
            "title_en": "RSVP race bench",
            "title_zh_hans": "预约压测",
            "is_published": True,
            "is_public": True,
        },
    )
    starts = datetime.combine(forum.ends_on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=2)
    session, _ = Session.objects.update_or_create(
        code=CODE,
        defaults={
            "event": event,
            "title_en": "RSVP race",
            "title_zh_hans": "预约竞争",
            "room": room,
            "starts_at": starts,
            "ends_at": starts + timedelta(minutes=30),
            "capacity": SEATS,
            "rsvp_required": True,
            "rsvp_closes_at": datetime(2099, 1, 1, tzinfo=UTC),
            "is_cancelled": False,
        },
    )
    category, _ = Category.objects.get_or_create(
        slug="delegate", defaults={"name_en": "Delegate", "name_zh_hans": "参会代表"}
    )
    emails = [f"rsvp-bench-{i:03d}@{DOMAIN}" for i in range(REQUESTS)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        User(email=e, name=f"Bench {e[11:14]}", language="en", password="!")
        for e in emails
        if e not in existing
    )
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    now = timezone.now()
    Registration.objects.bulk_create(
        [
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
        ],
        ignore_conflicts=True,
    )
    Registration.objects.filter(user__in=users).update(status=Registration.Status.APPROVED)
    backend = settings.AUTHENTICATION_BACKENDS[-1]
    cookies = []
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(store.session_key)
    return session, cookies


def one_run(base: str, session, cookies: list[str]) -> dict:
    from django.db import connection

    from delegates.models import RSVP
    from delegates.services import waitlist_position

    RSVP.objects.filter(session=session).delete()
    connection.close()
    parts = urlsplit(base)
    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    barrier = threading.Barrier(CLIENT_THREADS + 1)
    results: list[tuple[int, str, float]] = []
    lock = threading.Lock()
    chunks = [cookies[i::CLIENT_THREADS] for i in range(CLIENT_THREADS)]

    def client(mine: list[str]):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        barrier.wait()
        for key in mine:
            started = time.perf_counter()
            try:
                conn.request(
                    "POST",
                    PATH,
                    body=f"csrfmiddlewaretoken={csrf}",
                    headers={
                        "Cookie": f"sessionid={key}; csrftoken={csrf}",
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
                response = conn.getresponse()
                response.read()
                outcome = (response.status, response.getheader("Location", ""))
            except OSError as exc:
                outcome = (0, repr(exc))
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            with lock:
                results.append((*outcome, time.perf_counter() - started))
        conn.close()

    threads = [threading.Thread(target=client, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join(120)
    elapsed = time.perf_counter() - started

    rows = list(RSVP.objects.filter(session=session))
    confirmed = sum(r.status == RSVP.Status.CONFIRMED for r in rows)
    positions = sorted(waitlist_position(r) for r in rows if r.status == RSVP.Status.WAITLISTED)
    bad = [(s, loc) for s, loc, _t in results if s != 302 or not loc.endswith("/delegates/agenda/")]
    latencies = sorted(t for _s, _l, t in results)
    problems = []
    if len(results) != REQUESTS or bad:
        problems.append(f"{len(bad)} bad answers of {len(results)}: {bad[:3]}")
    if len(rows) != REQUESTS or len({r.user_id for r in rows}) != REQUESTS:
        problems.append(f"{len(rows)} RSVPs for {REQUESTS} requests")
    if confirmed != SEATS:
        problems.append(f"{confirmed} confirmed, not {SEATS}")
    if positions != list(range(1, REQUESTS - SEATS + 1)):
        problems.append(f"waitlist positions {positions[:3]}…{positions[-3:]} have gaps")
    connection.close()
    return {
        "rate": REQUESTS / elapsed,
        "p50": latencies[len(latencies) // 2] * 1000 if latencies else 0,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0,
        "confirmed": confirmed,
        "waitlisted": len(positions),
        "positions": f"{positions[0]}..{positions[-1]}" if positions else "–",
        "problems": problems,
    }


def report(runs: list[dict]) -> str:
    rates = [r["rate"] for r in runs]
    rate = f"{statistics.median(rates):,.0f}"
    if len(rates) > 1:
        rate += f" ({min(rates):,.0f}–{max(rates):,.0f})"
    problems = [p for r in runs for p in r["problems"]]
    outcome = "ok" if not problems else "**FAIL**: " + "; ".join(problems)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join(
        [
            f"{REQUESTS} RSVP POSTs over HTTP, {CLIENT_THREADS} client threads behind a barrier, "
            f"{SEATS} seats; {len(runs)} run(s); load average after {load}.",
            "",
            "| RSVPs/s median (min–max) | p50 ms | p99 ms | confirmed | waitlisted | "
            "positions | outcome |",
            "|---:|---:|---:|---:|---:|---|---|",
            f"| {rate} | {statistics.median(r['p50'] for r in runs):.0f} | "
            f"{statistics.median(r['p99'] for r in runs):.0f} | "
            f"{'/'.join(str(r['confirmed']) for r in runs)} | "
            f"{'/'.join(str(r['waitlisted']) for r in runs)} | "
            f"{'/'.join(r['positions'] for r in runs)} | {outcome} |",
        ]
    )


def main() -> int:
    base = os.environ.get("BENCH_URL", "")
    serving = contextlib.nullcontext(base)
    if base:
        env = {}
    else:
        sys.path.insert(0, str(ROOT))
        from bench import run

        run.RESULTS.mkdir(exist_ok=True)
        env = run.bench_env()
        serving = run.serve()
    try:
        setup_django(env)
        if not base:  # alone: the bench database may be new
            from django.core.management import call_command

            call_command("migrate", verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
        session, cookies = prepare()
        with serving as url:
            runs = [one_run(url, session, cookies) for _ in range(RUNS)]
    except Exception as exc:  # noqa: BLE001 - the harness reads the exit code
        print(f"rsvp_race_bench could not run: {exc!r}", file=sys.stderr)
        return 2
    print(report(runs))
    return 1 if any(r["problems"] for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
