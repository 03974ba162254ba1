"""Badges and the check-in desk: badge PDF timings, and desk latency at a fixed scan rate.

``.venv/bin/python bench/badges_bench.py`` (``make bench`` runs it after the pages, with
``BENCH_URL`` pointing at the running gunicorn and ``DATABASE_URL`` at the seeded database).

1. Badge PDF, in this process: one badge (median of 7 after a warm-up; the cold first one is shown
   too) and 100 badges in one PDF (median of 3). Targets: ≤ 0.5 s and ≤ 5 s.
2. Check-in: a desk account (role ``check-in desk``) posts distinct badge tokens to
   ``/delegates/desk/`` at a fixed 20 scans/s for 30 s (5 s with ``BENCH_QUICK=1``). Requests
   leave on a fixed schedule from a pool of connections; latency is measured from each request's
   *scheduled* time, so a slow server cannot hide queueing (no coordinated omission).
   Target: p99 ≤ 50 ms. Every answer must be 200 and a green "checked in".

Prints a markdown table. Exits 1 when an answer is wrong or a request fails; the timing targets
are reported, not enforced (two shared cores).
"""

import http.client
import os
import re
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUICK = os.environ.get("BENCH_QUICK") == "1"
RATE = 20  # scans per second
SECONDS = 5 if QUICK else 30
CONNECTIONS = 16
DESK_EMAIL = "bench-desk@zgcforum.example"
TARGETS = {"badge1": 0.5, "badge100": 5.0, "p99_ms": 50.0}


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zgcforum.settings")
    import django

    django.setup()


def desk_session() -> str:
    """A logged-in session of the bench's desk account (no password form, no lockout)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.roles import ensure_roles
    from delegates.roles import CHECKIN_DESK

    ensure_roles()
    user, _created = User.objects.get_or_create(
        email=DESK_EMAIL, defaults={"name": "Bench Desk", "is_active": True}
    )
    user.groups.add(Group.objects.get(name=CHECKIN_DESK))
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.ForumBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def approved_ids(candidates, n: int, *, label: str, consent_every: int = 0) -> list[int]:
    """Ids of n approved, not anonymised registrations from ``candidates`` (a queryset of them),
    topped up with new approved people when there are fewer. ``label`` tells the made ones
    apart (e-mails ``bench-<label>-<run>-<i>@example.org``); ``consent_every``: every such one
    of them consents to leads (0: none)."""
    from django.utils import timezone

    from accounts.models import User
    from delegates.models import Category, Registration

    ids = list(
        candidates.filter(status=Registration.Status.APPROVED, anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:n]
    )
    category = Category.objects.order_by("position", "pk").first() or Category.objects.create(
        slug="bench", name="Bench"
    )
    run = int(time.time())
    for i in range(n - len(ids)):
        user = User.objects.create(
            email=f"bench-{label}-{run}-{i}@example.org", name=f"Bench {label} {i}"
        )
        consents = bool(consent_every) and i % consent_every == consent_every - 1
        ids.append(
            Registration.objects.create(
                user=user,
                category=category,
                status=Registration.Status.APPROVED,
                name=f"Bench Person {i}",
                organization="Bench",
                country="CN",
                terms_accepted_at=timezone.now(),
                lead_consent_at=timezone.now() if consents else None,
            ).pk
        )
    return ids


def fresh_tokens(n: int) -> list[str]:
    """Tokens of n approved people not yet checked in at the forum entrance (made if missing)."""
    from delegates import services
    from delegates.badges import token_for
    from delegates.models import CheckIn, Registration

    entered = CheckIn.objects.filter(event__isnull=True).values("registration_id")
    ids = approved_ids(Registration.objects.exclude(pk__in=entered), n, label="desk")
    return [token_for(b) for b in services.badges_of(ids)]


def time_badges() -> dict:
    from delegates import services
    from delegates.badges import badge_pdf
    from delegates.models import Registration

    ids = list(
        Registration.objects.approved()
        .filter(anonymised_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:100]
    )
    badges = services.badges_of(ids)
    one = badges[:1]
    start = time.perf_counter()
    badge_pdf(one)
    cold = time.perf_counter() - start
    singles = []
    for _i in range(3 if QUICK else 7):
        start = time.perf_counter()
        badge_pdf(one)
        singles.append(time.perf_counter() - start)
    hundreds = []
    for _i in range(1 if QUICK else 3):
        start = time.perf_counter()
        badge_pdf(badges)
        hundreds.append(time.perf_counter() - start)
    return {"cold": cold, "one": singles, "hundred": hundreds, "n": len(badges)}


class Desk:
    """One keep-alive connection per worker thread, posting scans to the desk page."""

    def __init__(self, base_url: str, session_key: str, path: str = "/delegates/desk/"):
        from django.conf import settings

        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.path = path
        self.local = threading.local()
        self.session_cookie = f"{settings.SESSION_COOKIE_NAME}={session_key}"
        status, body, cookies = self.request("GET", "")
        if status != 200:
            raise SystemExit(f"GET {self.path} answered {status}")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        self.csrf_form = csrf.group(1)
        self.csrf_cookie = cookies.get(settings.CSRF_COOKIE_NAME, "")

    def connection(self) -> http.client.HTTPConnection:
        if getattr(self.local, "conn", None) is None:
            self.local.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        return self.local.conn

    def request(self, method: str, body: str):
        cookie = self.session_cookie
        if getattr(self, "csrf_cookie", ""):
            cookie += f"; csrftoken={self.csrf_cookie}"
        headers = {"Cookie": cookie, "Host": f"{self.host}:{self.port}"}
        if method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            conn = self.connection()
            try:
                conn.request(method, self.path, body=body or None, headers=headers)
                response = conn.getresponse()
                data = response.read().decode()
                break
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
        cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, cookies

    def scan(self, token: str) -> tuple[int, bool]:
        body = urlencode({"csrfmiddlewaretoken": self.csrf_form, "token": token})
        status, data, _cookies = self.request("POST", body)
        return status, 'data-result="accepted"' in data


def run_scans(desk: Desk, tokens: list[str]) -> dict:
    latencies, failures = [], []
    lock = threading.Lock()

    def one(token: str, scheduled: float):
        try:
            status, accepted = desk.scan(token)
            ok = status == 200 and accepted
            error = "" if ok else f"status {status}, accepted={accepted}"
        except Exception as exc:  # noqa: BLE001  (reported in the table)
            ok, error = False, repr(exc)
        elapsed = time.perf_counter() - scheduled
        with lock:
            latencies.append(elapsed * 1000)
            if not ok:
                failures.append(error)

    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        start = time.perf_counter() + 0.2
        for i, token in enumerate(tokens):
            scheduled = start + i / RATE
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, token, scheduled)
        wall = time.perf_counter() - start
    latencies.sort()
    return {
        "n": len(latencies),
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "max": latencies[-1],
        "failures": failures,
        "rate": len(tokens) / wall,
    }


def main() -> int:
    setup_django()
    base_url = os.environ.get("BENCH_URL", "http://127.0.0.1:8000")
    pdf = time_badges()
    tokens = fresh_tokens(RATE * SECONDS)
    desk = Desk(base_url, desk_session())
    # Warm-up: every gunicorn worker renders the desk and refuses a scan (unknown badge) a few
    # times, so templates and connections are ready; nobody is checked in by it.
    for i in range(40):
        desk.request("GET", "")
        desk.scan(f"bench-warm-up-{i}")
    scans = run_scans(desk, tokens)

    one = statistics.median(pdf["one"])
    hundred = statistics.median(pdf["hundred"])

    def verdict(value, target):
        return "ok" if value <= target else f"**over target** ({target:g})"

    print(f"Badge PDF ({pdf['n']} badges available); check-in at {RATE} scans/s for {SECONDS} s")
    print()
    print("| measure | median (min–max) | target | status |")
    print("|---|---:|---:|---|")
    print(f"| 1 badge, cold (first in process) | {pdf['cold']:.3f} s | – | – |")
    print(
        f"| 1 badge | {one:.3f} s ({min(pdf['one']):.3f}–{max(pdf['one']):.3f}) "
        f"| ≤ 0.5 s | {verdict(one, TARGETS['badge1'])} |"
    )
    print(
        f"| {pdf['n']} badges, one PDF | {hundred:.2f} s "
        f"({min(pdf['hundred']):.2f}–{max(pdf['hundred']):.2f}) "
        f"| ≤ 5 s | {verdict(hundred, TARGETS['badge100'])} |"
    )
    print(f"| check-in p50 | {scans['p50']:.1f} ms | – | – |")
    print(
        f"| check-in p99 | {scans['p99']:.1f} ms (max {scans['max']:.1f}) | ≤ 50 ms "
        f"| {verdict(scans['p99'], TARGETS['p99_ms'])} |"
    )
    print(
        f"| scans sent / rate held | {scans['n']} / {scans['rate']:.1f} per s | {RATE} per s "
        f"| {'ok' if not scans['failures'] else '**FAIL**'} |"
    )
    print(
        f"| wrong answers | {len(scans['failures'])} | 0 | {'ok' if not scans['failures'] else '**FAIL**'} |"
    )
    print()
    print(f"Load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if scans["failures"]:
        print(f"First failure: {scans['failures'][0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
