"""The report logic of `make loadtest` (bench/loadplan.py): which step is kept, what the table
says, how bench/README.md's generated section is replaced. No load is run here."""

from bench.loadplan import (
    BEGIN,
    END,
    P99_LIMIT_MS,
    STEPS,
    TOTAL,
    Endpoint,
    Step,
    best_step,
    keep_going,
    render_report,
    render_target,
    replace_section,
    total_errors,
)


def step(users: int, p99: float, *, failures: int = 0, errors=None) -> Step:
    agenda = Endpoint("/delegates/agenda/", 300, failures, 10.0, p99 / 4, p99)
    schedule = Endpoint("/schedule/?day=[day]", 600, 0, 20.0, p99 / 8, p99 / 2)
    total = Endpoint(TOTAL, 900, failures, 30.0, p99 / 6, p99)
    return Step(users, 15.0, [schedule, agenda], total, errors or {})


def test_the_plan_climbs_in_steps_within_five_minutes():
    assert list(STEPS) == sorted(STEPS) and len(set(STEPS)) == len(STEPS)
    assert P99_LIMIT_MS == 500


def test_the_highest_step_within_the_limit_is_kept_even_after_a_slower_one():
    steps = [step(10, 80), step(25, 120), step(50, 510), step(75, 480), step(100, 1400)]
    assert best_step(steps).users == 75
    assert best_step([step(10, 500)]).users == 10  # the limit itself is within
    assert best_step([step(10, 501)]) is None
    assert best_step([]) is None


def test_two_steps_in_a_row_far_over_the_limit_end_the_climb():
    assert keep_going([step(10, 80)])
    assert keep_going([step(10, 1300)])  # one spoilt step alone does not
    assert keep_going([step(10, 1300), step(25, 900)])
    assert keep_going([step(10, 1300), step(25, 400), step(50, 1100)])
    assert not keep_going([step(10, 80), step(50, 1001), step(75, 1500)])


def test_the_table_shows_every_endpoint_of_the_kept_step_and_the_total_last():
    text = render_target("Two nodes behind nginx", [step(10, 80), step(25, 400), step(50, 2000)])
    assert text.startswith("### Two nodes behind nginx")
    assert "Steps run, users (p99 of all requests): 10 (80 ms), 25 (400 ms), 50 (2,000 ms)." in text
    assert "Highest step with p99 ≤ 500 ms: **25 users** (15 s measured)." in text
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| endpoint | requests | req/s | p50 ms | p99 ms | errors |"
    assert rows[1:] == [
        "| `/delegates/agenda/` | 300 | 10.0 | 100 | 400 | 0 |",
        "| `/schedule/?day=[day]` | 600 | 20.0 | 50 | 200 | 0 |",
        "| **all requests** | 900 | 30.0 | 67 | 400 | 0 |",
    ]


def test_errors_are_counted_and_named():
    failing = step(10, 90, failures=2, errors={"GET /delegates/agenda/: HTTP 500": 2})
    text = render_target("One gunicorn node", [failing])
    assert "10 (90 ms, 2 errors)" in text
    assert "Errors: GET /delegates/agenda/: HTTP 500 × 2" in text
    assert total_errors({"a": [failing, step(25, 100)], "b": [step(10, 50)]}) == 2


def test_no_step_within_the_limit_says_so():
    text = render_target("One gunicorn node", [step(10, 900)])
    assert "**No step kept its p99 within 500 ms.**" in text
    assert "| endpoint |" not in text


def test_a_step_survives_the_json_round_trip():
    original = step(25, 300, failures=1, errors={"x": 1})
    assert Step.from_dict(original.to_dict()) == original


def test_the_generated_section_replaces_only_itself():
    readme = f"# Benchmarks\n\nIntro.\n\n{BEGIN}\nold table\n{END}\n\n## After\n"
    report = render_report({"One gunicorn node": [step(10, 80)]}, header="Measured today.")
    updated = replace_section(readme, report)
    assert updated.startswith("# Benchmarks\n\nIntro.\n\n" + BEGIN + "\nMeasured today.\n\n### One")
    assert updated.endswith(f"{END}\n\n## After\n")
    assert "old table" not in updated
    assert replace_section(updated, report) == updated
    # Without the markers the section is appended.
    assert replace_section("# Benchmarks\n", "table").endswith(f"{BEGIN}\ntable\n{END}\n")
