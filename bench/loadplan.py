"""The load plan of ``make loadtest`` and the logic of its report (no locust here: unit-tested).

The plan: steps of simulated users (``STEPS``, ``STEP_SECONDS`` each) with the mix in ``MIX``,
against each target in turn (one gunicorn node; two nodes behind nginx). For every step locust
reports, per endpoint, the requests, failures, req/s, p50 and p99. The report keeps, per target,
the highest step whose p99 over all requests stays within ``P99_LIMIT_MS`` and shows its
endpoints in a table (bench/README.md, between the markers below).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

STEPS = (10, 25, 50, 75, 100, 150)
STEP_SECONDS = 15
P99_LIMIT_MS = 500
# Two steps in a row whose p99 is this many times over the limit end the target's climb: bigger
# steps would only queue more (and the whole run must stay within five minutes). One such step
# alone does not: on a shared machine a burst of other work can spoil one.
GIVE_UP_FACTOR = 2
# Seconds of load before the first step, not measured: caches filled, connections open.
WARM_UP_SECONDS = 5
# Each simulated user waits between these many seconds between two of its tasks (think time).
WAIT_SECONDS = (1.0, 3.0)
# The share of simulated users of each kind (weights, locust's ``weight``).
MIX = {
    "anonymous visitor: schedule, sessions, speakers, exhibitor directory": 6,
    "delegate: agenda, reserve and cancel a seat": 2,
    "desk: check-in scans": 1,
    "exhibitor: portal pages": 1,
}
TOTAL = "all requests"
BEGIN = "<!-- loadtest:begin (written by bench/loadtest.py) -->"
END = "<!-- loadtest:end -->"


@dataclass
class Endpoint:
    name: str
    requests: int
    failures: int
    rps: float
    p50_ms: float
    p99_ms: float


@dataclass
class Step:
    users: int
    seconds: float
    endpoints: list[Endpoint]
    total: Endpoint
    errors: dict[str, int] = field(default_factory=dict)  # "GET /x: HTTPError 500" -> count

    @classmethod
    def from_dict(cls, data: dict) -> Step:
        return cls(
            users=data["users"],
            seconds=data["seconds"],
            endpoints=[Endpoint(**e) for e in data["endpoints"]],
            total=Endpoint(**data["total"]),
            errors=dict(data.get("errors", {})),
        )

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def within_limit(self) -> bool:
        return self.total.requests > 0 and self.total.p99_ms <= P99_LIMIT_MS


def keep_going(steps: list[Step]) -> bool:
    """Whether a bigger step is worth running after these."""
    over = [step.total.p99_ms > P99_LIMIT_MS * GIVE_UP_FACTOR for step in steps[-2:]]
    return not (len(over) == 2 and all(over))


def best_step(steps: list[Step]) -> Step | None:
    """The step with the most users whose p99 (all requests) is within the limit."""
    within = [step for step in steps if step.within_limit]
    return max(within, key=lambda step: step.users) if within else None


def _ms(value: float) -> str:
    return f"{value:,.0f}"


def _errors(count: int) -> str:
    return "" if not count else f", {count} error" + ("s" if count > 1 else "")


def render_target(label: str, steps: list[Step]) -> str:
    """The markdown for one target: the steps run, then the endpoints at the best step."""
    ran = ", ".join(
        f"{s.users} ({_ms(s.total.p99_ms)} ms{_errors(s.total.failures)})" for s in steps
    )
    lines = [f"### {label}", "", f"Steps run, users (p99 of all requests): {ran}.", ""]
    step = best_step(steps)
    if step is None:
        lines.append(f"**No step kept its p99 within {P99_LIMIT_MS} ms.**")
        return "\n".join(lines)
    lines += [
        f"Highest step with p99 ≤ {P99_LIMIT_MS} ms: **{step.users} users** "
        f"({step.seconds:.0f} s measured).",
        "",
        "| endpoint | requests | req/s | p50 ms | p99 ms | errors |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for e in [*sorted(step.endpoints, key=lambda e: e.name), step.total]:
        name = f"**{e.name}**" if e is step.total else f"`{e.name}`"
        lines.append(
            f"| {name} | {e.requests:,} | {e.rps:.1f} | {_ms(e.p50_ms)} | {_ms(e.p99_ms)} | "
            f"{e.failures} |"
        )
    if step.errors:
        lines += ["", "Errors: " + "; ".join(f"{k} × {v}" for k, v in sorted(step.errors.items()))]
    return "\n".join(lines)


def render_report(targets: dict[str, list[Step]], *, header: str = "") -> str:
    parts = [header] if header else []
    parts += [render_target(label, steps) for label, steps in targets.items()]
    return "\n\n".join(parts) + "\n"


def replace_section(text: str, body: str) -> str:
    """``text`` with what lies between the markers replaced by ``body`` (appended if absent)."""
    section = f"{BEGIN}\n{body.rstrip()}\n{END}"
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        _old, after = rest.split(END, 1)
        return before + section + after
    return text.rstrip() + "\n\n" + section + "\n"


def total_errors(targets: dict[str, list[Step]]) -> int:
    return sum(step.total.failures for steps in targets.values() for step in steps)
