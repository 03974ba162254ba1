"""Time pages in process, one request at a time, with every cache off (issue 27's cold path).

    DATABASE_URL=postgres://…/zgc_x .venv/bin/python bench/inprocess.py [-n 60] [--profile] [PAGE…]

The database must hold the demo (``seed_demo --as-held``). Pages (default: all):

- ``floor``: ``/healthz/``, the floor of ``make bench`` (a template, no database, every middleware);
- ``day``: ``/schedule/?day=2021-09-24``, anonymous, every cache off;
- ``day-zh``: the same day under ``/zh-hans/``;
- ``session``: the opening ceremony's session page, every cache off;
- ``speaker``: the first speaker's page, every cache off;
- ``delegate``: the day page for the bench's delegate (40 stars, 10 seats, ``bench/personas.py``),
  the shared day fragment cached as in production (a local-memory cache here, Redis there);
- ``ics``, ``ics-zh``, ``json``: the whole-forum iCalendar (English, Chinese) and
  ``/api/schedule.json``, every cache off; ``event-ics``, ``session-ics``: the opening
  ceremony's event and session calendars, every cache off;
- ``feed``: that delegate's personal calendar feed (``/delegates/agenda/<token>.ics``, ~50
  sessions: the 40 stars and 10 seats), every cache off.

Each page is fetched a few times first (imports, templates, connections), then ``-n`` times; the
median, minimum and 90th percentile go to stdout with the load average, and the median of the
process's CPU time per request (what this process computed, without waiting for the database or
for a core: steadier than the clock on a shared, loaded machine). ``--profile`` runs
cProfile over the timed requests of each page and prints the top 20 functions by their own time
and by cumulative time. Nothing here is cached for the cold pages: Django's caches are
``DummyCache`` and the whole-page cache is off, as in ``bench/nocache_settings.py``.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAY = "2021-09-24"


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.nocache_settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "in-process-bench-" + "x" * 40)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("SECURE_COOKIES", "0")
    os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
    import django

    django.setup()


def cold_settings():
    from django.test import override_settings

    return override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
        PUBLIC_PAGE_CACHE=False,
    )


def warm_settings():
    from django.test import override_settings

    return override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        PUBLIC_PAGE_CACHE=True,
    )


def pages() -> dict:
    """name → (path, settings context, logged in)."""
    from events import selectors

    forum = selectors.current_forum()
    speaker = selectors.public_speakers(forum).order_by("pk").first()
    event = selectors.public_sessions(forum).get(code="opening-ceremony-2").event
    return {
        "floor": ("/healthz/", cold_settings, False),
        "day": (f"/schedule/?day={DAY}", cold_settings, False),
        "day-zh": (f"/zh-hans/schedule/?day={DAY}", cold_settings, False),
        "session": ("/sessions/opening-ceremony-2/", cold_settings, False),
        "speaker": (f"/speakers/{speaker.slug}/", cold_settings, False),
        "delegate": (f"/schedule/?day={DAY}", warm_settings, True),
        "ics": ("/schedule.ics", cold_settings, False),
        "ics-zh": ("/zh-hans/schedule.ics", cold_settings, False),
        "json": ("/api/schedule.json", cold_settings, False),
        "event-ics": (f"/events/{event.slug}/event.ics", cold_settings, False),
        "session-ics": ("/sessions/opening-ceremony-2/session.ics", cold_settings, False),
        "feed": (feed_path, cold_settings, False),
    }


def feed_path() -> str:
    """The bench delegate's feed (made on first use; the same address on every run)."""
    import bench.personas as personas
    from delegates.models import AgendaFeed
    from delegates.services import regenerate_feed

    personas.delegate()
    user = personas.bench_delegate()
    feed = AgendaFeed.objects.filter(user=user).first()
    return f"/delegates/agenda/{(feed or regenerate_feed(user)).token}.ics"


def client_for(logged_in: bool):
    from django.test import Client

    client = Client()
    if logged_in:
        import bench.personas as personas

        client.cookies.load(personas.delegate())
    return client


def measure(name: str, path: str, settings, logged_in: bool, runs: int, profile: bool) -> dict:
    with settings():
        client = client_for(logged_in)
        for _ in range(5):
            response = client.get(path)
            assert response.status_code == 200, (name, path, response.status_code)
        times, cpu = [], []
        backend_before = backend_cpu_ms()
        profiler = cProfile.Profile() if profile else None
        for _ in range(runs):
            if profiler:
                profiler.enable()
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if profiler:
                profiler.disable()
        backend_after = backend_cpu_ms()
    if profiler:
        print(f"\n## {name}: {path}\n")
        for order in ("tottime", "cumulative"):
            pstats.Stats(profiler, stream=sys.stdout).sort_stats(order).print_stats(
                int(os.environ.get("PROFILE_TOP", "20"))
            )
    times.sort()
    return {
        "median": statistics.median(times),
        "min": times[0],
        "p90": times[int(len(times) * 0.9) - 1],
        "cpu": statistics.median(cpu),
        "pg": None if backend_before is None else (backend_after - backend_before) / runs,
    }


def backend_cpu_ms() -> float | None:
    """CPU time (user + system) PostgreSQL's backend of this connection has used so far, from
    /proc (the server runs on this machine); None on SQLite or when /proc does not tell.
    Its difference over a run, per request, is the database's share that in-process CPU misses
    (planning and executing the page's statements), at the kernel's 10 ms tick resolution."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", help="day, day-zh, session, speaker, delegate")
    parser.add_argument("-n", type=int, default=60, help="timed requests per page")
    parser.add_argument("--profile", action="store_true", help="cProfile top 20 per page")
    args = parser.parse_args(argv)
    setup()
    known = pages()
    names = args.pages or list(known)
    unknown = set(names) - set(known)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average before: {load} ({os.cpu_count()} CPUs); {args.n} requests per page")
    print(
        "| page | path | median ms | min ms | p90 ms | CPU ms (median) | PostgreSQL CPU ms (mean) |"
        "\n|---|---|---:|---:|---:|---:|---:|"
    )
    for name in names:
        path, settings, logged_in = known[name]
        path = path() if callable(path) else path
        result = measure(name, path, settings, logged_in, args.n, args.profile)
        print(
            f"| {name} | `{path}` | {result['median']:.1f} | {result['min']:.1f} | "
            f"{result['p90']:.1f} | {result['cpu']:.1f} | "
            + ("–" if result["pg"] is None else f"{result['pg']:.2f}")
            + " |",
            flush=True,
        )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average after: {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
