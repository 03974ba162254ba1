"""``make bench-cold``: this project with every cache off, side by side with pretalx (issue 27).

1. pretalx: ``bench/pretalx/setup.sh`` (venv with Python >= 3.13 outside the repository, SQLite,
   the same 2021 forum), then gunicorn with 2 sync workers and a private Redis;
2. this project: ``seed_demo --flush --as-held`` into its own PostgreSQL database, served by
   gunicorn with 2 sync workers under ``bench/nocache_settings.py`` (every cache a no-op);
3. each pair of ``PAIRS`` must answer 200 and show the expected talk or speaker on both sides,
   before and after the timed runs;
4. ``wrk -t2 -c8 -d10s`` on each side of each pair, pairs interleaved, 3 repeats: medians and ranges;
5. SQL queries per page: ours through Django's test client (``--probe``), pretalx's through its own
   (``bench/pretalx/count_queries.py`` in its venv);
6. scale 10 (a second database): each cold page's p50 from one client (``wrk -t1 -c1``), scale 1 and
   10 interleaved, against issue 27's "at most 2×" (exports: no worse than linear);
7. a personal feed of 50 sessions, p50 in process (target 10 ms);
8. a release in process (one session re-titled): the release's own duration, the first JSON
   request after it (built from scratch: its exports are not prepared yet), the preparation of
   its exports' fragments (the task the release hands to Celery) and the first request after it.

Writes ``bench/results/<date>-side-by-side.md`` and the "Cold, side by side" section of
bench/README.md. Exit 1 when a page fails its check, 2 when the harness cannot run.

    .venv/bin/python bench/side_by_side.py [--quick] [--no-scale10]
"""

import argparse
import fcntl
import html
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402
from deploy.stack import git_commit, load_average  # noqa: E402

PRETALX_HOME = Path(os.environ.get("PRETALX_HOME", Path.home() / ".cache" / "zgc-bench"))
PRETALX_BIN = PRETALX_HOME / "pretalx" / "bin"
PRETALX_CONFIG = PRETALX_HOME / "pretalx-data" / "pretalx.cfg"
PRETALX_PORT = int(os.environ.get("PRETALX_PORT", "8701"))
PRETALX_REDIS_PORT = int(os.environ.get("PRETALX_REDIS_PORT", "6391"))
# Our own databases and Redis databases: make bench's (zgc_bench, Redis 5 and 6) are left alone.
DATABASES = {
    1: os.environ.get("COLD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zgc_sidebyside"),
    10: os.environ.get(
        "COLD_DATABASE_URL_10", "postgres://postgres@127.0.0.1:5432/zgc_sidebyside10"
    ),
}
REDIS_URLS = (
    os.environ.get("COLD_REDIS_URL", "redis://127.0.0.1:6379/14"),
    os.environ.get("COLD_CACHE_URL", "redis://127.0.0.1:6379/15"),
)
SYNC_WORKERS = ["--worker-class=sync", "--workers=2"]
OURS_GUNICORN = [run.GUNICORN[0], "zgcforum.wsgi", *SYNC_WORKERS]
# As browsers send it: pretalx's /schedule/ answers a request without it with a text table.
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
HEADERS = {"Accept": ACCEPT}
# pretalx's schedule and iCalendar take 0.6 s from one client; 8 connections queue for 2 sync
# workers, so on a busy machine (2.5 s a request) the last in line waits 4 × 2.5 s: past wrk's
# default 2 s, and even 10 s, which would drop those requests from the latencies. gunicorn's own
# worker timeout is 30 s.
WRK_TIMEOUT = 30
FULL = {"repeats": 3, "seconds": 10, "single_seconds": 5}
QUICK = {"repeats": 1, "seconds": 5, "single_seconds": 3}
FEED_SESSIONS, FEED_TARGET_MS = 50, 10.0
SCALE_TARGET = 2.0  # a page's p50 at scale 10 over scale 1; an export may grow linearly (10×)
README = ROOT / "bench" / "README.md"
SECTION = "## Cold, side by side (issue 27)"


@dataclass(frozen=True)
class Pair:
    """A page of ours and pretalx's equivalent. Paths are formatted with what the probe found
    (``session``, ``speaker``) and the pretalx seed's keys (``EVENT_SLUG``, ``TALK_CODE``,
    ``SPEAKER_CODE``); both sides must show the ``shows`` text ("talk" or "speaker")."""

    label: str
    ours: str
    pretalx: str
    shows: str
    goal: float  # our req/s at least goal × pretalx's
    export: bool = False  # grows with the forum: at scale 10 "no worse than linear"


PAIRS = [
    Pair(
        "day schedule / pretalx's server-rendered schedule",
        "/schedule/?day=2021-09-24",
        "/{EVENT_SLUG}/schedule/nojs",
        "talk",
        10,
    ),
    Pair(
        "whole-forum iCalendar / pretalx's",
        "/schedule.ics",
        "/{EVENT_SLUG}/schedule.ics",
        "talk",
        10,
        export=True,
    ),
    Pair(
        "/api/schedule.json / pretalx's widget JSON (cached by pretalx)",
        "/api/schedule.json",
        "/{EVENT_SLUG}/schedule/widgets/schedule.json",
        "talk",
        2,
        export=True,
    ),
    Pair(
        "session page / talk page",
        "/sessions/{session}/",
        "/{EVENT_SLUG}/talk/{TALK_CODE}/",
        "talk",
        10,
    ),
    Pair(
        "speaker page / speaker page",
        "/speakers/{speaker}/",
        "/{EVENT_SLUG}/speaker/{SPEAKER_CODE}/",
        "speaker",
        10,
    ),
]


# --- numbers and the report ------------------------------------------------------------------


def median_range(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def rate(runs: list[run.WrkRun]) -> str:
    """ "101 (95–110)": the median req/s and its range, or one value for one run."""
    middle, low, high = median_range([r.rps for r in runs])
    spread = f" ({run.number(low)}–{run.number(high)})" if len(runs) > 1 else ""
    return run.number(middle) + spread


def p50(runs: list[run.WrkRun]) -> float:
    return statistics.median(r.p50_ms for r in runs)


def ratio(ours: float, theirs: float) -> float:
    return ours / theirs if theirs else float("inf")


def verdict(value: float, goal: float, *, at_most: bool = False) -> str:
    met = value <= goal if at_most else value >= goal
    return "met" if met else "**not met**"


def parse_keys(output: str) -> dict[str, str]:
    """The ``KEY=value`` lines bench/pretalx/seed.py prints (other lines ignored)."""
    return dict(line.split("=", 1) for line in output.splitlines() if re.match(r"^[A-Z_]+=", line))


def shows(body: str, text: str) -> bool:
    """Whether a page shows ``text``: as is, HTML-escaped, JSON-escaped, or in an iCalendar
    (long lines folded, commas and semicolons escaped)."""
    unfolded = body.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")
    return any(
        form in haystack
        for form in (text, html.escape(text), json.dumps(text)[1:-1])
        for haystack in (body, unfolded)
    )


@dataclass
class PairResult:
    pair: Pair
    ours_path: str
    pretalx_path: str
    ours: list[run.WrkRun] = field(default_factory=list)
    pretalx: list[run.WrkRun] = field(default_factory=list)
    ours_queries: int | None = None
    pretalx_queries: int | None = None

    @property
    def ratio(self) -> float:
        return ratio(
            statistics.median(r.rps for r in self.ours),
            statistics.median(r.rps for r in self.pretalx),
        )


def queries(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def render_pairs(results: list[PairResult]) -> str:
    lines = [
        "| pair (ours / pretalx) | ours req/s | pretalx req/s | ratio | goal | "
        "p50 ms ours / pretalx | SQL queries ours / pretalx |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        value = r.ratio
        lines.append(
            f"| {r.pair.label}<br>`{r.ours_path}` / `{r.pretalx_path}` | {rate(r.ours)} "
            f"| {rate(r.pretalx)} | {value:.1f}× | ≥ {r.pair.goal:g}×: {verdict(value, r.pair.goal)} "
            f"| {p50(r.ours):.1f} / {p50(r.pretalx):.1f} "
            f"| {queries(r.ours_queries)} / {queries(r.pretalx_queries)} |"
        )
    return "\n".join(lines)


@dataclass
class ScaleResult:
    pair: Pair
    path1: str
    path10: str
    scale1: list[run.WrkRun] = field(default_factory=list)
    scale10: list[run.WrkRun] = field(default_factory=list)
    queries1: int | None = None
    queries10: int | None = None

    @property
    def goal(self) -> float:
        return 10.0 if self.pair.export else SCALE_TARGET

    @property
    def ratio(self) -> float:
        return ratio(p50(self.scale10), p50(self.scale1))


def render_scale(results: list[ScaleResult]) -> str:
    lines = [
        "| page (cache off) | p50 ms, scale 1 | p50 ms, scale 10 | ratio | goal "
        "| SQL queries scale 1 / 10 |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for r in results:
        path = r.path1 if r.path1 == r.path10 else f"{r.path1}` / `{r.path10}"
        lines.append(
            f"| `{path}` | {p50(r.scale1):.1f} | {p50(r.scale10):.1f} | {r.ratio:.1f}× "
            f"| ≤ {r.goal:g}×: {verdict(r.ratio, r.goal, at_most=True)} "
            f"| {queries(r.queries1)} / {queries(r.queries10)} |"
        )
    return "\n".join(lines)


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def render_feed(feeds: dict[int, dict]) -> str:
    lines = []
    for scale, feed in sorted(feeds.items()):
        lines.append(
            f"- personal feed of {feed['events']} sessions (`/delegates/agenda/<token>.ics`), "
            f"in process, scale {scale}: p50 {feed['p50_ms']:.1f} ms "
            f"(min {feed['min_ms']:.1f}, {feed['runs']} GETs, {plural(feed['queries'], 'query', 'queries')}); "
            f"target ≤ {FEED_TARGET_MS:g} ms: {verdict(feed['p50_ms'], FEED_TARGET_MS, at_most=True)}"
        )
    return "\n".join(lines)


def render_release(releases: dict[int, dict]) -> str:
    return "\n".join(
        f"- a release (one session re-titled), in process, scale {scale}: the release "
        f"{r['release_ms']:.0f} ms, then its exports' fragments and its sessions' pages and cards "
        f"prepared in {r['prepare_ms']:.0f} ms "
        f"({r['fragments']} fragments, the task the release hands to Celery); "
        f"`/api/schedule.json` first after the release {r['first_ms']:.1f} ms (built from scratch), "
        f"first after the preparation {r['prepared_ms']:.1f} ms; "
        + "; ".join(
            f"the re-titled session's {name} page first after the release {before:.1f} ms, "
            f"first after the preparation {after:.1f} ms"
            for name, (before, after) in r["pages"].items()
        )
        for scale, r in sorted(releases.items())
    )


HOW = """\
`make bench-cold` (`.venv/bin/python bench/side_by_side.py`; `--quick` for one short repeat,
`--no-scale10` to skip the scale-10 database) serves this project with **every cache a no-op**
(`bench/nocache_settings.py`, demo seeded `--as-held` into `zgc_sidebyside`) beside **pretalx
2026.2.1** with its own defaults (`bench/pretalx/setup.sh`: a venv with Python ≥ 3.13 in
`~/.cache/zgc-bench`, SQLite, a private Redis, the same 2021 forum seeded by `bench/pretalx/seed.py`;
`bash bench/pretalx/setup.sh [--reset]` alone sets it up or seeds it afresh), both under
gunicorn with 2 sync workers, and runs `wrk -t2 -c8 -d10s` on each side of each pair, pairs
interleaved, 3 repeats (medians, ranges in brackets). Both sides send a browser's `Accept`.
Every page must answer 200 and show the expected talk or speaker before and after its runs.
Query counts: the second GET through each side's Django test client. The scale-10 table compares
the p50 from one client (`wrk -t1 -c1`) on a second database seeded `--scale 10`, both scales
served at once and measured alternately. The machine has 2 cores shared with other work: read the
ratios, not the absolute rates, and the load average. Requests wrk counts as unanswered in 30 s
are listed under "Failures" (on 2026-12-06 pretalx's iCalendar showed some at 6 req/s, where no
request should wait that long; its answers carry a Content-Length and `Connection: close`; the
cause is not found yet)."""


def render_report(meta: dict, pairs: str, scale: str, feed: str, failures: list[str]) -> str:
    parts = [
        f"Run of {meta['date']} at {meta['commit']}; {meta['method']}; load average (1, 5, 15 min) "
        f"before {meta['load_before']}, after {meta['load_after']} ({os.cpu_count()} CPUs). "
        f"Ours: {meta['seeded']}. pretalx: {meta['pretalx']}.",
        pairs,
    ]
    if scale:
        parts.append(scale)
    if feed:
        parts.append(feed)
    if failures:
        parts.append("**Failures:**\n\n" + "\n".join(f"- {f}" for f in failures))
    return "\n\n".join(parts) + "\n"


def replace_section(text: str, heading: str, body: str) -> str:
    """``text`` with the section under ``heading`` (up to the next ``## `` heading) replaced by
    ``body``; the section is appended when it is missing."""
    section = f"{heading}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        return pattern.sub(lambda _match: section + "\n", text, count=1).rstrip("\n") + "\n"
    return text.rstrip("\n") + "\n\n" + section


# --- the servers -----------------------------------------------------------------------------


def fetch(base: str, path: str) -> tuple[int, str]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def check(base: str, path: str, text: str, when: str) -> str:
    """ "" when ``path`` answers 200 showing ``text`` (and 20 more GETs answer 2xx)."""
    try:
        status, body = fetch(base, path)
    except OSError as exc:
        return f"{base}{path} {when}: {exc}"
    if status != 200:
        return f"{base}{path} {when}: answered {status}"
    if not shows(body, text):
        return f"{base}{path} {when}: does not show {text!r}"
    error = run.warm_up(base, path, HEADERS)
    return f"{base}{path} {when}: {error}" if error else ""


@contextmanager
def database(scale: int):
    """bench/run.py's helpers read its module's URLs at each call: point them at ours."""
    saved = run.DATABASE_URL, run.REDIS_URL, run.CACHE_URL
    run.DATABASE_URL = DATABASES[scale]
    run.REDIS_URL, run.CACHE_URL = REDIS_URLS
    try:
        yield
    finally:
        run.DATABASE_URL, run.REDIS_URL, run.CACHE_URL = saved


def seed(scale: int) -> str:
    """Migrate and seed the scale's database; the seed's summary line."""
    with database(scale):
        run.prepare_database(fresh=False)
        run.manage("migrate", "--noinput")
        output = run.manage("seed_demo", "--flush", "--as-held", "--scale", str(scale))
        run.empty_cache()
    line = next((line for line in output.splitlines() if line.startswith("Demo forum")), "?")
    return line.rstrip(".")


@contextmanager
def serve_ours(scale: int):
    with database(scale), run.serve("bench.nocache_settings", OURS_GUNICORN) as base:
        yield base


def probe(scale: int) -> dict:
    """``--probe`` under the cold settings on the scale's database (see ``probe_main``)."""
    with database(scale):
        done = subprocess.run(
            [sys.executable, __file__, "--probe"],
            cwd=ROOT,
            env=run.bench_env("bench.nocache_settings"),
            capture_output=True,
            text=True,
        )
    line = next((x for x in done.stdout.splitlines() if x.startswith("PROBE=")), None)
    if done.returncode or line is None:
        raise run.BenchError(f"the probe failed:\n{done.stdout}{done.stderr}")
    return json.loads(line.removeprefix("PROBE="))


def pretalx_env() -> dict:
    return os.environ | {"PRETALX_CONFIG_FILE": str(PRETALX_CONFIG)}


def setup_pretalx() -> dict[str, str]:
    """bench/pretalx/setup.sh (idempotent): the seed's keys."""
    done = subprocess.run(
        ["bash", str(ROOT / "bench" / "pretalx" / "setup.sh")],
        env=os.environ | {"PRETALX_PORT": str(PRETALX_PORT)},
        capture_output=True,
        text=True,
    )
    keys = parse_keys(done.stdout)
    if done.returncode or "EVENT_SLUG" not in keys:
        raise run.BenchError(f"bench/pretalx/setup.sh failed:\n{done.stdout}{done.stderr}")
    return keys


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def serve_pretalx(probe_path: str):
    """A private redis-server and pretalx under gunicorn (2 sync workers); yields the base URL."""
    import redis

    base = f"http://127.0.0.1:{PRETALX_PORT}"
    log_path = run.RESULTS / "pretalx.log"
    with ExitStack() as stack:
        log = stack.enter_context(open(log_path, "a"))
        cache = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(PRETALX_REDIS_PORT)]
            + ["--save", "", "--appendonly", "no"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(stop, cache)
        server = subprocess.Popen(
            [str(PRETALX_BIN / "gunicorn"), "pretalx.wsgi", *SYNC_WORKERS]
            + [f"--bind=127.0.0.1:{PRETALX_PORT}", "--log-level=warning"],
            env=pretalx_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(stop, server)
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None or cache.poll() is not None:
                raise run.BenchError(f"pretalx or its Redis exited: see {log_path}")
            try:
                redis.Redis(port=PRETALX_REDIS_PORT).ping()
                if fetch(base, probe_path)[0] == 200:
                    break
            except (OSError, redis.RedisError):
                pass
            if time.monotonic() > deadline:
                raise run.BenchError(f"pretalx did not answer in 60 s: see {log_path}")
            time.sleep(0.5)
        yield base


def pretalx_queries(paths: list[str]) -> dict:
    """Queries per page in pretalx's venv (its Redis must be up); {} when that fails."""
    done = subprocess.run(
        [str(PRETALX_BIN / "python"), str(ROOT / "bench" / "pretalx" / "count_queries.py")]
        + [f"127.0.0.1:{PRETALX_PORT}", ACCEPT, *paths],
        env=pretalx_env(),
        capture_output=True,
        text=True,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("QUERIES=")), None)
    if done.returncode or line is None:
        print(f"pretalx query counts failed:\n{done.stderr[-2000:]}", file=sys.stderr)
        return {}
    return json.loads(line.removeprefix("QUERIES="))


# --- the run ---------------------------------------------------------------------------------


def measure_pairs(ours: str, theirs: str, results: list[PairResult], mode: dict) -> None:
    """Each side of each pair in turn, the pairs interleaved, ``repeats`` times."""
    for repeat in range(mode["repeats"]):
        for r in results:
            r.ours.append(run.run_wrk(ours + r.ours_path, mode["seconds"], headers=HEADERS))
            r.pretalx.append(run.run_wrk(theirs + r.pretalx_path, mode["seconds"], headers=HEADERS))
            print(
                f"  [{repeat + 1}] {r.pair.label}: ours {r.ours[-1].rps:.1f}, "
                f"pretalx {r.pretalx[-1].rps:.1f} req/s",
                file=sys.stderr,
            )


def measure_scales(base1: str, base10: str, results: list[ScaleResult], mode: dict) -> None:
    for _ in range(mode["repeats"]):
        for r in results:
            for base, path, runs in ((base1, r.path1, r.scale1), (base10, r.path10, r.scale10)):
                runs.append(
                    run.run_wrk(
                        base + path,
                        mode["single_seconds"],
                        connections=1,
                        headers=HEADERS,
                        timeout=WRK_TIMEOUT,
                    )
                )
            print(
                f"  {r.path1}: p50 {r.scale1[-1].p50_ms:.1f} ms at scale 1, "
                f"{r.scale10[-1].p50_ms:.1f} ms at scale 10",
                file=sys.stderr,
            )


def wrk_failures(label: str, runs: list[run.WrkRun]) -> list[str]:
    """What went wrong under wrk, by kind: answers of 400 or more, socket errors, timeouts."""
    kinds = {
        "answers of 400 or more": sum(r.non2xx for r in runs),
        "socket errors (connect, read, write)": sum(r.socket_errors for r in runs),
        f"requests unanswered in {WRK_TIMEOUT} s": sum(r.timeouts for r in runs),
    }
    found = [f"{n} {kind}" for kind, n in kinds.items() if n]
    total = sum(r.requests for r in runs)
    return [f"{label}: {', '.join(found)} (of {total} requests)"] if found else []


def side_by_side(*, quick: bool, scale10: bool) -> tuple[str, list[str]]:
    mode = QUICK if quick else FULL
    print("pretalx: bench/pretalx/setup.sh", file=sys.stderr)
    keys = setup_pretalx()
    print("ours: migrate, collectstatic, seed_demo --as-held", file=sys.stderr)
    with database(1):
        run.prepare_database(fresh=False)
        run.manage("migrate", "--noinput")
        run.manage("collectstatic", "--noinput")
    seeded = {1: seed(1)}
    if scale10:
        print("ours: seed_demo --as-held --scale 10", file=sys.stderr)
        seeded[10] = seed(10)
    probes = {scale: probe(scale) for scale in seeded}
    texts = {
        "ours": {"talk": probes[1]["session_title"], "speaker": probes[1]["speaker_name"]},
        "pretalx": {"talk": keys["TALK_TITLE"], "speaker": keys["SPEAKER_NAME"]},
    }
    results = [
        PairResult(
            pair,
            pair.ours.format(**probes[1]),
            pair.pretalx.format(**keys),
            ours_queries=probes[1]["queries"].get(pair.ours.format(**probes[1])),
        )
        for pair in PAIRS
    ]
    failures: list[str] = []
    load_before = load_average()
    with (
        serve_pretalx(results[0].pretalx_path) as theirs,
        serve_ours(1) as ours,
    ):
        counted = pretalx_queries([r.pretalx_path for r in results])
        for r in results:
            r.pretalx_queries = counted.get(r.pretalx_path, {}).get("queries")
            failures += [
                check(base, path, texts[side][r.pair.shows], "before the runs")
                for side, base, path in (
                    ("ours", ours, r.ours_path),
                    ("pretalx", theirs, r.pretalx_path),
                )
            ]
        failures = [f for f in failures if f]
        checked = not failures
        if checked:
            measure_pairs(ours, theirs, results, mode)
            for r in results:
                failures += wrk_failures(r.ours_path, r.ours) + wrk_failures(
                    r.pretalx_path, r.pretalx
                )
                failures += [
                    f
                    for f in (
                        check(ours, r.ours_path, texts["ours"][r.pair.shows], "after the runs"),
                        check(
                            theirs, r.pretalx_path, texts["pretalx"][r.pair.shows], "after the runs"
                        ),
                    )
                    if f
                ]
    scale_table = ""
    if scale10 and checked:
        scales = [
            ScaleResult(
                pair,
                pair.ours.format(**probes[1]),
                pair.ours.format(**probes[10]),
                queries1=probes[1]["queries"].get(pair.ours.format(**probes[1])),
                queries10=probes[10]["queries"].get(pair.ours.format(**probes[10])),
            )
            for pair in PAIRS
        ]
        print("scale 1 and 10, one client", file=sys.stderr)
        with serve_ours(1) as base1, serve_ours(10) as base10:
            measure_scales(base1, base10, scales, mode)
        for r in scales:
            failures += wrk_failures(f"{r.path10} (scale 10)", r.scale1 + r.scale10)
        scale_table = render_scale(scales)
    load_after = load_average()
    failures += [
        f"{path} answered {status} in process (scale {scale})"
        for scale, found in probes.items()
        for path, status in found["statuses"].items()
        if status != 200
    ]
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "seeded": "; ".join(f"scale {s}: {line}" for s, line in seeded.items()),
        "pretalx": f"{keys['TALKS_IN_SCHEDULE']} talks, {keys['SPEAKERS_IN_SCHEDULE']} speakers, "
        f"{keys['ROOMS']} rooms",
        "method": (
            f"wrk -t2 -c8 -d{mode['seconds']}s × {mode['repeats']}, pairs interleaved; "
            "gunicorn 2 sync workers on both sides"
            + (" (--quick: a smoke run, not a measurement)" if quick else "")
        ),
        "load_before": load_before,
        "load_after": load_after,
    }
    feeds = {scale: found["feed"] for scale, found in probes.items()}
    releases = {scale: found["release"] for scale, found in probes.items()}
    in_process = render_feed(feeds) + "\n" + render_release(releases)
    report = render_report(meta, render_pairs(results), scale_table, in_process, failures)
    return report, failures


@contextmanager
def one_at_a_time():
    """A second run would flush our databases and take pretalx's port under the first."""
    run.RESULTS.mkdir(exist_ok=True)
    with open(run.RESULTS / ".side-by-side.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise run.BenchError("another bench/side_by_side.py is running") from exc
        yield


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one repeat of 5 s per side")
    parser.add_argument("--no-scale10", action="store_true", help="skip the scale-10 comparison")
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        print("PROBE=" + json.dumps(probe_main()))
        return 0
    try:
        with one_at_a_time():
            report, failures = side_by_side(quick=args.quick, scale10=not args.no_scale10)
    except run.BenchError as exc:
        print(f"bench-cold: {exc}", file=sys.stderr)
        return 2
    stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M%S")
    path = run.RESULTS / f"{stamp}-side-by-side.md"
    path.write_text(f"# Cold, side by side\n\n{report}")
    README.write_text(replace_section(README.read_text(), SECTION, f"{HOW}\n\n{report}"))
    print(f"\n{report}\n(written to {path.relative_to(ROOT)} and bench/README.md)")
    if failures:
        print("bench-cold FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


# --- in process, under the cold settings (``--probe``) --------------------------------------


def probe_main() -> dict:
    """Which session and speaker the pairs use (a session of the first day with a speaker),
    the SQL queries and status of each of our pair pages (the second GET through the test
    client), and a personal feed of 50 sessions timed in process."""
    import django

    django.setup()
    from datetime import date

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from delegates.models import RSVP, Registration, Star
    from delegates.services import regenerate_feed
    from events import selectors

    found_release = release(Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT=ACCEPT))
    forum = selectors.current_forum()
    sessions = selectors.public_sessions(forum).filter(is_cancelled=False)
    session = (
        selectors.sessions_on(sessions, forum, date(2021, 9, 24))
        .filter(speakers__isnull=False)
        .distinct()
        .first()
    )
    speaker = session.speakers.order_by("name", "pk").first()
    found = {
        "session": session.code,
        "session_title": session.title,
        "speaker": speaker.slug,
        "speaker_name": speaker.name,
        "queries": {},
        "statuses": {},
        "release": found_release,
    }
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT=ACCEPT)
    for pair in PAIRS:
        path = pair.ours.format(**found)
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        found["queries"][path] = len(captured.captured_queries)
        found["statuses"][path] = response.status_code

    # A delegate with nothing on their agenda yet, then 50 stars: a feed of exactly 50 sessions.
    user = (
        Registration.objects.filter(status=Registration.Status.APPROVED, anonymised_at=None)
        .exclude(user__in=Star.objects.values("user_id"))
        .exclude(user__in=RSVP.objects.values("user_id"))
        .order_by("pk")
        .first()
        .user
    )
    for starred in sessions.order_by("starts_at", "pk")[:FEED_SESSIONS]:
        Star.objects.get_or_create(user=user, session=starred)
    feed = f"/delegates/agenda/{regenerate_feed(user).token}.ics"
    times = []
    for _ in range(60):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(feed)
        times.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, response.status_code
    found["feed"] = {
        "events": response.content.count(b"BEGIN:VEVENT"),
        "p50_ms": statistics.median(times[10:]),
        "min_ms": min(times[10:]),
        "runs": len(times) - 10,
        "queries": len(captured.captured_queries),
    }
    return found


def release(client) -> dict:
    """A release of one re-titled session (the last of the forum), timed: the release itself,
    the first JSON request after it (its exports not prepared yet: the bench's Celery has no
    worker, so the task waits in the queue), the preparation the task would run, the first
    request after that."""
    from events import selectors, services

    forum = selectors.current_forum()
    last = selectors.public_sessions(forum).order_by("-starts_at", "-pk").first()
    speaker = last.speakers.order_by("name", "pk").first() or last.moderators.first()
    pages = {
        "json": "/api/schedule.json",
        "session": last.urls.public,
        "speaker": speaker.urls.public,
    }
    services.stage_session_change(last, title_en=f"{last.title_en} (updated)")
    start = time.perf_counter()
    services.release_schedule(forum, note_en="Bench: one session re-titled.")
    release_ms = (time.perf_counter() - start) * 1000

    def first(path: str) -> float:
        start = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200 and b"(updated)" in response.content, path
        return (time.perf_counter() - start) * 1000

    firsts = {name: first(path) for name, path in pages.items()}
    start = time.perf_counter()
    fragments = services.prepare_exports(forum.pk)
    prepare_ms = (time.perf_counter() - start) * 1000
    prepared = {name: first(path) for name, path in pages.items()}
    return {
        "release_ms": release_ms,
        "first_ms": firsts["json"],
        "prepare_ms": prepare_ms,
        "fragments": fragments,
        "prepared_ms": prepared["json"],
        "pages": {name: [firsts[name], prepared[name]] for name in ("session", "speaker")},
    }


if __name__ == "__main__":
    sys.exit(main())
