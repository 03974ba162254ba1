"""A real Celery worker for tests: ``celery -A zgcforum worker`` in a subprocess.

pytest-django's ``db`` fixture never commits, so a worker would see nothing: use the
``celery_worker`` fixture with ``transactional_db`` on PostgreSQL. The worker gets the test
database's name, the SMTP sink's port and its own queue (one per xdist worker and run); the test
process publishes to that queue. Fixtures stop the worker before the database is torn down.

Fault tests start a private ``RedisServer`` on a free port (never the shared 6379) and a worker
with ``WorkerProcess`` directly, so they can stop, kill and restart either.
"""

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.services import free_port, require_binary, require_postgres, require_redis

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))


def worker_database_url() -> str:
    """The URL of the database this test process uses (the test database, not the dev one)."""
    s = connection.settings_dict
    auth = s["USER"] or ""
    if s["PASSWORD"]:
        auth += f":{s['PASSWORD']}"
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def queue_name() -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"zgc-test-{worker}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class WorkerProcess:
    """One ``celery worker`` in its own process group; ``log`` holds its output."""

    def __init__(
        self,
        *,
        broker_url: str,
        queue: str,
        smtp_port: int,
        concurrency: int = 2,
        env: dict | None = None,
    ):
        self.broker_url, self.queue, self.concurrency = broker_url, queue, concurrency
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zgcforum.settings",
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": broker_url,
            # Tasks the worker itself sends (retries, the sweep's, fan-out) stay on its queue.
            "CELERY_QUEUE": queue,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "DEBUG": "1",
            # The files the test's own settings point at: badge PDFs land where the test reads.
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            **(env or {}),
        }
        for name in ("REQUIRE_SERVICES", "CELERY_BROKER_URL", "CACHE_URL"):
            self.env.pop(name, None)  # the broker and the cache follow REDIS_URL above
        self.log = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> "WorkerProcess":
        self.log.write_text("")
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    CELERY,
                    "-A",
                    "zgcforum",
                    "worker",
                    "-Q",
                    f"{self.queue},{self.queue}.heavy",
                    "-n",
                    f"{self.queue}@%h",
                    "-c",
                    str(self.concurrency),
                    "-l",
                    "info",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() takes the pool too
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log.read_text(errors="replace"):
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        output = self.log.read_text(errors="replace")
        self.stop()
        raise RuntimeError(f"celery worker did not start:\n{output[-3000:]}")

    def _signal(self, sig) -> None:
        if self.process and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def kill(self) -> None:
        """SIGKILL the worker and its pool at once, as a crash or OOM would."""
        self._signal(signal.SIGKILL)
        if self.process:
            self.process.wait(10)

    def stop(self) -> None:
        if not self.process or self.process.poll() is not None:
            return
        # SIGQUIT: cold shutdown, no waiting for retries held in memory (their rows stay queued).
        self._signal(signal.SIGQUIT)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()
        # Pool children left behind by a warm shutdown would hold database connections.
        self._signal(signal.SIGKILL)


class RedisServer:
    """A private redis-server on a free port, for tests that take Redis down and back up."""

    def __init__(self, port: int | None = None):
        self.binary = require_binary("redis-server")
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                redis.Redis(port=self.port, socket_timeout=0.5).ping()
                return self
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on {self.port} did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@contextlib.contextmanager
def publishing_to(broker_url: str, queue: str):
    """Make this test process send tasks to ``queue`` on ``broker_url`` instead of eagerly."""
    from zgcforum.celery import app

    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }

    def reset_pools():
        # kombu keeps pools in a global registry keyed by URL: clear it, or a closed pool
        # comes back for the next test on the same URL.
        from kombu import pools

        pools.reset()
        app._pool = None
        with contextlib.suppress(AttributeError, KeyError):
            app.__dict__["amqp"]._producer_pool = None

    reset_pools()
    app.conf.update(broker_url=broker_url, task_always_eager=False, task_default_queue=queue)
    try:
        yield app
    finally:
        reset_pools()
        app.conf.update(saved)
        with contextlib.suppress(Exception):
            import redis

            redis.Redis.from_url(broker_url).delete(queue)


@pytest.fixture
def worker_factory(transactional_db):
    """Start workers on demand (``worker_factory(broker_url=..., smtp_port=...)``).

    Every worker it started is stopped at teardown, before the database is flushed.
    """
    require_postgres()
    started: list[WorkerProcess] = []

    def start(*, broker_url: str, smtp_port: int, queue: str, **kwargs) -> WorkerProcess:
        worker = WorkerProcess(broker_url=broker_url, queue=queue, smtp_port=smtp_port, **kwargs)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def celery_worker(transactional_db, smtp_sink, worker_factory):
    """A real worker on the shared Redis, mailing the ``smtp_sink``; tasks go to its queue."""
    require_postgres()
    url = require_redis()
    queue = queue_name()
    with publishing_to(url, queue):
        worker = worker_factory(
            broker_url=url,
            smtp_port=smtp_sink.port,
            queue=queue,
            env={"NOTIFICATIONS_RETRY_BASE": "0.3", "NOTIFICATIONS_STUCK_AFTER": "1"},
        )
        yield worker
        worker.stop()
