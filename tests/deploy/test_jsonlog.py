"""deploy/jsonlog.py: nginx's error log as one JSON object per line, as the stack logs it."""

import json
import subprocess
import sys
from pathlib import Path

from deploy.jsonlog import to_json

ROOT = Path(__file__).resolve().parent.parent.parent


def test_an_upstream_error_keeps_its_level_message_and_context():
    line = (
        "2026/12/06 02:30:01 [error] 4711#4711: *52 connect() failed (111: Connection refused) "
        "while connecting to upstream, client: 127.0.0.1, server: _, "
        'request: "GET /schedule/?day=2026-12-24 HTTP/1.1", '
        'upstream: "http://127.0.0.1:41234/schedule/?day=2026-12-24", host: "127.0.0.1:8131"\n'
    )
    entry = to_json(line)
    assert entry["logger"] == "nginx.error"
    assert entry["level"] == "error"
    assert entry["time"].startswith("2026-12-06T02:30:01")
    assert entry["pid"] == 4711 and entry["connection"] == 52
    assert entry["message"] == (
        "connect() failed (111: Connection refused) while connecting to upstream"
    )
    assert entry["client"] == "127.0.0.1"
    assert entry["request"] == "GET /schedule/?day=2026-12-24 HTTP/1.1"
    assert entry["upstream"] == "http://127.0.0.1:41234/schedule/?day=2026-12-24"
    assert entry["host"] == "127.0.0.1:8131"


def test_a_line_without_context_or_in_no_known_format_is_kept_whole():
    entry = to_json("2026/12/06 02:30:01 [notice] 12#12: signal process started\n")
    assert (entry["level"], entry["message"]) == ("notice", "signal process started")
    assert "connection" not in entry
    startup = to_json('nginx: [emerg] unknown directive "foo" in /x/nginx.conf:3')
    assert (startup["level"], startup["message"]) == (
        "emerg",
        'unknown directive "foo" in /x/nginx.conf:3',
    )
    other = to_json("something else entirely")
    assert (other["level"], other["message"]) == ("error", "something else entirely")


def test_the_wrapper_turns_nginx_own_stderr_into_json_lines(tmp_path):
    """Debian's nginx refusing a configuration that does not exist: every line it writes on
    stderr comes out as JSON, and the wrapper exits with nginx's status."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "deploy" / "jsonlog.py"),
            "nginx",
            "-p",
            f"{tmp_path}/",
            "-c",
            str(tmp_path / "missing.conf"),
            "-t",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode != 0
    assert done.stderr == ""
    entries = [json.loads(line) for line in done.stdout.splitlines()]
    assert entries and all(entry["logger"] == "nginx.error" for entry in entries)
    assert any("missing.conf" in entry["message"] for entry in entries), entries
