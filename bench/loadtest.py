"""``make loadtest``: the production stack under steps of simulated users (locust, headless).

Brings the stack of deploy/stack.py up (nginx, two gunicorn nodes, workers, beat; DEBUG=0, on
PostgreSQL and Redis, the demo seeded), makes the fixtures (session cookies for demo delegates,
exhibitors and a desk; badge tokens), then runs the plan of bench/loadplan.py with
bench/locustfile.py against (a) one gunicorn node, straight, and (b) the two nodes behind nginx.
Writes the raw numbers to bench/results/loadtest.json and the table into bench/README.md; exits 1
when any request failed, 2 when the harness could not run. Everything listens on 127.0.0.1.

    .venv/bin/python bench/loadtest.py [--quick] [--steps 10 25 50] [--seconds 20]
    .venv/bin/python bench/loadtest.py fixtures OUT.json   # (run by the above, under the stack's settings)
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadplan import (  # noqa: E402
    MIX,
    P99_LIMIT_MS,
    STEP_SECONDS,
    STEPS,
    WAIT_SECONDS,
    Step,
    render_report,
    replace_section,
    total_errors,
)

RESULTS = ROOT / "bench" / "results" / "loadtest.json"
README = ROOT / "bench" / "README.md"
DELEGATES, EXHIBITORS, BADGES = 200, 40, 400
QUICK = {"steps": [10, 25], "seconds": 5}


def fixtures(out: str) -> None:
    """Run under the stack's settings: what the simulated users need, as JSON in ``out``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zgcforum.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bench.personas import session_key
    from delegates.badges import token_for
    from delegates.models import Badge, Registration
    from delegates.services.agenda import confirmed_clashes
    from events import selectors
    from exhibitors.models import Membership

    forum = selectors.current_forum()
    if forum is None:
        raise SystemExit("no published forum: seed the demo first")
    days = [
        forum.starts_on + timedelta(days=n)
        for n in range((forum.ends_on - forum.starts_on).days + 1)
    ]
    reservable = list(
        selectors.public_sessions(forum)
        .filter(
            rsvp_required=True,
            is_cancelled=False,
            event__is_public=True,
            capacity__gt=10,
            starts_at__gt=timezone.now() + timedelta(days=1),
        )
        .order_by("starts_at", "pk")
    )
    if not reservable:
        raise SystemExit("no session takes reservations (is the demo anchored to today?)")
    rng = random.Random(2021)
    registrations = (
        Registration.objects.filter(status=Registration.Status.APPROVED, anonymised_at=None)
        .select_related("user")
        .order_by("pk")[:DELEGATES]
    )
    delegates = []
    for registration in registrations:
        # A session the delegate holds no other seat at the same time as (clashes are refused).
        for session in rng.sample(reservable, min(len(reservable), 20)):
            if not confirmed_clashes(session, user=registration.user):
                delegates.append(
                    {"session": session_key(registration.user), "rsvp_session": session.code}
                )
                break
    badges = Badge.objects.filter(
        revoked_at=None, registration__status=Registration.Status.APPROVED
    ).order_by("pk")[:BADGES]
    members = (
        Membership.objects.filter(user__is_active=True)
        .select_related("user", "organization")
        .order_by("pk")[:EXHIBITORS]
    )
    desk = get_user_model().objects.get(email="door@zgcforum.example")  # the check-in role
    data = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "days": [day.isoformat() for day in days],
        "delegates": delegates,
        "badges": [token_for(badge) for badge in badges],
        "exhibitors": [
            {"session": session_key(m.user), "organization": m.organization.code} for m in members
        ],
        "desk": session_key(desk),
    }
    for name in ("delegates", "badges", "exhibitors"):
        if not data[name]:
            raise SystemExit(f"no {name} in the demo")
    Path(out).write_text(json.dumps(data))


class LoadTestError(Exception):
    """The harness could not run: exit 2."""


def run_target(
    label: str, host: str, fixtures_file: Path, steps, seconds, work: Path
) -> list[Step]:
    print(f"{label}: {host}", flush=True)
    out = work / f"{label.split()[0]}.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "locustfile.py"),
            "--host",
            host,
            "--fixtures",
            str(fixtures_file),
            "--steps",
            *map(str, steps),
            "--seconds",
            str(seconds),
            "--out",
            str(out),
        ],
        cwd=ROOT,
    )
    if done.returncode or not out.exists():
        raise LoadTestError(f"locust against {host} exited with {done.returncode}")
    return [Step.from_dict(step) for step in json.loads(out.read_text())]


def header(meta: dict) -> str:
    mix = "; ".join(f"{kind} × {weight}" for kind, weight in MIX.items())
    return (
        f"Measured {meta['date']} at commit {meta['commit']} on {meta['cpus']} cores "
        f"(load average before {meta['load_before']}, after {meta['load_after']}). "
        f"Steps of {meta['seconds']:.0f} s; think time {WAIT_SECONDS[0]:g}–{WAIT_SECONDS[1]:g} s "
        f"per user; mix (weights): {mix}. Limit: p99 ≤ {P99_LIMIT_MS} ms."
    )


def run(steps: list[int], seconds: float, *, write_readme: bool) -> int:
    from deploy.stack import Stack, StackError, git_commit, load_average

    work = Path(tempfile.mkdtemp(prefix="zgc-loadtest-"))
    stack = Stack(
        work / "stack",
        env={
            "DATABASE_URL": os.environ.get(
                "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zgcforum_loadtest"
            ),
            "REDIS_URL": os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/10"),
            "CELERY_QUEUE": f"zgcload{os.getpid()}",
            "LOG_LEVEL": "WARNING",
        },
    )
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_commit(),
        "cpus": os.cpu_count(),
        "load_before": load_average(),
        "seconds": seconds,
        "steps": steps,
        "p99_limit_ms": P99_LIMIT_MS,
        "wait_seconds": list(WAIT_SECONDS),
        "mix": MIX,
    }
    started = time.monotonic()
    try:
        print(f"Preparing the stack in {stack.dir} ({stack.database_url})", flush=True)
        stack.prepare(reuse=True)
        stack.start()
        fixtures_file = work / "fixtures.json"
        stack.manage_script(str(ROOT / "bench" / "loadtest.py"), "fixtures", str(fixtures_file))
        targets = {
            "One gunicorn node": f"http://127.0.0.1:{stack.web_ports[0]}",
            "Two nodes behind nginx": stack.url,
        }
        results = {
            label: run_target(label, host, fixtures_file, steps, seconds, work)
            for label, host in targets.items()
        }
    except (StackError, LoadTestError) as exc:
        print(f"loadtest: {exc}", file=sys.stderr)
        return 2
    finally:
        stack.stop()
    meta["load_after"] = load_average()
    meta["took_s"] = round(time.monotonic() - started)
    shutil.rmtree(work, ignore_errors=True)
    report = render_report(results, header=header(meta))
    print(report)
    results_file = RESULTS if write_readme else RESULTS.with_name("loadtest-quick.json")
    results_file.parent.mkdir(exist_ok=True)
    results_file.write_text(
        json.dumps(
            {"meta": meta, "targets": {k: [s.to_dict() for s in v] for k, v in results.items()}},
            indent=1,
        )
        + "\n"
    )
    if write_readme:
        README.write_text(replace_section(README.read_text(), report))
    errors = total_errors(results)
    print(
        f"{errors} errors; took {meta['took_s']} s; raw numbers in {results_file.relative_to(ROOT)}"
    )
    return 1 if errors else 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["fixtures"]:
        fixtures(argv[1])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 short steps")
    parser.add_argument("--steps", type=int, nargs="+", default=list(STEPS))
    parser.add_argument("--seconds", type=float, default=STEP_SECONDS)
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.seconds = QUICK["steps"], QUICK["seconds"]
    return run(args.steps, args.seconds, write_readme=not args.quick)


if __name__ == "__main__":
    sys.exit(main())
