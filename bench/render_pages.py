"""Render the programme's pages into a directory, to diff the HTML of two builds (issue 27).

    DATABASE_URL=postgres://…/zgc_x .venv/bin/python bench/render_pages.py OUT_DIR
    diff -r BEFORE_DIR AFTER_DIR

On the demo (``seed_demo --as-held``), every cache off: each day of the forum (also filtered, a
second theme, a search), the session pages, speaker pages and event pages, the speaker list, in
English and Chinese, for a visitor and for the bench's delegate (``bench/personas.py``: stars
and seats, so the cards show their state). CSRF tokens and CSP nonces, which differ on every
request, are replaced by a fixed text; everything else is written as served.
"""

import re
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import inprocess  # noqa: E402

VOLATILE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1CSRF"),
    (re.compile(r'(nonce=")[^"]+'), r"\1NONCE"),
]


def paths() -> list[str]:
    from events import selectors

    forum = selectors.current_forum()
    sessions = list(
        selectors.public_sessions(forum).prefetch_related(None).values_list("code", flat=True)
    )
    speakers = list(
        selectors.public_speakers(forum).order_by("pk").values_list("slug", flat=True)[:25]
    )
    events = list(
        forum.events.filter(is_published=True).order_by("pk").values_list("slug", flat=True)[:10]
    )
    choices = selectors.filter_choices(forum)
    section, theme = choices["sections"][0][0], choices["themes"][0][0]
    venue, room = choices["venues"][0][0], choices["rooms"][0][0]
    out = []
    for day in forum.days:
        out.append(f"/schedule/?day={day.isoformat()}")
    first = forum.starts_on.isoformat()
    out += [
        f"/schedule/?day={first}&language=en",
        f"/schedule/?day={first}&section={section}",
        f"/schedule/?day={first}&theme={theme}&language=zh",
        f"/schedule/?day={first}&venue={venue}&room={room}",
        f"/schedule/?day={first}&type=keynote",
        f"/schedule/?day={first}&interpretation=on",
        f"/schedule/?day={first}&q={quote('碳')}",
        f"/schedule/?day={first}&q=energy",
        f"/schedule/?day={first}&q=zzzznothing",
        f"/schedule/?day={first}&theme=no-such-theme",
        "/speakers/",
    ]
    out += [f"/sessions/{code}/" for code in sessions[::6]]  # ~50 sessions over the days
    out += [f"/speakers/{slug}/" for slug in speakers]
    out += [f"/events/{slug}/" for slug in events]
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__)
        return 2
    target = Path(argv[0])
    target.mkdir(parents=True, exist_ok=True)
    inprocess.setup()
    count = 0
    with inprocess.cold_settings():
        for who, logged_in in (("visitor", False), ("delegate", True)):
            client = inprocess.client_for(logged_in)
            for language in ("", "/zh-hans"):
                for path in paths():
                    response = client.get(language + path)
                    html = response.content.decode()
                    for pattern, replacement in VOLATILE:
                        html = pattern.sub(replacement, html)
                    name = re.sub(r"[^\w.-]+", "_", f"{who}{language}{path}").strip("_")
                    (target / f"{name}.html").write_text(f"{response.status_code}\n{html}")
                    count += 1
    print(f"{count} pages written to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
