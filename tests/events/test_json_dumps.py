"""The JSON export is written by orjson: the same bytes ``json.dumps`` wrote (ETags and clients
unchanged), still valid against its schema."""

import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.utils import translation

from events import exports, selectors

SCHEMA = json.loads(
    (Path(settings.BASE_DIR) / "events" / "schema" / "schedule.schema.json").read_text()
)


def before(document) -> bytes:
    """What the export wrote before orjson."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def test_orjson_writes_what_json_dumps_wrote_for_awkward_text():
    document = {
        "quotes": 'He said "碳中和" \\ done',
        "controls": "".join(chr(c) for c in range(32)) + "\x7f",
        "separators": "line\u2028paragraph\u2029end",
        "emoji": "🚀 量子 café",
        "html": "<script>alert(1)</script>&amp;",
        "numbers": [0, -1, 2**53, None, True, False],
        "nested": {"empty": [], "dict": {}, "text": ""},
    }
    assert exports.dumps(document) == before(document)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_demo_forums_json_is_the_same_bytes_and_valid(client, demo_forum, language):
    forum = demo_forum
    prefix = "/zh-hans" if language == "zh-hans" else ""
    response = client.get(f"{prefix}/api/schedule.json")
    assert response.status_code == 200
    with translation.override(language):
        sessions, people = selectors.schedule_export(forum)
        document = exports.schedule_json(
            forum,
            sessions,
            people,
            release_number=forum.release_number,
            language=language,
            releases=selectors.releases(forum),
        )
    assert response.content == exports.dumps(document) == before(document)
    parsed = json.loads(response.content)
    jsonschema.validate(parsed, SCHEMA)
    assert parsed["language"] == language and len(parsed["sessions"]) > 250
