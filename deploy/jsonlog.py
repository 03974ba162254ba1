"""nginx's error log as JSON lines, like its access log: ``python deploy/jsonlog.py nginx …``.

nginx writes its error log (``error_log stderr``) in a fixed text format that no directive
changes. This wrapper runs the command it is given, reads the command's stderr and writes each
line to its own stdout as one JSON object (``logger: nginx.error``, the level, the message, and
the client, request, upstream and host nginx appends); the command's stdout (nginx's JSON access
log) passes through untouched. Signals it receives (TERM, INT, QUIT, HUP) go on to the command;
it exits with the command's status once the command has closed its stderr.
"""

import json
import re
import signal
import subprocess
import sys
from datetime import datetime

# 2026/12/06 02:30:01 [warn] 1234#1234: *5 message, client: 127.0.0.1, server: _, request: "GET / HTTP/1.1"
ERROR_LINE = re.compile(
    r"^(?P<time>\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[(?P<level>\w+)\] (?P<pid>\d+)#(?P<tid>\d+): "
    r"(?:\*(?P<connection>\d+) )?(?P<message>.*)$"
)
# Before the error log is open: nginx: [emerg] bind() to 127.0.0.1:80 failed (98: Address in use)
STARTUP_LINE = re.compile(r"^nginx: \[(?P<level>\w+)\] (?P<message>.*)$")
CONTEXT = re.compile(
    r', (?P<key>client|server|request|subrequest|upstream|host|referrer): (?P<value>"[^"]*"|[^,]*)'
)


def to_json(line: str) -> dict:
    """One line of nginx's error log as a dict (a line in no known format becomes its message)."""
    line = line.rstrip("\n")
    match = ERROR_LINE.match(line)
    if match is None:
        startup = STARTUP_LINE.match(line)
        level = startup["level"] if startup else "error"
        message = startup["message"] if startup else line
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        return {"time": now, "logger": "nginx.error", "level": level, "message": message}
    moment = datetime.strptime(match["time"], "%Y/%m/%d %H:%M:%S").astimezone()
    message = match["message"]
    entry = {
        "time": moment.isoformat(timespec="seconds"),
        "logger": "nginx.error",
        "level": match["level"],
        "pid": int(match["pid"]),
    }
    if match["connection"]:
        entry["connection"] = int(match["connection"])
    first = CONTEXT.search(message)
    if first:
        for context in CONTEXT.finditer(message, first.start()):
            entry[context["key"]] = context["value"].strip('"')
        message = message[: first.start()]
    entry["message"] = message
    return entry


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    child = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, errors="replace")

    def forward(signum, _frame):
        if child.poll() is None:
            child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP):
        signal.signal(signum, forward)
    for line in child.stderr:
        sys.stdout.write(json.dumps(to_json(line), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
