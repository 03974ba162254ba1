"""Mail throughput: one announcement to 1,000 recipients through the outbox.

``.venv/bin/python bench/notifications_bench.py`` (``make bench`` runs it after the pages). It
prepares its own database (``<bench database>_notifications``: the segment "all users" must be
exactly the 1,000 recipients), starts an aiosmtpd sink in a separate process and one
``celery -A zgcforum worker -c 2`` on a private queue of the bench's Redis, then three times:
commit ``send_announcement`` and time from that commit until the sink accepted the 1,000th message.
Prints a markdown table: median (min–max) seconds, mails/s, lost and duplicated messages.
Exits 1 when a message is lost or duplicated. Leaves no process running.

Environment: ``DATABASE_URL`` / ``REDIS_URL`` as ``bench/run.py`` sets them (defaults
``postgres://postgres@127.0.0.1:5432/zgc_bench`` and ``redis://127.0.0.1:6379/5``),
``BENCH_QUICK=1`` for a single run.
"""

import argparse
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RECIPIENTS = 1000
RUNS = 1 if os.environ.get("BENCH_QUICK") == "1" else 3
TIMEOUT = 180.0
TARGET = 100.0  # mails/s
BENCH_LOCK = 4_0404_2021  # pg_advisory_lock key: one notifications bench per database at a time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- The sink, in its own process -----------------------------------------------------------
def run_sink(port: int, log_path: str) -> None:
    """Accept everything; append "accepted-at<TAB>recipient<TAB>subject" per message."""
    import email
    import email.policy

    from aiosmtpd.controller import Controller

    log = open(log_path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - lives with the process

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            subject = str(message["Subject"])
            now = time.time()
            for rcpt in envelope.rcpt_tos:
                log.write(f"{now:.6f}\t{rcpt}\t{subject}\n")
            return "250 Message accepted"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


# --- The benchmark ----------------------------------------------------------------------------
def own_database_url(url: str) -> str:
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "zgc_bench"
    return urlunsplit(parts._replace(path=f"/{name}_notifications"))


def _connect(url: str, dbname: str):
    import psycopg2

    parts = urlsplit(url)
    conn = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=dbname,
    )
    conn.autocommit = True
    return conn


def ensure_database(url: str):
    """Create the database if needed; returns a connection holding the bench's lock on it.

    Two runs at once would delete each other's announcements: the second waits for the first.
    """
    name = urlsplit(url).path.lstrip("/")
    conn = _connect(url, "postgres")
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    lock = _connect(url, name)
    with lock.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", [BENCH_LOCK])
    return lock


def start(cmd, env, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_for_text(log: Path, text: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(
        f"{process.args[:4]} did not start:\n{log.read_text(errors='replace')[-3000:]}"
    )


def stop(process: subprocess.Popen | None, sig=signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
    except ProcessLookupError:
        pass
    with contextlib.suppress(ProcessLookupError):  # pool children of a worker
        os.killpg(process.pid, signal.SIGKILL)


def read_sink(log: Path, subject: str) -> list[tuple[float, str]]:
    rows = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        at, rcpt, subj = line.split("\t", 2)
        if subj == subject:
            rows.append((float(at), rcpt))
    return rows


def prepare_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import User
    from notifications.models import Announcement, OutboundMessage

    OutboundMessage.objects.all().delete()
    Announcement.objects.all().delete()
    User.objects.exclude(email__endswith="@bench.zgcforum.example").delete()
    existing = User.objects.count()
    if existing != RECIPIENTS:
        User.objects.all().delete()
        User.objects.bulk_create(
            User(
                email=f"reader{i:04d}@bench.zgcforum.example",
                name=f"Reader {i}",
                language="zh-hans" if i % 2 else "en",
                password="!",
            )
            for i in range(RECIPIENTS)
        )


def one_run(n: int, sink_log: Path) -> dict:
    from django.db import transaction

    from accounts.models import User
    from notifications.models import Announcement
    from notifications.services import send_announcement

    subject = f"Bench run {n} {uuid.uuid4().hex[:8]}"
    announcement = Announcement.objects.create(
        subject_en=subject,
        subject_zh_hans=subject,
        body_en="The forum opens on 24 September in Zhongguancun.",
        body_zh_hans="论坛将于9月24日在中关村开幕。",
        segment="all",
    )
    committed = []
    by = User.objects.order_by("pk").first()
    with transaction.atomic():
        transaction.on_commit(lambda: committed.append(time.time()))
        send_announcement(announcement, by=by)
    t0 = committed[0]
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if len({rcpt for _at, rcpt in read_sink(sink_log, subject)}) >= RECIPIENTS:
            break
        time.sleep(0.05)
    time.sleep(1.0)  # late duplicates would arrive now
    rows = read_sink(sink_log, subject)
    first_seen: dict[str, float] = {}
    for at, rcpt in sorted(rows):
        first_seen.setdefault(rcpt, at)
    lost = RECIPIENTS - len(first_seen)
    seconds = (max(first_seen.values()) - t0) if first_seen and not lost else None
    announcement.refresh_from_db()
    if announcement.fanned_out_at:
        fan_out = announcement.fanned_out_at.timestamp() - t0
        print(
            f"run {n}: all {RECIPIENTS} rows queued {fan_out:.2f} s after commit", file=sys.stderr
        )
    return {
        "seconds": seconds,
        "rate": RECIPIENTS / seconds if seconds else 0.0,
        "lost": lost,
        "duplicated": len(rows) - len(first_seen),
    }


def main() -> int:
    database_url = os.environ.get(
        "NOTIFICATIONS_BENCH_DATABASE_URL",
        own_database_url(
            os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zgc_bench")
        ),
    )
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5"
    queue = f"bench-notifications-{os.getpid()}"
    smtp_port = free_port()
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
    }
    # Run alone it is a dev run (DEBUG on); under bench/run.py, production settings on HTTP.
    env["DEBUG"] = os.environ.get("DEBUG", "1")
    if env["DEBUG"] == "0" and not os.environ.get("SECRET_KEY"):
        env["SECRET_KEY"] = "bench-only-" + uuid.uuid4().hex * 2
    if env["DEBUG"] == "0" and not os.environ.get("SITE_URL"):
        env["SITE_URL"] = "http://127.0.0.1"
    lock = ensure_database(database_url)
    prepare_django(env)
    child_env = {**os.environ, **env}
    tmp = Path(tempfile.mkdtemp(prefix="notifications-bench-"))
    sink_log, sink_out, worker_log = tmp / "sink.tsv", tmp / "sink.out", tmp / "worker.log"
    sink_log.touch()
    sink = worker = None
    load_before = os.getloadavg()
    try:
        sink = start(
            [sys.executable, __file__, "--sink", str(smtp_port), str(sink_log)], child_env, sink_out
        )
        wait_for_text(sink_out, "ready", sink)
        worker = start(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "zgcforum",
                "worker",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "-c",
                "2",
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            child_env,
            worker_log,
        )
        wait_for_text(worker_log, " ready.", worker)
        results = [one_run(n, sink_log) for n in range(1, RUNS + 1)]
    finally:
        stop(worker, signal.SIGQUIT)
        stop(sink)
        try:
            import redis

            redis.Redis.from_url(redis_url).delete(queue)
        except Exception:  # noqa: BLE001 - cleaning up is best effort
            pass
        lock.close()  # releases the advisory lock
    load_after = os.getloadavg()
    timed = [r["seconds"] for r in results if r["seconds"]]
    lost = sum(r["lost"] for r in results)
    duplicated = sum(r["duplicated"] for r in results)
    if timed:
        median = statistics.median(timed)
        time_cell = f"{median:.2f} s ({min(timed):.2f}–{max(timed):.2f})"
        rate = RECIPIENTS / median
        rate_cell = f"{rate:.0f}"
    else:
        rate, time_cell, rate_cell = 0.0, "—", "—"
    met = rate >= TARGET and lost == 0 and duplicated == 0
    load = f"{load_before[0]:.2f} → {load_after[0]:.2f}"
    print(
        "| scenario | runs | commit → 1,000th accepted, median (min–max) | mails/s | lost | "
        "duplicated | target ≥100 mails/s, 0 lost, 0 dup | load avg (1 min) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| announcement to {RECIPIENTS:,} recipients, one `celery worker -c 2`, aiosmtpd process "
        f"| {len(results)} | {time_cell} | {rate_cell} | {lost} | {duplicated} "
        f"| {'met' if met else 'missed'} | {load} |"
    )
    return 1 if lost or duplicated else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sink", nargs=2, metavar=("PORT", "LOG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        run_sink(int(args.sink[0]), args.sink[1])
        sys.exit(0)
    sys.exit(main())
