"""The pure parts of bench/run.py: reading wrk's report, the table, the page registry.

The wrk reports below were captured from real runs (wrk 4.1.0 with bench/wrk_report.lua): three
against the project under gunicorn, one against Python's http.server.
"""

import http.server
import threading

import pytest

from bench import run
from bench.pages import FOUNDATION, Page, PageError, load_pages, parse_entry

# GET /zh-hans/ on gunicorn, 2 s: all 200.
WRK_ZH_HANS = (
    "Running 2s test @ http://127.0.0.1:53855/zh-hans/\n"
    "  2 threads and 8 connections\n"
    "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
    "    Latency   130.14ms   35.89ms 249.96ms   74.59%\n"
    "    Req/Sec    30.18     12.13    58.00     79.49%\n"
    "  122 requests in 2.03s, 0.98MB read\n"
    "Requests/sec:     59.95\n"
    "Transfer/sec:    490.71KB\n"
    "BENCH requests=122 duration_us=2034987 p50_us=124074 p99_us=239415 non2xx=0 first_non2xx=0"
    " socket_errors=0 timeouts=0\n"
)
# GET /accounts/profile/ anonymously on gunicorn: every answer a 302 to the login page. wrk itself
# says nothing (it only counts statuses above 399); the Lua hook counts them.
WRK_REDIRECT = (
    "Running 2s test @ http://127.0.0.1:53855/accounts/profile/\n"
    "  2 threads and 8 connections\n"
    "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
    "    Latency     3.56ms    3.76ms  61.10ms   91.04%\n"
    "    Req/Sec     1.34k   462.72     2.68k    73.17%\n"
    "  5475 requests in 2.10s, 3.29MB read\n"
    "Requests/sec:   2608.35\n"
    "Transfer/sec:      1.57MB\n"
    "BENCH requests=5475 duration_us=2099025 p50_us=2679 p99_us=17709 non2xx=5475"
    " first_non2xx=302 socket_errors=0 timeouts=0\n"
)
# GET of a missing file from http.server: wrk's own "Non-2xx or 3xx" line appears for 4xx.
WRK_NOT_FOUND = (
    "Running 1s test @ http://127.0.0.1:46861/nothere\n"
    "  2 threads and 8 connections\n"
    "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
    "    Latency    47.00ms   88.37ms 367.55ms   86.91%\n"
    "    Req/Sec   265.90    297.65     0.97k    80.00%\n"
    "  301 requests in 1.06s, 152.85KB read\n"
    "  Non-2xx or 3xx responses: 301\n"
    "Requests/sec:    284.95\n"
    "Transfer/sec:    144.70KB\n"
    "BENCH requests=301 duration_us=1056325 p50_us=3471 p99_us=356033 non2xx=301"
    " first_non2xx=404 socket_errors=0 timeouts=0\n"
)
# /schedule.ics with every cache off and 16 connections: no answer within wrk's 2 s, so wrk has
# no latency at all (0 us) and a req/s that counts nothing. The page must fail, not look fast.
WRK_TIMEOUTS = (
    "Running 3s test @ http://127.0.0.1:36153/schedule.ics\n"
    "  2 threads and 16 connections\n"
    "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
    "    Latency     0.00us    0.00us   0.00us    -nan%\n"
    "    Req/Sec     5.40      8.35    20.00     80.00%\n"
    "  7 requests in 3.11s, 0.98MB read\n"
    "  Socket errors: connect 0, read 0, write 0, timeout 7\n"
    "Requests/sec:      2.25\n"
    "Transfer/sec:    321.61KB\n"
    "BENCH requests=7 duration_us=3106589 p50_us=0 p99_us=0 non2xx=0 first_non2xx=0"
    " socket_errors=0 timeouts=7\n"
)


def run_of(rps, p50=10.0, p99=50.0, non2xx=0, first=0, errors=0, timeouts=0):
    return run.WrkRun(1000, 10.0, rps, p50, p99, non2xx, first, errors, timeouts)


# --- wrk's report ----------------------------------------------------------------------------


def test_a_real_wrk_report_becomes_numbers():
    assert run.parse_wrk(WRK_ZH_HANS) == run.WrkRun(
        requests=122,
        seconds=2.034987,
        rps=59.95,
        p50_ms=124.074,
        p99_ms=239.415,
        non2xx=0,
        first_non2xx=0,
        socket_errors=0,
        timeouts=0,
    )


def test_redirects_count_as_failures_though_wrk_itself_does_not_report_them():
    assert "Non-2xx" not in WRK_REDIRECT
    parsed = run.parse_wrk(WRK_REDIRECT)
    assert (parsed.non2xx, parsed.first_non2xx, parsed.rps) == (5475, 302, 2608.35)
    result = run.Result(Page("profile", "/accounts/profile/"), [parsed])
    assert result.failure == "5475 non-2xx responses (first: 302)"


def test_a_not_found_page_fails():
    result = run.Result(Page("missing", "/nothere"), [run.parse_wrk(WRK_NOT_FOUND)])
    assert result.failure == "301 non-2xx responses (first: 404)"


def test_a_report_without_the_lua_line_is_refused():
    plain = WRK_ZH_HANS.split("BENCH")[0]
    with pytest.raises(ValueError, match="wrk_report.lua"):
        run.parse_wrk(plain)


def test_requests_unanswered_in_time_fail_the_page():
    parsed = run.parse_wrk(WRK_TIMEOUTS)
    assert (parsed.timeouts, parsed.p50_ms, parsed.non2xx) == (7, 0.0, 0)
    result = run.Result(Page("ics, cache off", "/schedule.ics", "off"), [parsed])
    assert result.failure == "7 requests unanswered in 2 s (wrk's timeout)"


def test_socket_errors_fail_the_page():
    result = run.Result(Page("home", "/"), [run_of(300.0), run_of(310.0, errors=4)])
    assert result.failure == "4 socket errors (connect, read or write)"


class Answers(http.server.BaseHTTPRequestHandler):
    """/ok answers 200; /gzip 200 to a client accepting gzip, 406 to others; /missing 404;
    /turns 200 for its first ``turns_after`` GETs, then a redirect; anything else a redirect to
    /ok."""

    turns_after = 25
    served = 0

    def do_GET(self):
        if self.path == "/gzip":
            status = 200 if self.headers.get("Accept-Encoding") == "gzip" else 406
        elif self.path == "/missing":
            status = 404
        elif self.path == "/turns":
            Answers.served += 1
            status = 200 if Answers.served <= Answers.turns_after else 302
        else:
            status = 200 if self.path == "/ok" else 302
        self.send_response(status)
        if status == 302:
            self.send_header("Location", "/ok")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_wrk_with_the_lua_script_counts_errors_and_the_checks_catch_redirects():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        ok = run.run_wrk(f"{base}/ok", 1)
        missing = run.run_wrk(f"{base}/missing", 1)
        assert run.warm_up(base, "/moved") == "warm-up answered 302 → /ok"
        assert run.warm_up(base, "/ok") == ""
    finally:
        server.shutdown()
        server.server_close()
    assert ok.requests > 0 and ok.non2xx == 0 and ok.socket_errors == ok.timeouts == 0
    assert missing.requests > 0 and missing.non2xx == missing.requests
    result = run.Result(Page("missing", "/missing"), [missing])
    assert result.failure == f"{missing.requests} responses with a status of 400 or more"


def test_a_page_that_starts_redirecting_during_the_runs_fails():
    """The timed runs do not see redirects (no Lua response hook): the check after them does."""
    Answers.served, Answers.turns_after = 0, 20  # the warm-up's 20 GETs, then redirects
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        result = run.measure(base, Page("turns", "/turns"), repeats=1, seconds=1)
    finally:
        server.shutdown()
        server.server_close()
    assert result.runs[0].requests > 0 and result.runs[0].non2xx == 0
    assert result.failure == "check after the runs answered 302 → /ok"


def test_a_gzip_page_is_asked_for_gzip_by_the_warm_up_and_wrk():
    page = parse_entry(("json, gzip", "/gzip", {"gzip": True}), source="bench/schedule_pages.py")
    plain = parse_entry(("json", "/gzip"), source="bench/schedule_pages.py")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        zipped = run.measure(base, page, repeats=1, seconds=1)
        refused = run.measure(base, plain, repeats=1, seconds=1)
    finally:
        server.shutdown()
        server.server_close()
    assert zipped.failure == "" and zipped.runs[0].requests > 0
    assert refused.failure == "warm-up answered 406"
    assert run.table_row(zipped, 1000.0).startswith("| json, gzip | `/gzip` | warm, gzip |")


# --- the table -------------------------------------------------------------------------------


def test_the_table_shows_median_range_latency_and_share_of_the_floor():
    floor = run.Result(Page("floor", "/healthz/"), [run_of(1000.0), run_of(900.0), run_of(1100.0)])
    home = run.Result(
        Page("home", "/"),
        [run_of(280.0, p50=20.0, p99=70.0), run_of(250.0, 25.0, 90.0), run_of(300.4, 18.0, 60.0)],
    )
    slow = run.Result(
        Page("search, cache off", "/exhibitors/?q=ai", "off"),
        [run_of(42.3)],
        single_runs=[run_of(30.0, p50=31.0), run_of(33.0, p50=29.5), run_of(31.0, p50=40.0)],
    )
    lines = run.render_table(floor, [home, slow]).splitlines()
    assert lines[0] == (
        "| page | path | cache | req/s median (min–max) | % of floor | p50 ms | p99 ms "
        "| p50 ms, 1 client | status |"
    )
    assert lines[2] == (
        "| floor | `/healthz/` | – | 1,000 (900–1,100) | 100 % | 10.0 | 50.0 | – | ok |"
    )
    assert lines[3] == "| home | `/` | warm | 280 (250–300) | 28 % | 20.0 | 70.0 | – | ok |"
    assert lines[4] == (
        "| search, cache off | `/exhibitors/?q=ai` | off | 42.3 | 4.2 % | 10.0 | 50.0 | 31.0 | ok |"
    )
    assert len(lines) == 5


def test_failed_pages_say_why_in_the_table():
    floor = run.Result(Page("floor", "/healthz/"), [run_of(1000.0)])
    moved = run.Result(Page("profile", "/accounts/profile/"), error="warm-up answered 302 → /x")
    not_found = run.Result(Page("missing", "/nothere"), [run.parse_wrk(WRK_NOT_FOUND)])
    lines = run.render_table(floor, [moved, not_found]).splitlines()
    assert lines[3] == (
        "| profile | `/accounts/profile/` | warm | – | – | – | – | – "
        "| **FAIL**: warm-up answered 302 → /x |"
    )
    assert lines[4].endswith("| **FAIL**: 301 non-2xx responses (first: 404) |")


def test_no_share_of_a_failed_floor():
    floor = run.Result(Page("floor", "/healthz/"), [run_of(1000.0, non2xx=3, first=500)])
    home = run.Result(Page("home", "/"), [run_of(250.0)])
    assert run.render_table(floor, [home]).splitlines()[3] == (
        "| home | `/` | warm | 250 | – | 10.0 | 50.0 | – | ok |"
    )


def test_the_report_records_scale_commit_load_and_extra_sections():
    meta = {
        "date": "2026-11-26 10:00 UTC",
        "commit": "5451861",
        "seeded": "Demo forum loaded at scale 10: 200 visitors.",
        "load_before": "0.21 0.28 0.15",
        "load_after": "1.90 0.80 0.30",
        "method": "wrk -t2 -c8 -d10s",
    }
    report = run.render_report(scale=10, meta=meta, table="| t |", extras=["## mail\n\n| m |\n"])
    assert report.startswith("# Benchmark at scale 10, 2026-11-26 10:00 UTC\n")
    assert "- commit 5451861\n" in report
    assert "before 0.21 0.28 0.15, after 1.90 0.80 0.30" in report
    assert report.endswith("| t |\n\n## mail\n\n| m |\n")
    assert "not measured" not in report
    skipped = run.render_report(
        scale=1, meta=meta | {"skipped": ["p2 (from scale 10)"]}, table="| t |", extras=[]
    )
    assert "- not measured at this scale: p2 (from scale 10)\n" in skipped


# --- the page registry -----------------------------------------------------------------------


def test_the_foundation_pages_come_first_and_warm():
    pages = load_pages(modules=[])
    assert [(page.label, page.path, page.cache) for page in pages] == [
        (label, path, "warm") for label, path in FOUNDATION
    ]


def test_an_app_module_adds_its_pages_and_a_missing_one_is_skipped(tmp_path, monkeypatch):
    (tmp_path / "zgc_bench_demo_pages.py").write_text(
        "PAGES = [\n"
        '    ("schedule day", "/schedule/?day=2021-09-24"),\n'
        '    ("schedule day, cache off", "/schedule/?day=2021-09-24", {"cache": "off"}),\n'
        '    ("ics", "/schedule.ics", {"cache": "warm"}),\n'
        "]\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    pages = load_pages(modules=["zgc_bench_no_such_pages", "zgc_bench_demo_pages"])
    assert pages[len(FOUNDATION) :] == [
        Page("schedule day", "/schedule/?day=2021-09-24", "warm"),
        Page("schedule day, cache off", "/schedule/?day=2021-09-24", "off"),
        Page("ics", "/schedule.ics", "warm"),
    ]


def test_a_module_that_fails_to_import_is_not_silently_skipped(tmp_path, monkeypatch):
    (tmp_path / "zgc_bench_broken_pages.py").write_text("import zgc_bench_not_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="zgc_bench_not_installed"):
        load_pages(modules=["zgc_bench_broken_pages"])


def test_duplicate_labels_are_refused(tmp_path, monkeypatch):
    (tmp_path / "zgc_bench_dup_pages.py").write_text('PAGES = [("home", "/schedule/")]\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PageError, match="duplicate page labels: home"):
        load_pages(modules=["zgc_bench_dup_pages"])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("/schedule/", "is not \\(label, path\\)"),
        (("schedule",), "is not \\(label, path\\)"),
        (("", "/schedule/"), "label must be a non-empty string"),
        (("schedule", "schedule/"), "path must start with '/'"),
        (("schedule", "/schedule/", "off"), "options may only be"),
        (("schedule", "/schedule/", {"cache": "off", "repeat": 5}), "options may only be"),
        (("schedule", "/schedule/", {"cache": "cold"}), "cache must be 'warm' or 'off'"),
        (("schedule", "/schedule/", {"gzip": "yes"}), "gzip must be True or False"),
        (("schedule", "/schedule/", {"session": "admin"}), "session must be one of delegate"),
        (("schedule", "/schedule/", {"min_scale": 0}), "min_scale must be a whole number"),
        (("schedule", "/schedule/", {"min_scale": "10"}), "min_scale must be a whole number"),
    ],
)
def test_malformed_entries_are_refused_with_the_reason(entry, message):
    with pytest.raises(PageError, match=message):
        parse_entry(entry, source="bench/schedule_pages.py")


def test_a_day_s_second_page_is_measured_only_where_the_day_has_one():
    """At scale 1 the day fits on one page and page 2 rightly redirects: the row waits for 10."""
    page = parse_entry(
        ("p2", "/schedule/?day=2021-09-24&page=2", {"cache": "off", "min_scale": 10}), source="t"
    )
    assert page.min_scale == 10
    pages = {page.label: page for page in load_pages()}
    assert pages["schedule day, page 2, cache off"].min_scale == 10
    assert {p.min_scale for label, p in pages.items() if "page 2" not in label} == {1}


def test_cache_off_pages_run_with_every_cache_a_no_op():
    from bench import nocache_settings
    from zgcforum import settings

    assert set(nocache_settings.CACHES) == set(settings.CACHES)
    assert {cache["BACKEND"] for cache in nocache_settings.CACHES.values()} == {
        "django.core.cache.backends.dummy.DummyCache"
    }
    assert nocache_settings.PUBLIC_PAGE_CACHE is False


def test_a_second_run_is_refused_while_one_is_running(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "RESULTS", tmp_path / "results")
    refused = pytest.raises(run.BenchError, match="another bench/run.py is running")
    with run.exclusive_run(), refused, run.exclusive_run():
        pass
    with run.exclusive_run():  # free again once the first is done
        pass


def test_a_one_client_run_that_times_out_fails_the_page():
    page = run.Result(
        Page("search, cache off", "/exhibitors/?q=ai", "off"),
        [run_of(42.3)],
        single_runs=[run_of(0.5, timeouts=1)],
    )
    assert page.failure == "1 requests unanswered in 2 s (wrk's timeout)"


def test_pages_must_name_days_of_the_forum_seeded():
    """A live demo (another year's days) would let the day view fall back to another day."""
    output = [
        "Demo forum loaded at scale 1: 60 events.",
        "The forum: 2021-09-24 to 2021-09-28 (as held).",
    ]
    days = run.forum_days(output)
    assert [d.isoformat() for d in days] == ["2021-09-24", "2021-09-28"]
    pages = load_pages()
    run.check_days(pages, days)  # the bench's own pages name 2021 days
    live = run.forum_days(["The forum: 2026-12-25 to 2026-12-29 (replayed from 2026-12-04)."])
    with pytest.raises(run.BenchError, match="outside the forum") as refused:
        run.check_days(pages, live)
    assert "/schedule/?day=2021-09-24" in str(refused.value)
    with pytest.raises(run.BenchError, match="did not say"):
        run.forum_days(["Demo forum loaded at scale 1."])


def test_the_bench_environment_passes_the_system_checks():
    """``make bench`` migrates with DEBUG=0: every setting production requires (the visa key
    included, visa.E001) comes from the bench's environment, not from the shell's."""
    import subprocess
    import sys

    env = run.bench_env()
    env.pop("VISA_FERNET_KEYS")
    refused = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=run.ROOT, env=env, capture_output=True
    )
    assert refused.returncode and b"visa.E001" in refused.stderr
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=run.ROOT,
        env=run.bench_env(),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
