"""bench/side_by_side.py (issue 27's "cold, side by side" mode) without pretalx: the pairs, the
content checks, the numbers and the report. pretalx itself needs Python >= 3.13 and minutes, so
``make bench-cold`` runs it, not the test suite."""

import http.server
import re
import threading
from pathlib import Path

import icalendar
import pytest
from django.urls import resolve
from django.utils.html import escape

from bench import run
from bench import side_by_side as sbs
from events import views

# What `bash bench/pretalx/setup.sh` printed on this machine (pretalx 2026.2.1), warnings included.
SETUP_OUTPUT = """\
EVENT_SLUG=zgc2021
SCHEDULE_VERSION=v1
TALK_CODE=YQV8MG
TALK_TITLE=Towards Large-Scale Knowledge Graphs for Inclusive Growth
SPEAKER_CODE=SKWCRP
SPEAKER_NAME=Chen Zhao
TALKS_IN_SCHEDULE=60
SPEAKERS_IN_SCHEDULE=90
ROOMS=12
WARNING 2026-12-06 20:04:30,308 pretalx.common.templatetags.vite vite Error reading vite manifest
# seeded event zgc2021
"""
FOUND = {"session": "opening-ceremony-1", "speaker": "speaker-00001"}


def wrk(rps: float, p50_ms: float, non2xx: int = 0) -> run.WrkRun:
    """A WrkRun read the way the bench reads wrk (bench/wrk_report.lua's line)."""
    return run.parse_wrk(
        f"Requests/sec: {rps}\nBENCH requests=100 duration_us=10000000 p50_us={int(p50_ms * 1000)}"
        f" p99_us=900000 non2xx={non2xx} first_non2xx=0 socket_errors=0 timeouts=0\n"
    )


# --- the pairs -------------------------------------------------------------------------------


def test_the_pairs_are_issue_27s_with_its_goals():
    assert [(p.ours.split("?")[0], p.goal, p.export) for p in sbs.PAIRS] == [
        ("/schedule/", 10, False),
        ("/schedule.ics", 10, True),
        ("/api/schedule.json", 2, True),  # against pretalx's *cached* widget JSON
        ("/sessions/{session}/", 10, False),
        ("/speakers/{speaker}/", 10, False),
    ]
    assert len({p.label for p in sbs.PAIRS}) == len(sbs.PAIRS)


def test_our_paths_are_the_pages_issue_27_names():
    expected = [
        views.schedule,
        views.schedule_ics,
        views.schedule_json,
        views.session_detail,
        views.speaker_detail,
    ]
    for pair, view in zip(sbs.PAIRS, expected, strict=True):
        match = resolve(pair.ours.format(**FOUND).split("?")[0])
        assert match.func == view, pair


def test_pretalx_paths_use_only_keys_the_seed_prints():
    printed = set(re.findall(r'print\(f"([A-Z_]+)=', Path("bench/pretalx/seed.py").read_text()))
    keys = sbs.parse_keys(SETUP_OUTPUT)
    assert set(keys) == printed
    paths = [pair.pretalx.format(**keys) for pair in sbs.PAIRS]
    assert paths == [
        "/zgc2021/schedule/nojs",
        "/zgc2021/schedule.ics",
        "/zgc2021/schedule/widgets/schedule.json",
        "/zgc2021/talk/YQV8MG/",
        "/zgc2021/speaker/SKWCRP/",
    ]


def test_the_seed_keys_are_read_and_pretalxs_banners_ignored():
    keys = sbs.parse_keys(SETUP_OUTPUT)
    assert keys["TALK_TITLE"] == "Towards Large-Scale Knowledge Graphs for Inclusive Growth"
    assert keys["SPEAKER_NAME"] == "Chen Zhao"
    assert not any(key.startswith(("WARNING", "#")) for key in keys)


def test_pretalx_is_pinned_to_the_release_issue_27_names():
    pins = Path("bench/pretalx/requirements.txt").read_text().splitlines()
    assert "pretalx==2026.2.1" in pins
    assert "gunicorn" in {line.split("==")[0] for line in pins if "==" in line}


# --- the content checks ----------------------------------------------------------------------


def test_a_page_shows_a_title_escaped_as_html_json_or_icalendar():
    title = "R&D, at scale; the 'next' decade for Müller's lab — a title long enough to be folded"
    assert sbs.shows(f"<h1>{escape(title)}</h1>", title)
    assert sbs.shows('{"title": "' + sbs.json.dumps(title)[1:-1] + '"}', title)
    event = icalendar.Event()
    event.add("summary", title)
    ics = event.to_ical().decode()
    assert "\r\n " in ics and "\\," in ics  # folded and escaped: the check must undo both
    assert sbs.shows(ics, title)
    assert not sbs.shows("<h1>Another talk</h1>", title)
    assert not sbs.shows(f"<h1>{escape(title[:40])}</h1>", title)


@pytest.fixture
def server():
    """Python's http.server answering /talk with a title, anything else with 404."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            found = self.path == "/talk"
            body = b"<h1>Green Hydrogen &amp; Carbon</h1>" if found else b"no"
            self.send_response(200 if found else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_page_passes_its_check_only_with_200_and_the_expected_text(server):
    assert sbs.check(server, "/talk", "Green Hydrogen & Carbon", "before") == ""
    assert "does not show 'Solar'" in sbs.check(server, "/talk", "Solar", "before")
    assert "answered 404" in sbs.check(server, "/missing", "Solar", "after the runs")


# --- numbers ---------------------------------------------------------------------------------


def test_medians_ranges_and_ratios():
    assert sbs.median_range([95.0, 110.0, 100.0]) == (100.0, 95.0, 110.0)
    assert sbs.rate([wrk(95, 1), wrk(110, 1), wrk(100, 1)]) == "100 (95.0–110)"
    assert sbs.rate([wrk(23.3, 1)]) == "23.3"
    assert sbs.p50([wrk(1, 80), wrk(1, 60), wrk(1, 70)]) == 70
    assert sbs.ratio(101, 23.3) == pytest.approx(4.33, abs=0.01)
    assert sbs.ratio(5, 0) == float("inf")


def pair_result(index: int, ours: list[float], theirs: list[float]) -> sbs.PairResult:
    pair = sbs.PAIRS[index]
    return sbs.PairResult(
        pair,
        pair.ours.format(**FOUND),
        pair.pretalx.format(**sbs.parse_keys(SETUP_OUTPUT)),
        ours=[wrk(r, 1000 / r) for r in ours],
        pretalx=[wrk(r, 1000 / r) for r in theirs],
        ours_queries=4,
    )


def test_the_pairs_table_gives_each_ratio_against_its_goal():
    day = pair_result(0, [250, 240, 260], [24, 25, 23])
    json_ = pair_result(2, [300, 310, 290], [200, 190, 210])
    table = sbs.render_pairs([day, json_]).splitlines()
    assert len(table) == 4
    day_row, json_row = table[2], table[3]
    assert "`/schedule/?day=2021-09-24` / `/zgc2021/schedule/nojs`" in day_row
    assert "| 250 (240–260) | 24.0 (23.0–25.0) | 10.4× | ≥ 10×: met |" in day_row
    assert "| 1.5× | ≥ 2×: **not met** |" in json_row
    assert day_row.endswith("| 4 / n/a |")  # pretalx's count missing: said, not invented


def test_the_scale_table_allows_exports_to_grow_linearly_and_pages_twice():
    page = sbs.ScaleResult(sbs.PAIRS[3], "/sessions/a/", "/sessions/b/")
    page.scale1, page.scale10 = [wrk(1, 10)], [wrk(1, 25)]
    export = sbs.ScaleResult(sbs.PAIRS[1], "/schedule.ics", "/schedule.ics")
    export.scale1, export.scale10 = [wrk(1, 10)], [wrk(1, 90)]
    rows = sbs.render_scale([page, export]).splitlines()[2:]
    assert rows[0].startswith(
        "| `/sessions/a/` / `/sessions/b/` | 10.0 | 25.0 | 2.5× | ≤ 2×: **not"
    )
    assert rows[1].startswith("| `/schedule.ics` | 10.0 | 90.0 | 9.0× | ≤ 10×: met |")


def test_the_feed_line_says_whether_it_is_under_10_ms():
    feed = {"events": 50, "p50_ms": 12.5, "min_ms": 11.0, "runs": 50, "queries": 4}
    line = sbs.render_feed({1: feed})
    assert "50 sessions" in line and "p50 12.5 ms" in line and "**not met**" in line
    assert "met" in sbs.render_feed({1: feed | {"p50_ms": 8.0}}).split(":")[-1]
    assert "not met" not in sbs.render_feed({1: feed | {"p50_ms": 8.0}})


def test_the_release_line_names_the_release_its_preparation_and_the_first_requests():
    found = {
        "release_ms": 210.4,
        "first_ms": 9.5,
        "prepare_ms": 180.2,
        "fragments": 1232,
        "prepared_ms": 4.25,
        "pages": {"session": [6.5, 2.25], "speaker": [7.0, 3.5]},
    }
    line = sbs.render_release({1: found})
    assert "scale 1: the release 210 ms" in line and "prepared in 180 ms (1232 fragments" in line
    assert "first after the release 9.5 ms (built from scratch)" in line
    assert "first after the preparation 4.2 ms;" in line
    assert "session page first after the release 6.5 ms, first after the preparation 2.2 ms" in line
    assert line.endswith(
        "speaker page first after the release 7.0 ms, first after the preparation 3.5 ms"
    )


def test_wrk_errors_fail_the_run():
    assert sbs.wrk_failures("/x", [wrk(10, 1), wrk(10, 1)]) == []
    assert sbs.wrk_failures("/x", [wrk(10, 1, non2xx=3), wrk(10, 1)]) == [
        "/x: 3 answers of 400 or more (of 200 requests)"
    ]


# --- the README ------------------------------------------------------------------------------

README = """\
# Benchmarks

intro

## Cold, side by side (issue 27)

old table

## Later section

kept
"""


def test_the_readme_section_is_replaced_and_the_rest_kept():
    new = sbs.replace_section(README, sbs.SECTION, "new table")
    assert "old table" not in new and "new table" in new
    assert new.index("new table") < new.index("## Later section")
    assert new.endswith("## Later section\n\nkept\n") and new.startswith("# Benchmarks\n\nintro\n")
    assert sbs.replace_section(new, sbs.SECTION, "new table") == new


def test_the_readme_section_is_added_when_missing():
    new = sbs.replace_section("# Benchmarks\n\nintro\n", sbs.SECTION, "table")
    assert new == f"# Benchmarks\n\nintro\n\n{sbs.SECTION}\n\ntable\n"


def test_the_real_readme_has_the_section_once():
    text = Path("bench/README.md").read_text()
    assert text.count(sbs.SECTION) == 1
    assert "make bench-cold" in text.split(sbs.SECTION)[1]


# --- the probe, on the demo forum ------------------------------------------------------------


@pytest.mark.django_db
def test_the_probe_finds_a_first_day_session_and_times_a_50_session_feed(demo_forum, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "testserver"]
    found = sbs.probe_main()
    assert set(found["statuses"].values()) == {200}
    assert f"/sessions/{found['session']}/" in found["queries"]
    assert all(0 < n < 20 for n in found["queries"].values())
    from django.test import Client

    page = Client().get("/schedule/?day=2021-09-24").content.decode()
    assert escape(found["session_title"]) in page
    speaker = Client().get(f"/speakers/{found['speaker']}/").content.decode()
    assert escape(found["speaker_name"]) in speaker
    assert found["feed"]["events"] == 50
    assert found["feed"]["p50_ms"] > 0 and found["feed"]["runs"] == 50
    # The release it timed: its JSON shows the new title, built and then assembled.
    released = found["release"]
    assert released["fragments"] > 2 * 295 and released["release_ms"] > 0
    assert released["first_ms"] > 0 and released["prepared_ms"] > 0
    assert all(before > 0 and after > 0 for before, after in released["pages"].values())
    assert "(updated)" in Client().get("/api/schedule.json").content.decode()
