"""SQL queries per page of pretalx, for bench/side_by_side.py: run in pretalx's venv with its
settings (``PRETALX_CONFIG_FILE``) and its Redis up.

    python bench/pretalx/count_queries.py <host:port> <accept> <path>...

Each path is asked twice through Django's test client with the browser's ``Accept`` header; the
second request is counted (the first fills template and URL caches, and pretalx's own caches,
which it keeps on: pretalx is measured with its defaults). Prints one line,
``QUERIES={"<path>": {"status": 200, "queries": 8}, ...}`` (pretalx prints banners on stdout).
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretalx.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main(host: str, accept: str, paths: list[str]) -> dict:
    client = Client(HTTP_HOST=host, HTTP_ACCEPT=accept)
    found = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            if response.streaming:
                b"".join(response.streaming_content)
        found[path] = {"status": response.status_code, "queries": len(queries.captured_queries)}
    return found


if __name__ == "__main__":
    print("QUERIES=" + json.dumps(main(sys.argv[1], sys.argv[2], sys.argv[3:])))
