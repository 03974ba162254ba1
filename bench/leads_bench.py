"""Lead capture at the booth: scan latency at a fixed rate, modelled on the check-in desk row.

A staff member of the first demo exhibitor (an approved application with a booth) posts distinct
badges' *typed* short codes (``XXXXX-XXXXX``, the path that also checks the typing limit) to
``/leads/<organization>/`` at 20 scans/s for 30 s (5 s with ``BENCH_QUICK=1``), on a fixed
schedule from a pool of connections; latency counts from each request's scheduled time.
Target: p99 ≤ 50 ms. Every answer must be the redirect to a newly captured lead.

Prints a markdown table. Exits 1 when an answer is wrong or a request fails.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.badges_bench import (  # noqa: E402
    CONNECTIONS,
    QUICK,
    RATE,
    SECONDS,
    Desk,
    approved_ids,
    run_scans,
    setup_django,
)

STAFF_EMAIL = "bench-booth@zgcforum.example"
EXHIBITOR = "exhibitor00001@demo.zgcforum.example"
TARGET_P99_MS = 50.0


class Booth(Desk):
    """The Leads tab: a scan answers with a redirect to the lead."""

    def __init__(self, base_url: str, session_key: str, code: str):
        super().__init__(base_url, session_key, path=f"/leads/{code}/")

    def scan(self, token: str) -> tuple[int, bool]:
        from urllib.parse import urlencode

        body = urlencode({"csrfmiddlewaretoken": self.csrf_form, "token": token})
        status, _data, _cookies = self.request("POST", body)
        # A capture answers with the redirect to the lead: counted as run_scans' 200 + accepted.
        return (200, True) if status == 302 else (status, False)


def booth_session():
    """A logged-in session of a staff member of the first demo exhibitor, and its organization."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User
    from exhibitors.models import Membership
    from leads.selectors import can_capture

    organization = (
        Membership.objects.select_related("organization").get(user__email=EXHIBITOR).organization
    )
    if not can_capture(organization):
        raise SystemExit(f"{organization} has no approved application with a booth")
    user, _created = User.objects.get_or_create(
        email=STAFF_EMAIL, defaults={"name": "Bench Booth", "is_active": True}
    )
    Membership.objects.get_or_create(organization=organization, user=user)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "accounts.backends.ForumBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key, organization


def fresh_codes(organization, n: int) -> list[str]:
    """Printed short codes of n approved people the organization has not captured yet (made if
    missing, every second one consenting to share their contact)."""
    from delegates import services
    from delegates.models import Registration

    captured = Registration.objects.filter(badges__leads__organization=organization)
    ids = approved_ids(
        Registration.objects.exclude(pk__in=captured), n, label="lead", consent_every=2
    )
    return [badge.printed_code for badge in services.badges_of(ids)]


def main() -> int:
    import os

    setup_django()
    base_url = os.environ.get("BENCH_URL", "http://127.0.0.1:8000")
    session_key, organization = booth_session()
    codes = fresh_codes(organization, RATE * SECONDS + 40)
    warm_up, codes = codes[:40], codes[40:]
    booth = Booth(base_url, session_key, organization.code)
    # Warm-up: every gunicorn worker renders the tab and captures a few leads.
    for code in warm_up:
        booth.request("GET", "")
        booth.scan(code)
    scans = run_scans(booth, codes)
    print(
        f"Lead capture: typed badge codes at {RATE} scans/s for {SECONDS} s, "
        f"{CONNECTIONS} connections{' (quick)' if QUICK else ''}"
    )
    print()
    print("| measure | value | target | status |")
    print("|---|---:|---:|---|")
    print(f"| lead scan p50 | {scans['p50']:.1f} ms | – | – |")
    verdict = "ok" if scans["p99"] <= TARGET_P99_MS else f"**over target** ({TARGET_P99_MS:g})"
    print(
        f"| lead scan p99 | {scans['p99']:.1f} ms (max {scans['max']:.1f}) "
        f"| ≤ {TARGET_P99_MS:g} ms | {verdict} |"
    )
    print(f"| scans sent | {scans['n']} at {scans['rate']:.1f}/s | – | – |")
    if scans["failures"]:
        print()
        print(f"{len(scans['failures'])} wrong answers, e.g. {scans['failures'][:3]}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
