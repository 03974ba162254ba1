"""`make stack-test`: the production topology, walked through nginx, with parts of it killed.

On a private PostgreSQL cluster and a private redis-server (both on free ports, both stopped on
purpose here; the shared 5432 and 6379 are never touched) and a real SMTP sink:

1. a delegate signs up, verifies the address from the mail, registers; one web node and one worker
   are killed; the desk approves, the delegate reserves a seat and downloads the badge (a private
   file, through X-Accel-Redirect); an organizer moves that session and releases the schedule;
   every mail arrives exactly once (by Message-ID) and every write is in the database;
2. /readyz answers 503 while PostgreSQL or Redis is stopped and 200 once they are back;
3. a pg_dump restored into a fresh database gives the same demo content digest;
4. no private file is reachable under /media/ (nor at nginx's internal location).

Not part of `make test` (it lives outside tests/); CI runs it after the suite.
"""

import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from base64 import b32decode
from datetime import timedelta
from pathlib import Path
from urllib.request import urlopen

import psycopg2
import pytest
from django_otp.oath import TOTP

from core.demo import DEMO_PASSWORD
from deploy.stack import Stack, free_port, http_status
from tests.http_visitor import Visitor
from tests.smtp import SMTPSink
from tests.worker import RedisServer

DELEGATE = "stack.delegate@example.org"
DELEGATE_PASSWORD = "a-long-stack-password-2021"


class PostgresCluster:
    """A throw-away PostgreSQL cluster on a free port (initdb; pg_ctl start/stop)."""

    def __init__(self):
        self.bin = Path(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip()
        )
        if not (self.bin / "initdb").exists():  # Debian keeps the server programs apart
            self.bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        self.dir = Path(tempfile.mkdtemp(prefix="zgc-stack-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")

    def run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / program), *args],
            check=True,
            capture_output=True,
            cwd=self.dir,
        )

    def init(self) -> "PostgresCluster":
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        return self.start()

    def start(self) -> "PostgresCluster":
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-w",
            "start",
        )
        return self

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def services():
    cluster = PostgresCluster().init()
    redis = RedisServer().start()
    sink = SMTPSink().start()
    yield cluster, redis, sink
    sink.stop()
    redis.stop()
    cluster.destroy()


@pytest.fixture(scope="module")
def stack(services):
    cluster, redis, sink = services
    stack = Stack(
        Path(tempfile.mkdtemp(prefix="zgc-stack-")),
        env={
            "DATABASE_URL": cluster.url("zgcforum"),
            "REDIS_URL": redis.url,
            "CELERY_QUEUE": f"stacktest{os.getpid()}",
            "EMAIL_HOST": sink.host,
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        },
    )
    stack.prepare()
    stack.start()
    yield stack
    stack.stop()
    shutil.rmtree(stack.dir, ignore_errors=True)


def query(stack: Stack, sql: str, params=()) -> list[tuple]:
    with psycopg2.connect(stack.database_url) as connection, connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    connection.close()
    return rows


def nginx_log(stack: Stack) -> list[dict]:
    """nginx's log: one JSON object per line, its access log and its error log alike."""
    lines = (stack.dir / "logs" / "nginx.log").read_text().splitlines()
    return [json.loads(line) for line in lines]


def proxied(stack: Stack) -> list[dict]:
    """The requests nginx passed to a node, in order: ``upstream`` lists the nodes tried."""
    return [e for e in nginx_log(stack) if e["logger"] == "nginx.access" and e["upstream"]]


def served_by(entry: dict) -> str:
    return entry["upstream"].split(", ")[-1]


def wait_until(condition, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_delegate_journey_survives_a_dead_node_and_a_dead_worker(stack, services):
    _cluster, _redis, sink = services
    base = stack.url
    web_1, web_2 = (f"127.0.0.1:{port}" for port in stack.web_ports)

    # Sign up and verify the address from the mail.
    delegate = Visitor(base)
    page = delegate.get("/accounts/signup/")
    delegate.submit(
        page.form("Create account"),
        email=DELEGATE,
        name="Stack Delegate",
        language="en",
        password1=DELEGATE_PASSWORD,
        password2=DELEGATE_PASSWORD,
    )
    wait_until(lambda: sink.to(DELEGATE), what="the verification mail")
    (link,) = re.findall(r"https?://\S+/accounts/verify/\S+/", sink.to(DELEGATE)[0].text)
    delegate.get(link.replace(re.match(r"https?://[^/]+", link).group(0), ""))
    page = delegate.log_in(DELEGATE, DELEGATE_PASSWORD)
    assert page.status == 200

    # Register.
    form = delegate.get("/delegates/register/").form("Invitation code")
    delegate.submit(
        form,
        category=form.selects["category"][1],
        name="Stack Delegate",
        organization="Tsinghua University",
        country="DE",
        accepts_terms=True,
    )
    (registration,) = query(
        stack,
        "SELECT r.id, r.status FROM delegates_registration r JOIN accounts_user u "
        "ON u.id = r.user_id WHERE u.email = %s",
        [DELEGATE],
    )
    assert registration[1] == "pending"

    # Both nodes have served so far; now one node and one worker die.
    served = [served_by(entry) for entry in proxied(stack)]
    assert {web_1, web_2} <= set(served), served
    stack.kill("web-1")
    stack.kill("worker-2")
    before_kill = len(served)

    # The desk approves (through the node that is left).
    desk = Visitor(base)
    desk.log_in("desk1@zgcforum.example", DEMO_PASSWORD)
    changelist = desk.get("/admin/delegates/registration/?status__exact=pending")
    page = desk.submit(
        changelist.form(action="", containing="Action"),
        action="approve_selected",
        _selected_action=[registration[0]],
    )
    # The admin asks first, naming whom the approval concerns; confirmed, it acts.
    assert page.status == 200 and "confirm-rows" in page.body
    page = desk.submit(page.form(containing="Cancel"))
    assert page.status == 200
    assert (
        query(stack, "SELECT status FROM delegates_registration WHERE id = %s", [registration[0]])[
            0
        ][0]
        == "approved"
    )

    # Reserve a seat in a session with seats left.
    sessions = query(
        stack,
        "SELECT s.code FROM events_session s JOIN events_event e ON e.id = s.event_id "
        "WHERE s.rsvp_required AND e.is_public AND NOT s.is_cancelled "
        "AND s.released_in IS NOT NULL AND s.capacity > 10 AND s.starts_at > now() "
        "ORDER BY s.starts_at, s.id LIMIT 20",
    )
    for (code,) in sessions:
        page = delegate.get(f"/sessions/{code}/")
        if "Reserve a seat" in page.body:
            break
    else:
        raise AssertionError("no session offers a seat")
    page = delegate.submit(page.form("Reserve a seat"))
    assert page.status == 200
    rsvps = query(
        stack,
        "SELECT v.status FROM delegates_rsvp v JOIN events_session s ON s.id = v.session_id "
        "JOIN accounts_user u ON u.id = v.user_id WHERE u.email = %s AND s.code = %s",
        [DELEGATE, code],
    )
    assert rsvps == [("confirmed",)], rsvps

    # The badge: a private file handed out by nginx after the view checked who asks.
    badge = delegate.get("/delegates/me/badge.pdf")
    assert badge.status == 200 and badge.content.startswith(b"%PDF")

    # An organizer moves that session to the evening and releases the schedule.
    organizer = Visitor(base)
    organizer.log_in("organizer@zgcforum.example", DEMO_PASSWORD)
    ((session_id, starts_at, ends_at, forum_id),) = query(
        stack,
        "SELECT s.id, s.starts_at AT TIME ZONE 'Asia/Shanghai', "
        "s.ends_at AT TIME ZONE 'Asia/Shanghai', e.forum_id FROM events_session s "
        "JOIN events_event e ON e.id = s.event_id WHERE s.code = %s",
        [code],
    )
    new_start = starts_at.replace(hour=22, minute=5)
    new_end = new_start + timedelta(minutes=40)
    page = organizer.get(f"/admin/events/session/{session_id}/change/")
    if "/second-factor/" in page.url:
        # Production settings: a superuser sets up an authenticator app before any admin page.
        page = set_up_authenticator(organizer, page)
        page = organizer.get(f"/admin/events/session/{session_id}/change/")
    page = organizer.submit(
        page.form(action="", containing="Save and continue editing"),
        starts_at_0=new_start.strftime("%Y-%m-%d"),
        starts_at_1=new_start.strftime("%H:%M:%S"),
        ends_at_0=new_end.strftime("%Y-%m-%d"),
        ends_at_1=new_end.strftime("%H:%M:%S"),
        _continue="Save and continue editing",
    )
    assert "Saved in the working programme" in page.body, page.body[:3000]
    page = organizer.get(f"/admin/events/forum/{forum_id}/release/")
    page = organizer.submit(
        page.form("Release…"),
        action="review",
        note_en="A session moved to the evening.",
        note_zh="一场会议调整到晚间举行。",
    )
    page = organizer.submit(page.form("Confirm the release"), action="release")
    assert "released" in page.body, page.body[:3000]

    # After the kill nginx tried the dead node at most once per request and the node that is
    # left answered every request, none with a server error.
    after = proxied(stack)[before_kill:]
    assert {served_by(entry) for entry in after} == {web_2}
    assert all(entry["status"] < 500 for entry in after), after

    # Every mail to the delegate arrives exactly once: one SMTP message per outbox row.
    def outbox():
        return query(
            stack,
            "SELECT id, template_key, status FROM notifications_outboundmessage "
            "WHERE to_email = %s ORDER BY id",
            [DELEGATE],
        )

    expected = [
        "accounts/verify",
        "delegates/received",
        "delegates/approved",
        "delegates/mail/seat_confirmed",
        "delegates/mail/schedule_released",
    ]

    def delivered():
        rows = outbox()
        return [row[1] for row in rows] == expected and all(row[2] == "sent" for row in rows)

    wait_until(delivered, timeout=120, what=f"the delegate's mail: {expected}")
    rows = outbox()
    wait_until(lambda: len(sink.to(DELEGATE)) >= len(rows), timeout=30, what="SMTP delivery")
    time.sleep(2)  # a duplicate, if any, would arrive now
    received = [mail.message["Message-ID"] for mail in sink.to(DELEGATE)]
    assert sorted(received) == sorted(f"<outbox-{row[0]}@127.0.0.1>" for row in rows)


def test_nginx_retries_idempotent_gets_when_a_node_dies_mid_request(stack):
    """Eight clients keep GETting a page nobody caches (an unknown parameter) through nginx while
    one node is killed: the requests it held are retried on the other node and every client gets
    a 200; nginx's error log (JSON too) names the node that failed."""
    web_1, web_2 = (f"127.0.0.1:{port}" for port in stack.web_ports)
    if not stack.alive("web-1"):  # killed by the journey above: back for this test
        stack.start_process("web-1")
        stack.wait_for("web-1", lambda: http_status(f"http://{web_1}/readyz") == 200)
    mark = len(proxied(stack))

    def web_1_serves():
        http_status(f"{stack.url}/healthz/")
        return web_1 in {served_by(entry) for entry in proxied(stack)[mark:]}

    wait_until(web_1_serves, timeout=30, what="nginx sending requests to web-1 again")
    mark, errors_before = len(proxied(stack)), len(nginx_log(stack))
    statuses: list[int] = []
    stop = threading.Event()

    def client(number: int) -> None:
        count = 0
        while not stop.is_set():
            count += 1
            statuses.append(http_status(f"{stack.url}/schedule/?probe={number}-{count}", 30))

    clients = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in clients:
        thread.start()
    try:
        wait_until(
            lambda: sum(served_by(e) == web_1 for e in proxied(stack)[mark:]) >= 8,
            timeout=30,
            what="web-1 serving the clients",
        )
        before_kill = len(proxied(stack))
        stack.kill("web-1")
        killed_at = len(statuses)
        wait_until(lambda: len(statuses) >= killed_at + 40, timeout=60, what="requests after")
    finally:
        stop.set()
        for thread in clients:
            thread.join(60)
    assert statuses and set(statuses) == {200}, sorted(set(statuses))
    # Before the kill no request needed a second node (an idle upstream connection that a node
    # closes while nginx reuses it would: nginx's keepalive_timeout is the shorter).
    assert not [e for e in proxied(stack)[mark:before_kill] if ", " in e["upstream"]]
    after = proxied(stack)[before_kill:]
    retried = [entry for entry in after if entry["upstream"] == f"{web_1}, {web_2}"]
    assert retried, "no request was in flight on web-1 when it died"
    assert all(entry["status"] == 200 for entry in retried)
    # The clients sent 40 requests after the kill: the last of them, the other node answered.
    assert {served_by(entry) for entry in after[-20:]} == {web_2}, after[-20:]
    errors = [e for e in nginx_log(stack)[errors_before:] if e["logger"] == "nginx.error"]
    assert any(web_1 in e.get("upstream", "") and e["level"] == "error" for e in errors), errors


def test_readyz_follows_postgresql_and_redis(stack, services):
    cluster, redis, _sink = services
    ready = f"{stack.url}/readyz"
    assert http_status(ready) == 200

    redis.stop()
    wait_until(lambda: http_status(ready) == 503, timeout=20, what="503 without Redis")
    redis.process = RedisServer(port=redis.port).start().process  # the fixture stops it
    wait_until(lambda: http_status(ready) == 200, timeout=30, what="200 with Redis back")

    cluster.stop()
    wait_until(lambda: http_status(ready) == 503, timeout=20, what="503 without PostgreSQL")
    cluster.start()
    wait_until(lambda: http_status(ready) == 200, timeout=30, what="200 with PostgreSQL back")


def test_a_restored_backup_has_the_same_content(stack, services, tmp_path):
    cluster, _redis, _sink = services
    dump = tmp_path / "forum.dump"
    url = cluster.url("zgcforum")
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), "-d", url], check=True)
    connection = psycopg2.connect(cluster.url("postgres"))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("CREATE DATABASE restored")
    connection.close()
    subprocess.run(
        ["pg_restore", "--no-owner", "-d", cluster.url("restored"), str(dump)], check=True
    )
    digest = "from core.demo import content_digest; print(content_digest())"
    original = stack.manage("shell", "-c", digest)
    stack.env["DATABASE_URL"] = cluster.url("restored")
    try:
        restored = stack.manage("shell", "-c", digest)
    finally:
        stack.env["DATABASE_URL"] = url
    assert len(original.strip()) >= 32
    assert restored == original


def test_no_private_file_is_served_under_media(stack):
    """Public uploads are served from MEDIA_ROOT; a private file (as the views store them) is
    reachable by no URL, not even nginx's internal location, and no path escapes MEDIA_ROOT."""
    public = Path(stack.env["MEDIA_ROOT"]) / "logos" / "stack-test.txt"
    private = Path(stack.env["PRIVATE_MEDIA_ROOT"]) / "photos" / "stack-test.jpg"
    for path, text in ((public, "public"), (private, "private")):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    with urlopen(f"{stack.url}/media/logos/stack-test.txt") as response:
        assert response.read() == b"public"
    for url in (
        "/media/photos/stack-test.jpg",
        "/_private/photos/stack-test.jpg",
        "/media/../private/photos/stack-test.jpg",
        "/media/%2e%2e/private/photos/stack-test.jpg",
        "/private/photos/stack-test.jpg",
    ):
        assert http_status(f"{stack.url}{url}") in (400, 404), url


def set_up_authenticator(visitor, page):
    """Do what a phone app does with the key the set-up page shows; the recovery codes follow."""
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page.body).group(1).replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page = visitor.submit(page.form(containing="Code"), token=f"{TOTP(key).token():06d}")
    assert page.status == 200 and "recovery" in page.body.lower(), page.body[:2000]
    return page
