"""The pages ``make bench`` measures: the foundation's here, each app's in ``bench/<app>_pages.py``.

An app's module holds ``PAGES``, a list of entries, one per page::

    PAGES = [
        ("schedule day", "/schedule/?day=2021-09-24"),                      # cache warm
        ("schedule day, cache off", "/schedule/?day=2021-09-24", {"cache": "off"}),
    ]

``(label, path)`` or ``(label, path, {"cache": "warm" | "off", "gzip": True | False, "session":
"delegate", "min_scale": 10})``. The path is a canonical URL that answers 200 to an anonymous GET (a redirect counts
as a failure); with ``"session"`` every GET carries the session cookie of a person
``bench/personas.py`` prepares (a logged-in page: the whole-page cache never answers it).
``"warm"`` (the default) measures the page as served, after the warm-up filled the caches; ``"off"``
measures it on a second server whose Django caches are all ``DummyCache``
(``bench/nocache_settings.py``). ``"gzip": True`` sends ``Accept-Encoding: gzip`` as browsers and
calendar clients do (by default wrk sends none, so pages leave uncompressed). ``"min_scale": N``
measures the page only at scale N and above: a day's second page exists only when the day holds
more sessions than a page shows (at scale 10, not 1, where it rightly redirects).
"""

import importlib
from dataclasses import dataclass

FLOOR = ("floor (template, no database)", "/healthz/")

FOUNDATION = [
    ("home", "/"),
    ("home, Chinese", "/zh-hans/"),
    ("login", "/accounts/login/"),
]

# Modules other issues add; each is optional until its issue lands.
OPTIONAL_MODULES = ["bench.schedule_pages", "bench.exhibitor_pages"]

CACHE_MODES = ("warm", "off")
PERSONAS = ("delegate",)  # bench/personas.py


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    cache: str = "warm"
    gzip: bool = False
    session: str = ""  # a persona of bench/personas.py: GETs carry their session cookie
    min_scale: int = 1  # measured only at this scale and above (a page the small demo lacks)

    @property
    def headers(self) -> dict[str, str]:
        return {"Accept-Encoding": "gzip"} if self.gzip else {}

    @property
    def mode(self) -> str:
        """The table's "cache" column: the cache mode, the encoding asked for, who is logged in."""
        mode = f"{self.cache}, gzip" if self.gzip else self.cache
        return f"{mode}, {self.session}" if self.session else mode


class PageError(ValueError):
    """A registry entry that cannot be benchmarked as written."""


def parse_entry(entry, *, source: str) -> Page:
    """One ``(label, path[, {"cache": ..., "gzip": ...}])`` entry as a Page; a clear error
    otherwise."""
    if not isinstance(entry, tuple | list) or len(entry) not in (2, 3):
        raise PageError(f"{source}: {entry!r} is not (label, path) or (label, path, options)")
    label, path, *rest = entry
    options = rest[0] if rest else {}
    if not isinstance(label, str) or not label:
        raise PageError(f"{source}: {entry!r}: the label must be a non-empty string")
    if not isinstance(path, str) or not path.startswith("/"):
        raise PageError(f"{source}: {entry!r}: the path must start with '/'")
    if not isinstance(options, dict) or set(options) - {"cache", "gzip", "session", "min_scale"}:
        raise PageError(
            f"{source}: {entry!r}: options may only be "
            "{'cache': 'warm' | 'off', 'gzip': True | False, 'session': <persona>, "
            "'min_scale': <int>}"
        )
    cache = options.get("cache", "warm")
    if cache not in CACHE_MODES:
        raise PageError(f"{source}: {entry!r}: cache must be 'warm' or 'off', not {cache!r}")
    gzip = options.get("gzip", False)
    if not isinstance(gzip, bool):
        raise PageError(f"{source}: {entry!r}: gzip must be True or False, not {gzip!r}")
    session = options.get("session", "")
    if session and session not in PERSONAS:
        raise PageError(
            f"{source}: {entry!r}: session must be one of {', '.join(PERSONAS)}, not {session!r}"
        )
    min_scale = options.get("min_scale", 1)
    if type(min_scale) is not int or min_scale < 1:
        raise PageError(
            f"{source}: {entry!r}: min_scale must be a whole number ≥ 1, not {min_scale!r}"
        )
    return Page(label, path, cache, gzip, session, min_scale)


def load_pages(modules=OPTIONAL_MODULES) -> list[Page]:
    """The foundation's pages, then those of each optional module that exists, in that order."""
    pages = [parse_entry(entry, source="bench/pages.py") for entry in FOUNDATION]
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but imports something missing: say so
                raise
            continue
        pages += [parse_entry(entry, source=module.__file__) for entry in module.PAGES]
    labels = [page.label for page in pages]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise PageError(f"duplicate page labels: {', '.join(duplicates)}")
    return pages
