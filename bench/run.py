"""``make bench``: serve the project with gunicorn on PostgreSQL + Redis and measure pages with wrk.

For each scale: ``seed_demo --flush --as-held --scale S``, empty the bench's Redis database, serve with
gunicorn (``DEBUG=0``, no SSL redirect), warm each page up with 20 requests, then run
``wrk -t2 -c8 -d10s`` three times on it. The floor (``/healthz/``: a template, no database, the
full middleware) is measured in the same run; each page's median req/s is shown as a share of it.
Any answer other than 2xx (a redirect included) or any socket error fails the run (exit 1).
Writes ``bench/results/<date>-scale<S>.md`` and prints it. See bench/README.md.

    .venv/bin/python bench/run.py [--scales 1 10] [--quick] [--fresh-db]
"""

import argparse
import base64
import fcntl
import http.client
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import FLOOR, Page, load_pages  # noqa: E402
from deploy.stack import free_port, git_commit, load_average  # noqa: E402

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zgc_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/6")
GUNICORN = [
    str(Path(sys.executable).with_name("gunicorn")),
    "zgcforum.wsgi",
    "--worker-class=gthread",
    "--workers=4",
    "--threads=8",
]
CONNECTIONS = 8  # wrk -c: the load; cache-off pages are also measured with 1 (latency)
WRK_SCRIPT = ROOT / "bench" / "wrk_report.lua"
RESULTS = ROOT / "bench" / "results"
WARM_UP_REQUESTS = 20
FULL = {"repeats": 3, "seconds": 10}
QUICK = {"repeats": 1, "seconds": 3}
SECRET_KEY = secrets.token_urlsafe(50)  # this run's only: nothing signed outlives it
# visa.E001 refuses DEBUG=0 without a Fernet key; seed_demo --flush encrypts the demo's passport
# data anew at each scale, so this run's own key is enough (a urlsafe-base64 32-byte Fernet key).
VISA_FERNET_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


class BenchError(Exception):
    """The harness itself could not run (database, server, wrk): exit 2."""


# --- wrk output ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrkRun:
    """One wrk run, in the numbers the table shows."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non2xx: int
    first_non2xx: int
    socket_errors: int
    timeouts: int  # requests without an answer within wrk's 2 s: not in the latencies


def parse_wrk(output: str) -> WrkRun:
    """wrk's ``Requests/sec`` line plus the ``BENCH`` line that bench/wrk_report.lua prints."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)\s*$", output, re.MULTILINE)
    line = re.search(r"^BENCH (.+)$", output, re.MULTILINE)
    if not rps or not line:
        raise ValueError(f"not a wrk report made with bench/wrk_report.lua:\n{output}")
    values = {key: int(value) for key, value in (item.split("=") for item in line[1].split())}
    return WrkRun(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        rps=float(rps[1]),
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        non2xx=values["non2xx"],
        first_non2xx=values["first_non2xx"],
        socket_errors=values["socket_errors"],
        timeouts=values["timeouts"],
    )


# --- results and the table -------------------------------------------------------------------


@dataclass
class Result:
    """A page's runs, or why it could not be measured."""

    page: Page
    runs: list[WrkRun] = field(default_factory=list)
    error: str = ""
    # Cache-off pages only: the same GET from one client at a time, the latency a visitor sees
    # when the server is not saturated (under 8 connections on 2 cores p50 is mostly queueing).
    single_runs: list[WrkRun] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return statistics.median(run.rps for run in self.runs)

    @property
    def failure(self) -> str:
        runs = self.runs + self.single_runs
        non2xx = sum(run.non2xx for run in runs)
        socket_errors = sum(run.socket_errors for run in runs)
        timeouts = sum(run.timeouts for run in runs)
        if self.error:
            return self.error
        if non2xx:
            first = next(run.first_non2xx for run in runs if run.non2xx)
            if not first:  # wrk's own count: statuses of 400 and more
                return f"{non2xx} responses with a status of 400 or more"
            return f"{non2xx} non-2xx responses (first: {first})"
        if socket_errors:
            return f"{socket_errors} socket errors (connect, read or write)"
        if timeouts:
            return f"{timeouts} requests unanswered in 2 s (wrk's timeout)"
        return ""


def number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table_row(result: Result, floor_rps: float | None) -> str:
    page = result.page
    cache = "–" if page.path == FLOOR[1] else page.mode
    status = f"**FAIL**: {result.failure}" if result.failure else "ok"
    if not result.runs:
        return f"| {page.label} | `{page.path}` | {cache} | – | – | – | – | – | {status} |"
    rates = [run.rps for run in result.runs]
    share = 100 * result.rps / floor_rps if floor_rps else None
    share = "–" if share is None else f"{share:.0f} %" if share >= 10 else f"{share:.1f} %"
    p50 = statistics.median(run.p50_ms for run in result.runs)
    p99 = statistics.median(run.p99_ms for run in result.runs)
    spread = f" ({number(min(rates))}–{number(max(rates))})" if len(rates) > 1 else ""
    single = (
        f"{statistics.median(run.p50_ms for run in result.single_runs):.1f}"
        if result.single_runs
        else "–"
    )
    return (
        f"| {page.label} | `{page.path}` | {cache} | {number(result.rps)}{spread} "
        f"| {share} | {p50:.1f} | {p99:.1f} | {single} | {status} |"
    )


def render_table(floor: Result, results: list[Result]) -> str:
    """The markdown table: the floor first, then each page with its share of the floor's req/s."""
    floor_rps = floor.rps if floor.runs and not floor.failure else None
    lines = [
        "| page | path | cache | req/s median (min–max) | % of floor | p50 ms | p99 ms "
        "| p50 ms, 1 client | status |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    lines += [table_row(result, floor_rps) for result in [floor, *results]]
    return "\n".join(lines)


def render_report(*, scale: int, meta: dict, table: str, extras: list[str]) -> str:
    header = [
        f"# Benchmark at scale {scale}, {meta['date']}",
        "",
        f"- commit {meta['commit']}",
        f"- data: {meta['seeded']}",
        f"- load average (1, 5, 15 min): before {meta['load_before']}, after {meta['load_after']}"
        f" ({os.cpu_count()} CPUs)",
        f"- gunicorn gthread 4 workers × 8 threads, DEBUG=0, PostgreSQL, Redis cache; "
        f"{meta['method']}",
        *[f"- not measured at this scale: {skipped}" for skipped in meta.get("skipped", [])],
        "",
        table,
    ]
    return "\n".join(header + [f"\n{extra.strip()}" for extra in extras]) + "\n"


# --- the project: database, data, server -----------------------------------------------------


def bench_env(settings: str = "zgcforum.settings") -> dict:
    """Production settings on plain HTTP, against the bench's own database and Redis."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("EMAIL_")}
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        VISA_FERNET_KEYS=VISA_FERNET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL="http://127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        CACHE_URL=CACHE_URL,
    )
    return env


def manage(*args: str) -> str:
    """Run a management command under the bench settings; its output, or BenchError."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=bench_env(),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    if done.returncode:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{done.stdout}")
    return done.stdout.strip()


def prepare_database(*, fresh: bool) -> None:
    """Create the bench database if it is missing (drop it first with --fresh-db)."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(DATABASE_URL)
    if "postgresql" not in config["ENGINE"]:
        raise BenchError(f"BENCH_DATABASE_URL must be a PostgreSQL URL, not {DATABASE_URL}")
    name = sql.Identifier(config["NAME"])
    server = {"user": "USER", "password": "PASSWORD", "host": "HOST", "port": "PORT"}
    server = {arg: config[key] for arg, key in server.items() if config.get(key)}
    try:
        connection = psycopg2.connect(dbname="postgres", **server)
    except psycopg2.OperationalError as exc:
        raise BenchError(f"PostgreSQL does not answer at {DATABASE_URL}: {exc}") from exc
    connection.autocommit = True
    with connection.cursor() as cursor:
        if fresh:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    connection.close()


def empty_cache() -> None:
    """A fresh cache for each scale: a page cached at scale 1 must not answer at scale 10."""
    import redis

    for url in (REDIS_URL, CACHE_URL):
        try:
            redis.Redis.from_url(url).flushdb()
        except redis.RedisError as exc:
            raise BenchError(f"Redis does not answer at {url}: {exc}") from exc


def get(base: str, path: str, headers: dict | None = None) -> tuple[int, str]:
    """One GET, redirects not followed: (status, Location)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        connection.close()


@contextmanager
def serve(settings: str = "zgcforum.settings", gunicorn: list[str] = GUNICORN):
    """gunicorn (``GUNICORN`` unless told) on a free port of 127.0.0.1, answering /healthz/ with
    200; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = RESULTS / "gunicorn.log"
    with open(log_path, "a") as log:
        server = subprocess.Popen(
            [*gunicorn, f"--bind=127.0.0.1:{port}"],
            cwd=ROOT,
            env=bench_env(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise BenchError(f"gunicorn exited with {server.returncode}: see {log_path}")
            try:
                status, location = get(base, FLOOR[1])
            except OSError as exc:
                if time.monotonic() > deadline:
                    raise BenchError(f"gunicorn did not answer in 60 s: see {log_path}") from exc
                time.sleep(0.25)
                continue
            if status != 200:
                raise BenchError(f"{FLOOR[1]} answered {status} {location}: see {log_path}")
            break
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- measuring -------------------------------------------------------------------------------


def warm_up(base: str, path: str, headers: dict | None = None) -> str:
    """WARM_UP_REQUESTS GETs; the first answer that is not 2xx, as an error message, or ""."""
    for _ in range(WARM_UP_REQUESTS):
        try:
            status, location = get(base, path, headers)
        except OSError as exc:  # the server died or hung: say so in the table
            return f"warm-up: {exc}"
        if not 200 <= status < 300:
            return f"warm-up answered {status}" + (f" → {location}" if location else "")
    return ""


def run_wrk(
    url: str,
    seconds: int,
    connections: int = CONNECTIONS,
    headers: dict | None = None,
    timeout: int | None = None,
) -> WrkRun:
    """One wrk run; ``timeout``: seconds before wrk gives up on a request (wrk's default: 2)."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s"]
    command += [f"--timeout={timeout}s"] if timeout else []
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command += ["-s", str(WRK_SCRIPT), url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode:
        raise BenchError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


def persona_cookie(name: str) -> str:
    """The ``Cookie`` header of a session logged in as persona ``name`` (bench/personas.py)."""
    done = subprocess.run(
        [sys.executable, "bench/personas.py", name],
        cwd=ROOT,
        env=bench_env(),
        text=True,
        capture_output=True,
    )
    if done.returncode:
        raise BenchError(f"bench/personas.py {name} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def measure(
    base: str, page: Page, *, repeats: int, seconds: int, cookies: dict | None = None
) -> Result:
    headers = page.headers
    if page.session:
        headers = headers | {"Cookie": (cookies or {})[page.session]}
    result = Result(page, error=warm_up(base, page.path, headers))
    if not result.error:
        for _ in range(repeats):
            result.runs.append(run_wrk(base + page.path, seconds, headers=headers))
            run = result.runs[-1]
            print(
                f"  {page.label}: {number(run.rps)} req/s, p50 {run.p50_ms:.1f} ms, "
                f"p99 {run.p99_ms:.1f} ms, non-2xx {run.non2xx}",
                file=sys.stderr,
            )
        for _ in range(repeats if page.cache == "off" else 0):
            result.single_runs.append(
                run_wrk(base + page.path, seconds, connections=1, headers=headers)
            )
            run = result.single_runs[-1]
            print(f"  {page.label}, 1 client: p50 {run.p50_ms:.1f} ms", file=sys.stderr)
        # The timed runs count answers of 400 and more only (bench/wrk_report.lua says why):
        # the same GETs again, so a page that began to redirect during them still fails.
        after = warm_up(base, page.path, headers)
        if after:
            result.error = after.replace("warm-up", "check after the runs", 1)
    if result.failure:
        print(f"  {page.label}: FAIL {result.failure}", file=sys.stderr)
    return result


def run_scripts(base: str, *, scale: int, quick: bool) -> tuple[list[str], list[str]]:
    """Each bench/*_bench.py (e.g. notifications_bench.py): (their stdouts, failures)."""
    outputs, failures = [], []
    env = bench_env() | {
        "BENCH_URL": base,
        "BENCH_SCALE": str(scale),
        "BENCH_QUICK": str(int(quick)),
    }
    for script in sorted((ROOT / "bench").glob("*_bench.py")):
        print(f"  {script.name} …", file=sys.stderr)
        done = subprocess.run(
            [sys.executable, str(script)], cwd=ROOT, env=env, text=True, stdout=subprocess.PIPE
        )
        outputs.append(f"## {script.name}\n\n{done.stdout.strip() or '(no output)'}")
        if done.returncode:
            failures.append(f"bench/{script.name} exited with {done.returncode}")
    return outputs, failures


@contextmanager
def exclusive_run():
    """One bench/run.py at a time: a second would flush the database under the first."""
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BenchError("another bench/run.py is running (bench/results/.lock)") from exc
        yield


FORUM_LINE = re.compile(r"^The forum: (\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)")
DAY_PARAM = re.compile(r"[?&]day=(\d{4}-\d\d-\d\d)")


def forum_days(seed_output: list[str]) -> tuple[date, date]:
    """The first and last day of the forum ``seed_demo`` says it loaded."""
    for line in seed_output:
        if found := FORUM_LINE.match(line):
            return date.fromisoformat(found[1]), date.fromisoformat(found[2])
    raise BenchError("seed_demo did not say which days the forum has")


def check_days(pages: list[Page], days: tuple[date, date]) -> None:
    """Refuse pages that name a day outside the forum: the day view would quietly show another
    day, and the bench would measure a page nobody asked for."""
    first, last = days
    wrong = [
        f"{page.label} ({page.path})"
        for page in pages
        if (found := DAY_PARAM.search(page.path))
        and not first <= date.fromisoformat(found[1]) <= last
    ]
    if wrong:
        raise BenchError(
            f"pages name days outside the forum ({first} to {last}): " + "; ".join(wrong)
        )


def bench_scale(
    scale: int, pages: list[Page], *, quick: bool, scripts: bool = True
) -> tuple[str, list[str]]:
    """Seed, serve and measure one scale: (the report, failures)."""
    mode = QUICK if quick else FULL
    print(f"scale {scale}: seed_demo --flush --as-held --scale {scale}", file=sys.stderr)
    output = manage("seed_demo", "--flush", "--as-held", "--scale", str(scale)).splitlines()
    seeded = next((line for line in output if line.startswith("Demo forum loaded")), "?")
    check_days(pages, forum_days(output))
    skipped = [page for page in pages if page.min_scale > scale]
    pages = [page for page in pages if page.min_scale <= scale]
    empty_cache()
    cookies = {page.session: persona_cookie(page.session) for page in pages if page.session}
    floor_page = Page(*FLOOR)
    warm = [page for page in pages if page.cache == "warm"]
    off = [page for page in pages if page.cache == "off"]
    results = {}
    load_before = load_average()
    with serve() as base:
        floor = measure(base, floor_page, **mode)
        results |= {page: measure(base, page, cookies=cookies, **mode) for page in warm}
        if off:  # a second server beside the first, idle meanwhile
            with serve("bench.nocache_settings") as nocache_base:
                results |= {
                    page: measure(nocache_base, page, cookies=cookies, **mode) for page in off
                }
        load_after = load_average()
        extras, failures = run_scripts(base, scale=scale, quick=quick) if scripts else ([], [])
    ordered = [results[page] for page in pages]
    failures = [
        f"{result.page.label} ({result.page.path}): {result.failure}"
        for result in [floor, *ordered]
        if result.failure
    ] + failures
    method = (
        f"wrk -t2 -c{CONNECTIONS} -d{mode['seconds']}s, {WARM_UP_REQUESTS}-request warm-up, "
        f"{mode['repeats']} repeat(s); p50/p99 are medians of the repeats; cache-off pages "
        f"also with one client (wrk -t1 -c1, same repeats)"
        + (" (--quick: a smoke run, not a measurement)" if quick else "")
    )
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "seeded": seeded,
        "load_before": load_before,
        "load_after": load_after,
        "method": method,
        "skipped": [f"{page.label} (from scale {page.min_scale})" for page in skipped],
    }
    table = render_table(floor, ordered)
    return render_report(scale=scale, meta=meta, table=table, extras=extras), failures


def bench_all(
    scales: list[int], pages: list[Page], *, quick: bool, fresh_db: bool, scripts: bool = True
) -> list[str]:
    """Prepare the database once, then bench each scale and write its report: the failures."""
    prepare_database(fresh=fresh_db)
    print(f"migrate, collectstatic ({DATABASE_URL})", file=sys.stderr)
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")
    failures = []
    for scale in scales:
        report, failed = bench_scale(scale, pages, quick=quick, scripts=scripts)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d-%H%M%S")
        path = RESULTS / f"{stamp}-scale{scale}.md"
        path.write_text(report)
        print(f"\n{report}\n(written to {path.relative_to(ROOT)})\n")
        failures += [f"scale {scale}: {failure}" for failure in failed]
    return failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", type=int, default=[1, 10], metavar="S")
    parser.add_argument("--quick", action="store_true", help="1 run of 3 s per page")
    parser.add_argument("--fresh-db", action="store_true", help="drop the bench database first")
    parser.add_argument(
        "--only",
        metavar="TEXT",
        action="append",
        help="only the pages whose label contains TEXT (and the floor); repeat for several",
    )
    parser.add_argument(
        "--no-scripts", action="store_true", help="pages only: skip the bench/*_bench.py scripts"
    )
    args = parser.parse_args(argv)
    try:
        pages = load_pages()
        if args.only:
            pages = [page for page in pages if any(t in page.label for t in args.only)]
        for tool in ("wrk", GUNICORN[0]):
            if not shutil.which(tool):
                raise BenchError(f"{tool} is missing (see scripts/system-deps.sh, make install)")
        with exclusive_run():
            failures = bench_all(
                args.scales,
                pages,
                quick=args.quick,
                fresh_db=args.fresh_db,
                scripts=not args.no_scripts,
            )
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    if failures:
        print("bench FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
