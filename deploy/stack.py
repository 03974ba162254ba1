"""The production topology on this machine: ``make stack`` / ``make stack-stop``.

Two gunicorn web nodes behind nginx, two Celery workers (one serves the mail queue and the heavy
queue, the other the mail queue), one beat, on PostgreSQL and Redis, with production settings
(DEBUG=0). Every process logs one JSON object per line to its file under ``<stack dir>/logs/``.

    python deploy/stack.py up      # prepare the database, start everything, wait for /readyz
    python deploy/stack.py status  # what runs, by PID
    python deploy/stack.py down    # stop what `up` started, by PID

Configured from the environment (deploy/README.md, "make stack"): STACK_DIR (.stack),
STACK_PORT (nginx; a free port), DATABASE_URL (postgres://postgres@127.0.0.1:5432/zgcforum_stack),
REDIS_URL (redis://127.0.0.1:6379/8), CELERY_QUEUE (zgcstack), STACK_SEED (1: load the demo into an
empty database), EMAIL_HOST/EMAIL_PORT (unset: mail is written to the workers' logs).
``deploy/test_stack.py`` drives the same class.
"""

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from string import Template
from urllib.error import URLError
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url: str, timeout: float = 3) -> int:
    try:
        with urlopen(url, timeout=timeout) as response:
            return response.status
    except URLError as error:
        return getattr(error, "code", 0)
    except OSError:
        return 0


def git_commit() -> str:
    """The short commit of the working tree, flagged when it has uncommitted changes."""

    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no").strip()
    return commit + (" (the working tree has uncommitted changes)" if dirty else "")


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def signal_group(pid: int, sig: int) -> None:
    """Signal a process group (a process started in its own session and its children)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


class StackError(RuntimeError):
    pass


class Stack:
    WEB_NODES = ("web-1", "web-2")
    WORKERS = ("worker-1", "worker-2")

    def __init__(self, directory: Path | None = None, *, env: dict | None = None):
        environ = {**os.environ, **(env or {})}
        self.dir = Path(directory or environ.get("STACK_DIR") or ROOT / ".stack").resolve()
        self.state_file = self.dir / "stack.json"
        state = json.loads(self.state_file.read_text()) if self.state_file.exists() else {}
        self.nginx_port = int(environ.get("STACK_PORT") or state.get("nginx_port") or free_port())
        self.web_ports = state.get("web_ports") or [free_port() for _ in self.WEB_NODES]
        self.pids: dict[str, int] = state.get("pids", {})
        self.database_url = environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zgcforum_stack"
        )
        self.queue = environ.get("CELERY_QUEUE", "zgcstack")
        self.url = f"http://127.0.0.1:{self.nginx_port}"
        self.processes: dict[str, subprocess.Popen] = {}
        self.env = {
            **environ,
            "DJANGO_SETTINGS_MODULE": "zgcforum.settings",
            "DEBUG": "0",
            "SECRET_KEY": self._secret_key(),
            "VISA_FERNET_KEYS": environ.get("VISA_FERNET_KEYS") or self._visa_key(),
            "SITE_URL": self.url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": environ.get("REDIS_URL", "redis://127.0.0.1:6379/8"),
            "CELERY_QUEUE": self.queue,
            # Plain HTTP on 127.0.0.1: no TLS to redirect to (a real host terminates TLS in nginx).
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "PROXY_COUNT": "1",
            "SERVE_MEDIA": "0",
            "PRIVATE_FILES_ACCEL_PREFIX": "/_private/",
            "MEDIA_ROOT": str(self.dir / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.dir / "private"),
            "LOG_FORMAT": "json",
            "LOG_LEVEL": environ.get("LOG_LEVEL", "INFO"),
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("CELERY_BROKER_URL", "CACHE_URL", "REQUIRE_SERVICES"):
            if name not in (env or {}):
                self.env.pop(name, None)

    # --- preparing ------------------------------------------------------------------------
    def _secret_key(self) -> str:
        path = self.dir / "secret_key"
        if not path.exists():
            self.dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(50))
            path.chmod(0o600)
        return path.read_text().strip()

    def _visa_key(self) -> str:
        """A Fernet key for passport data, made once per stack directory (urlsafe base64)."""
        import base64

        path = self.dir / "visa_key"
        if not path.exists():
            path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
            path.chmod(0o600)
        return path.read_text().strip()

    def manage(self, *args: str, capture: bool = False) -> str:
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise StackError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def manage_script(self, script: str, *args: str) -> str:
        """Run a Python script of the project under the stack's settings and environment."""
        result = subprocess.run(
            [str(BIN / "python"), script, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise StackError(f"{script} {' '.join(args)} failed:\n{result.stderr[-4000:]}")
        return result.stdout

    def create_database(self) -> None:
        import psycopg2

        parts = urlsplit(self.database_url)
        name = parts.path.lstrip("/")
        server = urlunsplit(parts._replace(path="/postgres"))
        connection = psycopg2.connect(server)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()

    def static_is_current(self) -> bool:
        """Whether ``collectstatic`` ran after the last change to any static file (it takes half a
        minute here, mostly compressing)."""
        manifest = ROOT / "staticfiles" / "staticfiles.json"
        if not manifest.exists():
            return False
        sources = [ROOT / "static", *ROOT.glob("*/static")]
        newest = max(
            (path.stat().st_mtime for source in sources for path in source.rglob("*")),
            default=0,
        )
        return manifest.stat().st_mtime > newest

    def has_demo(self) -> bool:
        """Whether the database holds a demo forum still ahead (sessions taking reservations)."""
        import psycopg2

        connection = psycopg2.connect(self.database_url)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM events_session WHERE rsvp_required "
                    "AND starts_at > now() + interval '2 days' LIMIT 1"
                )
                return cursor.fetchone() is not None
        except psycopg2.Error:
            return False
        finally:
            connection.close()

    def prepare(self, *, seed: bool = True, reuse: bool = False) -> None:
        """Migrate, collect static files, seed the demo. ``reuse``: skip ``collectstatic`` while
        the collected files are current and the seeding while the database holds a demo ahead."""
        for sub in ("logs", "media", "private", "tmp"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        # nginx's workers run as another user: they read public files and, for X-Accel-Redirect,
        # private ones (deploy/README.md: a shared group and 0750 on a real host).
        for path in (self.dir, self.dir / "media", self.dir / "private"):
            path.chmod(0o755)
        self.create_database()
        self.manage("migrate", "-v", "0")
        if not (reuse and self.static_is_current()):
            self.manage("collectstatic", "--noinput", "-v", "0")
        if seed and not (reuse and self.has_demo()):
            self.manage("seed_demo", "-v", "0")
        self.render_nginx_conf()

    def render_nginx_conf(self) -> Path:
        nodes = "\n        ".join(
            f"server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in self.web_ports
        )
        values = {
            "NGINX_LISTEN": f"127.0.0.1:{self.nginx_port}",
            "WEB_NODES": nodes,
            "STATIC_ROOT": str(ROOT / "staticfiles"),
            "MEDIA_ROOT": self.env["MEDIA_ROOT"],
            "PRIVATE_MEDIA_ROOT": self.env["PRIVATE_MEDIA_ROOT"],
        }
        text = Template((ROOT / "deploy" / "nginx.conf").read_text()).safe_substitute(values)
        path = self.dir / "nginx.conf"
        path.write_text(text)
        return path

    # --- processes ------------------------------------------------------------------------
    def commands(self) -> dict[str, tuple[list[str], dict]]:
        celery = str(BIN / "celery")
        gunicorn = [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
        worker = [celery, "-A", "zgcforum", "worker", "-l", "INFO", "-c", "2"]
        commands = {
            name: (
                [*gunicorn, "zgcforum.wsgi"],
                {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_NAME": name},
            )
            for name, port in zip(self.WEB_NODES, self.web_ports, strict=True)
        }
        commands["worker-1"] = (
            [*worker, "-Q", f"{self.queue},{self.queue}.heavy", "-n", f"worker-1.{self.queue}@%h"],
            {},
        )
        commands["worker-2"] = ([*worker, "-Q", self.queue, "-n", f"worker-2.{self.queue}@%h"], {})
        commands["beat"] = (
            [
                celery,
                "-A",
                "zgcforum",
                "beat",
                "-l",
                "INFO",
                "-s",
                str(self.dir / "celerybeat-schedule"),
                "--pidfile=",
            ],
            {},
        )
        commands["nginx"] = (
            [
                # Its error log (text on stderr) turned into JSON lines beside the access log.
                str(BIN / "python"),
                str(ROOT / "deploy" / "jsonlog.py"),
                "nginx",
                "-p",
                f"{self.dir}/",
                "-c",
                str(self.dir / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            {},
        )
        return commands

    def start_process(self, name: str) -> subprocess.Popen:
        command, extra = self.commands()[name]
        with (self.dir / "logs" / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **extra},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopping it takes its children
            )
        self.processes[name] = process
        self.pids[name] = process.pid
        self.save_state()
        return process

    def save_state(self) -> None:
        state = {"nginx_port": self.nginx_port, "web_ports": self.web_ports, "pids": self.pids}
        self.state_file.write_text(json.dumps(state, indent=2))

    def alive(self, name: str) -> bool:
        pid = self.pids.get(name)
        if pid is None:
            return False
        process = self.processes.get(name)
        if process is not None:
            return process.poll() is None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    def wait_for(self, what: str, ready, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            dead = [name for name in self.processes if not self.alive(name)]
            if dead:
                raise StackError(f"{', '.join(dead)} exited; see {self.dir / 'logs'}")
            time.sleep(0.2)
        raise StackError(f"{what} not ready after {timeout:.0f} s; see {self.dir / 'logs'}")

    def worker_ready(self, name: str) -> bool:
        return " ready." in (self.dir / "logs" / f"{name}.log").read_text(errors="replace")

    def start(self, timeout: float = 90) -> None:
        for name in self.commands():
            self.start_process(name)
        for name, port in zip(self.WEB_NODES, self.web_ports, strict=True):
            self.wait_for(name, lambda p=port: http_status(f"http://127.0.0.1:{p}/readyz") == 200)
        for name in self.WORKERS:
            self.wait_for(name, lambda n=name: self.worker_ready(n), timeout)
        self.wait_for("nginx", lambda: http_status(f"{self.url}/readyz") == 200, timeout)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Stop one process (and its children) the hard way, as a crash would."""
        signal_group(self.pids[name], sig)
        process = self.processes.pop(name, None)  # wait_for() no longer counts it as a failure
        if process is not None:
            process.wait(20)

    def stop(self, timeout: float = 20) -> None:
        for name in list(self.pids):
            signal_group(self.pids[name], signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(self.alive(n) for n in self.pids):
            for process in self.processes.values():
                process.poll()
            time.sleep(0.2)
        for name in [n for n in self.pids if self.alive(n)]:
            signal_group(self.pids[name], signal.SIGKILL)
        for process in self.processes.values():
            process.wait(10)
        self.pids.clear()
        self.save_state()


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "up"
    stack = Stack()
    if command == "up":
        if any(stack.alive(name) for name in stack.pids):
            print(f"The stack runs already: {stack.url}/ (make stack-stop first)")
            return 1
        stack.prepare(seed=os.environ.get("STACK_SEED", "1") == "1")
        stack.start()
        print(f"Stack up: {stack.url}/  (admin {stack.url}/admin/)")
        for name, pid in stack.pids.items():
            print(f"  {name:9} pid {pid}  log {stack.dir / 'logs' / (name + '.log')}")
        print("Stop it with `make stack-stop`.")
        return 0
    if command == "status":
        for name, pid in stack.pids.items():
            print(f"{name:9} pid {pid} {'running' if stack.alive(name) else 'gone'}")
        return 0
    if command == "down":
        stack.stop()
        print("Stack stopped.")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
