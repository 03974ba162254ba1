"""The simulated users of ``make loadtest`` (bench/loadplan.py holds the plan, bench/loadtest.py
runs it) and the step runner that drives locust as a library.

    python bench/locustfile.py --host URL --fixtures FILE --steps 10 25 50 --seconds 20 --out FILE

``FILE`` (written by ``bench/loadtest.py fixtures``) holds session cookies made for demo users
(no login form: PBKDF2 on every simulated user would measure the hasher), badge tokens for the
desk, sessions that take reservations and the exhibitors' organisation codes. Every request that
answers anything but what a browser expects (a 200, or the 302 after a one-click form) counts as
an error, and so does a page that shows an error message.
"""

import argparse
import itertools
import json
import random
import re
import sys
import time
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadplan import (  # noqa: E402
    STEP_SECONDS,
    TOTAL,
    WAIT_SECONDS,
    WARM_UP_SECONDS,
    Endpoint,
    Step,
    keep_going,
)

FIXTURES: dict = {}
CSRF = "loadtestcsrfloadtestcsrfloadtest"  # a 32-character CSRF secret, sent as cookie and header
# The messages a view adds after an action (templates/includes/_messages.html); an error among them
# ("Reservations for this session are closed.") is a failed request. Other red boxes are content
# (a cancelled session says so) and count as nothing.
MESSAGES = re.compile(
    r'<div class="messages" role="status">(?:\s*<div class="alert[^"]*">[^<]*</div>)*'
)
ERROR_MESSAGE = re.compile(r'<div class="alert alert-danger">([^<]*)</div>')
_found: dict[str, list[str]] = {}


def load_fixtures(path: str) -> None:
    FIXTURES.clear()
    FIXTURES.update(json.loads(Path(path).read_text()))
    FIXTURES["_delegates"] = itertools.cycle(FIXTURES["delegates"])
    FIXTURES["_exhibitors"] = itertools.cycle(FIXTURES["exhibitors"])


def links(kind: str, pattern: str, body: str) -> None:
    """Remember the links a public page shows (session codes, organisation slugs)."""
    if kind not in _found:
        found = sorted(set(re.findall(pattern, body)))
        if found:
            _found[kind] = found


def error_message(page: str) -> str:
    """The first error message the page shows after an action, or ''."""
    messages = MESSAGES.search(page)
    error = ERROR_MESSAGE.search(messages.group(0)) if messages else None
    return error.group(1)[:80] if error else ""


def expect(response, status: int = 200, *, shows: str = "", never: str = 'data-result="unknown"'):
    """A failure unless the status is ``status``, the page ``shows`` that text and shows no error
    message (nor ``never``)."""
    if response.status_code != status:
        response.failure(f"HTTP {response.status_code}, expected {status}")
    elif error := error_message(response.text):
        response.failure(f"error shown: {error}")
    elif shows not in response.text or (never and never in response.text):
        response.failure(f"the page does not show {shows!r}" if shows else f"shows {never!r}")
    else:
        response.success()


class ForumUser(HttpUser):
    abstract = True
    wait_time = between(*WAIT_SECONDS)

    def log_in(self, session_key: str) -> None:
        self.client.cookies.set(FIXTURES["session_cookie"], session_key)
        self.client.cookies.set(FIXTURES["csrf_cookie"], CSRF)

    def get(self, path: str, name: str | None = None):
        with self.client.get(path, name=name or path, catch_response=True) as response:
            expect(response)
        return response

    def post(self, path: str, data: dict, name: str, status: int, shows: str = ""):
        with self.client.post(
            path,
            data=data,
            name=name,
            headers={"X-CSRFToken": CSRF},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            expect(response, status, shows=shows)
        return response


class AnonymousVisitor(ForumUser):
    """Browses the schedule, its sessions, the speakers and the exhibitor directory."""

    weight = 6

    @task(3)
    def schedule_day(self):
        day = random.choice(FIXTURES["days"])
        response = self.get(f"/schedule/?day={day}", name="/schedule/?day=[day]")
        links("sessions", r'href="/sessions/([-\w]+)/"', response.text)

    @task(3)
    def session(self):
        if "sessions" not in _found:
            return self.schedule_day()
        code = random.choice(_found["sessions"])
        self.get(f"/sessions/{code}/", name="/sessions/[code]/")

    @task(1)
    def schedule_chinese(self):
        self.get("/zh-hans/schedule/", name="/zh-hans/schedule/")

    @task(1)
    def speakers(self):
        self.get("/speakers/")

    @task(2)
    def directory(self):
        response = self.get("/exhibitors/")
        links("organizations", r'href="/exhibitors/organizations/([-\w]+)/"', response.text)

    @task(2)
    def organization(self):
        if "organizations" not in _found:
            return self.directory()
        slug = random.choice(_found["organizations"])
        self.get(f"/exhibitors/organizations/{slug}/", name="/exhibitors/organizations/[slug]/")


class Delegate(ForumUser):
    """Looks at the agenda, reserves a seat in one session and cancels it again."""

    weight = 2

    def on_start(self):
        delegate = next(FIXTURES["_delegates"])
        self.log_in(delegate["session"])
        self.code = delegate["rsvp_session"]
        self.reserved = False

    @task(3)
    def agenda(self):
        self.get("/delegates/agenda/")

    @task(1)
    def rsvp(self):
        action = "rsvp/cancel" if self.reserved else "rsvp"
        self.post(
            f"/delegates/sessions/{self.code}/{action}/",
            {"next": "/delegates/agenda/"},
            name=f"/delegates/sessions/[code]/{action}/",
            status=302,
        )
        self.reserved = not self.reserved
        # The agenda the redirect leads to shows the outcome: an error there is an error here.
        self.get("/delegates/agenda/")


class Desk(ForumUser):
    """A check-in desk scanning badges (a USB scanner types the token and Enter)."""

    weight = 1

    def on_start(self):
        self.log_in(FIXTURES["desk"])

    @task(1)
    def desk(self):
        self.get("/delegates/desk/")

    @task(5)
    def scan(self):
        token = random.choice(FIXTURES["badges"])
        self.post(
            "/delegates/desk/",
            {"token": token},
            name="/delegates/desk/",
            status=200,
            shows="data-result=",
        )


class Exhibitor(ForumUser):
    """An exhibitor's staff going through the portal of their organisation."""

    weight = 1

    def on_start(self):
        exhibitor = next(FIXTURES["_exhibitors"])
        self.log_in(exhibitor["session"])
        self.code = exhibitor["organization"]

    @task(1)
    def home(self):
        self.get("/exhibitors/portal/")

    @task(2)
    def organization(self):
        self.get(f"/exhibitors/portal/{self.code}/", name="/exhibitors/portal/[code]/")

    @task(1)
    def exhibits(self):
        self.get(
            f"/exhibitors/portal/{self.code}/exhibits/", name="/exhibitors/portal/[code]/exhibits/"
        )

    @task(1)
    def documents(self):
        self.get(
            f"/exhibitors/portal/{self.code}/documents/",
            name="/exhibitors/portal/[code]/documents/",
        )


USERS = [AnonymousVisitor, Delegate, Desk, Exhibitor]


def _endpoint(name: str, entry, seconds: float) -> Endpoint:
    return Endpoint(
        name=name,
        requests=entry.num_requests,
        failures=entry.num_failures,
        rps=round(entry.num_requests / seconds, 2),
        p50_ms=float(entry.get_response_time_percentile(0.5) or 0),
        p99_ms=float(entry.get_response_time_percentile(0.99) or 0),
    )


def run_steps(host: str, steps: list[int], seconds: float) -> list[Step]:
    import gevent

    env = Environment(user_classes=USERS, events=events, host=host)
    runner = env.create_local_runner()
    results = []
    try:
        runner.start(steps[0], spawn_rate=50)
        gevent.sleep(WARM_UP_SECONDS)  # not measured: the first step starts on warm caches
        for users in steps:
            runner.start(users, spawn_rate=50)
            while runner.user_count < users:
                gevent.sleep(0.1)
            gevent.sleep(2)  # the new users' first requests, then measure
            env.stats.reset_all()
            started = time.monotonic()
            gevent.sleep(seconds)
            took = time.monotonic() - started
            stats = env.stats
            entries = [
                _endpoint(f"{method} {name}" if method != "GET" else name, entry, took)
                for (name, method), entry in stats.entries.items()
            ]
            errors = {
                f"{e.method} {e.name}: {e.error}": e.occurrences for e in stats.errors.values()
            }
            step = Step(users, round(took, 1), entries, _endpoint(TOTAL, stats.total, took), errors)
            results.append(step)
            print(
                f"  {users:4} users: {step.total.rps:6.1f} req/s, p50 {step.total.p50_ms:.0f} ms, "
                f"p99 {step.total.p99_ms:.0f} ms, {step.total.failures} errors",
                flush=True,
            )
            if not keep_going(results):
                break
    finally:
        runner.quit()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", required=True)
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--steps", type=int, nargs="+", required=True)
    parser.add_argument("--seconds", type=float, default=STEP_SECONDS)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    load_fixtures(args.fixtures)
    steps = run_steps(args.host, args.steps, args.seconds)
    Path(args.out).write_text(json.dumps([s.to_dict() for s in steps], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
