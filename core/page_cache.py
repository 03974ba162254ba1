"""Whole public pages for visitors without a session, kept in the shared cache.

A visitor who is not logged in sees on a public page exactly what every other such visitor sees:
no name, no CSRF token, no messages. So the finished response of such a page is kept whole and
served by ``PublicPageCacheMiddleware`` before the session, locale, CSRF, auth and CSP middleware
and the view run: one cache round trip (``get_many``) per page view.

Every stored page carries the *pages version* it was rendered under. The version lives in the same
cache (Redis in production, shared by every process) and every change to what public pages show
bumps it (``bump``, called by the apps' signals and services), so a page rendered before a change
is never served after it. Pages also expire after ``PAGE_SECONDS``.

A text page (HTML, JSON, iCalendar) is also kept gzipped, compressed once when stored, and a client
that accepts gzip (every browser and calendar client) gets those bytes: the 2 MB JSON schedule of a
ten-times forum leaves as 0.15 MB. Only these pages are compressed: they hold no secret (no CSRF
token, no name), so compression cannot leak one (BREACH).

Views opt in with ``@public_page(params=...)``. A response is stored only when it answers 200 to
a GET without a session or messages cookie, sets no cookie, used no CSRF token, and the query
string holds only the view's known parameters, each once (junk parameters must not mint entries).

Off unless ``PUBLIC_PAGE_CACHE`` is set (by default when ``REDIS_URL`` is): a per-process cache
would let one process serve a page another process's change made stale.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import parse_http_date_safe
from django.utils.text import compress_string
from django.utils.translation import get_language

from core.personal import fill, split

logger = logging.getLogger(__name__)

VERSION_KEY = "pages:version"
PAGE_SECONDS = 600
# The viewers' version: bumped by every write a viewer's parts read (their stars, seats, the
# seats others took, registrations, invitations: ``viewers_changed``). A viewer's parts of a
# page are kept under it (and the pages version) at most VIEWER_PARTS_SECONDS.
VIEWERS_KEY = "pages:viewers"
VIEWER_PARTS_SECONDS = 300
# A request that finds the page it wants being rendered by another waits for that render (at most
# this long) rather than rendering it too: after a change, the first requests for a large export
# would otherwise all build it at once.
RENDER_WAIT_SECONDS = 5
RENDER_POLL_SECONDS = 0.05
COMPRESSIBLE = ("text/", "application/json")
COMPRESS_MIN_BYTES = 1024  # below this, the gzip header and a round trip cost more than they save


def bump(**_signal_kwargs) -> None:
    """Make every stored page stale now, and again once the change is committed.

    The second bump drops a page another request rendered from the old rows in between. Takes
    and ignores signal arguments, so it can be connected to model signals directly.
    """
    _bump()
    transaction.on_commit(_bump, robust=True)


def watch(app_config) -> None:
    """Bump on every save, delete and many-to-many change of the app's models, and after every
    ``migrate`` (every deploy runs one: new code may render the same rows differently).

    Changes made with ``QuerySet.update()`` or ``bulk_create()`` send no signal: their services
    call ``bump()`` themselves. History rows (simple-history) change nothing a page shows.
    """
    post_migrate.connect(bump, sender=app_config, dispatch_uid=f"pages-{app_config.label}-migrate")
    for model in app_config.get_models():
        if model._meta.model_name.startswith("historical"):
            continue
        uid = f"pages-{model._meta.label_lower}"
        post_save.connect(bump, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                bump, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
            )


def _bump() -> None:
    _incr(VERSION_KEY)


def viewers_changed(**_signal_kwargs) -> None:
    """Make every viewer's kept parts stale now, and again once the change is committed (as
    ``bump``). Takes and ignores signal arguments."""
    _incr(VIEWERS_KEY)
    transaction.on_commit(lambda: _incr(VIEWERS_KEY), robust=True)


def watch_viewers(*models) -> None:
    """``viewers_changed`` on every save and delete of ``models`` and every change of their
    many-to-many fields. ``QuerySet.update()`` and ``bulk_create()`` send no signal: a service
    changing what a viewer reads that way must call ``viewers_changed()`` itself (none does:
    the demo's bulk rows come with a pages version bump, which the kept parts carry too)."""
    for model in models:
        uid = f"viewers-{model._meta.label_lower}"
        post_save.connect(viewers_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(viewers_changed, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                viewers_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
            )


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # no version (first use, or evicted): the next request starts one
        pass
    except Exception:  # the cache is down: nothing kept is served either; the change must save
        logger.warning("Could not bump %s", key, exc_info=True)


@dataclass(frozen=True)
class Keep:
    """Where a viewer's session parts of a page are kept (``key``), the pages version the page
    is of, and what one round trip with the page's lookup already read (``found``)."""

    key: str
    version: int
    found: dict


def parts_key(request, page_key: str) -> str | None:
    """The key of the viewer's session parts of the page ``page_key``: per session and CSRF
    secret (the forms carry the viewer's token); None without either (nothing kept)."""
    secret = request.META.get("CSRF_COOKIE")
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not secret or not session_key:
        return None
    who = hashlib.sha256(f"{session_key}|{secret}".encode()).hexdigest()[:32]
    return f"pages:parts:{who}:{page_key}"


def viewer_parts(keep: Keep | None, compute) -> dict:
    """The viewer's session parts of a page: the kept ones while true (the same pages and
    viewers' versions, before their ``valid_until``), else ``compute()``'s, kept for the next
    request."""
    if keep is None:
        return compute()
    viewers, kept = keep.found.get(VIEWERS_KEY), keep.found.get(keep.key)
    now = timezone.now()
    fresh = kept is not None and viewers is not None and kept[:2] == (keep.version, viewers)
    if fresh and (kept[2] is None or now < kept[2]):
        return kept[3]
    parts = compute()
    until = parts.valid_until
    try:
        if viewers is None:
            viewers = time.time_ns()
            if not cache.add(VIEWERS_KEY, viewers, None):
                return parts
        seconds = VIEWER_PARTS_SECONDS
        if until is not None:
            seconds = min(seconds, max(int((until - now).total_seconds()), 1))
        cache.set(keep.key, (keep.version, viewers, until, dict(parts)), seconds)
    except Exception:
        logger.warning("Could not keep a viewer's parts", exc_info=True)
    return parts


def _rendering_mark(key: str, version: int) -> str:
    """The cache key saying that a request is rendering the page ``key`` of ``version``."""
    return f"{key}:rendering:{version}"


def _delete_quietly(key: str) -> None:
    try:
        cache.delete(key)
    except Exception:
        logger.warning("Could not clear a page's rendering mark", exc_info=True)


def _new_version() -> int:
    """A version no page stored before an eviction can carry: the clock in nanoseconds."""
    version = time.time_ns()
    return version if cache.add(VERSION_KEY, version, None) else cache.get(VERSION_KEY, version)


def public_page(params: tuple[str, ...] = (), *, shell: bool = False):
    """Let ``PublicPageCacheMiddleware`` keep this view's responses to visitors without a session.

    ``params``: the query parameters the view reads; a request with any other is not stored.
    ``shell``: the view shows a logged-in viewer nothing of their own but the marked parts of
    ``core.personal`` (the frame's and each session's): for them it is rendered once as a shell,
    kept like a public page, and filled for each request (``personal_page``).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            request.public_view = True
            request.public_page = all(
                name in params and len(values) == 1 for name, values in request.GET.lists()
            )
            user = getattr(request, "user", None)
            if shell and user is not None and user.is_authenticated:
                return personal_page(request, view, *args, **kwargs)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


@dataclass(frozen=True)
class Shell:
    """A page as every logged-in viewer gets it but for the marked parts: its text already cut
    at the marks (``core.personal.split``), so each request only fills and joins."""

    version: int
    headers: list[tuple[str, str]]
    pieces: list[str]

    @property
    def size(self) -> int:
        return sum(map(len, self.pieces))


def personal_page(request, view, *args, **kwargs):
    """The page of ``view`` for a logged-in viewer: the shell every logged-in viewer shares
    (rendered once under the pages version, as a public page is, with the viewer's parts marked)
    filled with this viewer's parts. The shell holds no name, no CSRF token and no message: those
    are the marked parts. A shell is stored only when it answers 200 to a GET with the view's
    known parameters and used no CSRF token."""
    key = version = parts = None
    found: dict = {}
    cached = getattr(settings, "PUBLIC_PAGE_CACHE", False) and request.method == "GET"
    if cached:
        key = PublicPageCacheMiddleware._key(request, f"shell:{get_language()}")
        parts = parts_key(request, key)
        try:
            version, shell, found = shells.lookup(key, (VIEWERS_KEY, parts) if parts else ())
        except Exception:  # a cache outage must not take the site down: render as usual
            version, shell, cached = None, None, False
        # (what another release of this code stored under the key is not a shell: rendered anew)
        if isinstance(shell, Shell):
            response = HttpResponse(headers=dict(shell.headers))
            keep = Keep(parts, version, found) if parts else None
            response.content = fill(request, shell.pieces, keep=keep)
            return response
    request.personal_shell = True
    response = view(request, *args, **kwargs)
    if response.status_code != 200 or response.streaming:
        return response
    pieces = split(response.content.decode())
    keep = None
    if cached and PublicPageCacheMiddleware._storable(request, response):
        try:
            version = version if version is not None else _new_version()
            shell = Shell(version, list(response.items()), pieces)
            cache.set(key, shell, PAGE_SECONDS)
            shells.keep(key, shell)
            keep = Keep(parts, version, found) if parts else None
        except Exception:
            logger.warning("Could not store a page's shell", exc_info=True)
    response.content = fill(request, pieces, keep=keep)
    return response


def keep_out(request) -> None:
    """Do not store this response whole: a free-text search or a value the page does not know.

    Each distinct query string would otherwise mint its own entry; the key space stays bounded by
    the pages and filter values that exist.
    """
    request.public_page = False


def without(request, *names: str) -> HttpResponseRedirect:
    """A redirect to the same page without the named query parameters: the canonical URL for an
    unknown day or a page beyond the last, instead of a new rendering under a new key."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)


@dataclass(frozen=True)
class Entry:
    """A stored page: what is needed to answer with it again, and the version it was made under."""

    version: int
    status: int
    headers: list[tuple[str, str]]
    content: bytes
    gzipped: bytes = b""  # the same content gzipped, for a text page worth compressing

    @classmethod
    def of(cls, version: int, response) -> "Entry":
        content = response.content
        gzipped = b""
        if len(content) >= COMPRESS_MIN_BYTES and response.get("Content-Type", "").startswith(
            COMPRESSIBLE
        ):
            gzipped = compress_string(content)
            if len(gzipped) >= len(content):
                gzipped = b""
        return cls(version, response.status_code, list(response.items()), content, gzipped)

    @property
    def size(self) -> int:
        return len(self.content) + len(self.gzipped)

    def response(self, request) -> HttpResponse:
        """A response of its own for each request (middleware above may add headers to it),
        gzipped when the page has a gzipped copy and the client accepts it."""
        response = HttpResponse(status=self.status, headers=dict(self.headers))
        if not self.gzipped:
            response.content = self.content
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            response.content = self.content
            return response
        response.content = self.gzipped
        response.headers["Content-Encoding"] = "gzip"
        if "Content-Length" in response:
            response.headers["Content-Length"] = str(len(self.gzipped))
        # Another encoding of the same content: a weak validator (as GZipMiddleware does).
        etag = response.get("ETag", "")
        if etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        return response


class Copies:
    """Copies of stored pages (or shells) in this process, least recently used first, at most
    ``PUBLIC_PAGE_CACHE_LOCAL_BYTES``: a copy is served only while its version is still the
    shared cache's, so it saves moving the page out of Redis (1.5 MB for the iCalendar of a
    ten-times forum; 0.4 ms CPU for a 90 KB day), never the version check."""

    def __init__(self):
        self.entries: OrderedDict[str, Entry | Shell] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def lookup(self, key: str, also: tuple[str, ...] = ()) -> tuple:
        """(the pages version, the stored page if it is of that version, what the cache holds
        under the keys ``also``): one round trip when this process holds a copy of the page."""
        with self.lock:
            copy = self.entries.get(key)
        if copy is not None:
            if also:
                found = cache.get_many([VERSION_KEY, *also])
                version = found.get(VERSION_KEY)
            else:  # a visitor's page: the version alone, one GET
                found, version = {}, cache.get(VERSION_KEY)
            if version is not None and copy.version == version:
                with self.lock:
                    if key in self.entries:
                        self.entries.move_to_end(key)
                return version, copy, found
            entry = cache.get(key) if version is not None else None
        else:
            found = cache.get_many([VERSION_KEY, key, *also])
            version, entry = found.get(VERSION_KEY), found.get(key)
        if entry is None or version is None or entry.version != version:
            return version, None, found
        self.keep(key, entry)
        return version, entry, found

    def keep(self, key: str, entry: "Entry | Shell") -> None:
        limit = getattr(settings, "PUBLIC_PAGE_CACHE_LOCAL_BYTES", 64 * 1024 * 1024)
        size = entry.size
        if size > limit:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            self.size -= old.size if old else 0
            self.entries[key] = entry
            self.size += size
            while self.size > limit:
                _key, dropped = self.entries.popitem(last=False)
                self.size -= dropped.size


# The shells of this process (``personal_page``); the middleware holds its pages' copies.
shells = Copies()


class PublicPageCacheMiddleware:
    """Serve and store whole public pages (see the module's docstring). Place it right after
    WhiteNoise, before the session middleware: a hit skips everything below it."""

    # Paths this process has seen answered by a view without @public_page (the login page, the
    # floor's /healthz/): no cache round trip for them. A path's view never changes while the
    # process runs; the set is emptied when it grows past PRIVATE_PATHS_MAX (a crawler's 404s).
    PRIVATE_PATHS_MAX = 4096

    def __init__(self, get_response):
        self.get_response = get_response
        self.private_paths: set[str] = set()
        self.copies = Copies()

    def __call__(self, request):
        if not self._servable(request) or request.path_info in self.private_paths:
            return self._remember(request, self.get_response(request))
        key = self._key(request)
        try:
            version, entry, _found = self.copies.lookup(key)
        except Exception:  # a cache outage must not take the site down: render as usual
            return self._remember(request, self.get_response(request))
        if entry is not None:
            return self._conditional(request, entry.response(request))
        mark = self._claim(key, version)
        if mark is None:  # another request is rendering this page: wait for its result
            entry = self._await(key, version)
            if entry is not None:
                return self._conditional(request, entry.response(request))
        try:
            response = self.get_response(request)
            if self._storable(request, response):
                response = self._store(request, key, version, response)
        finally:
            if mark:
                _delete_quietly(mark)
        return self._remember(request, response)

    def _store(self, request, key: str, version: int | None, response):
        try:
            version = version if version is not None else _new_version()
            entry = Entry.of(version, response)
            cache.set(key, entry, PAGE_SECONDS)
            self.copies.keep(key, entry)
        except Exception:
            logger.warning("Could not store a public page", exc_info=True)
            return response
        return entry.response(request)

    @staticmethod
    def _claim(key: str, version: int | None) -> str | None:
        """The mark saying this request renders the page ("" when there is nothing to claim:
        no version yet, or the cache failed), or None if another request holds it."""
        if version is None:
            return ""
        mark = _rendering_mark(key, version)
        try:
            return mark if cache.add(mark, 1, RENDER_WAIT_SECONDS) else None
        except Exception:
            return ""

    def _await(self, key: str, version: int) -> "Entry | None":
        """The page another request is rendering, once stored; None when that render ends
        without storing it (not a 200, an error), the version moves on, or it takes too long."""
        mark = _rendering_mark(key, version)
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(RENDER_POLL_SECONDS)
            try:
                found = cache.get_many([VERSION_KEY, key, mark])
            except Exception:
                return None
            entry = found.get(key)
            if entry is not None and entry.version == found.get(VERSION_KEY) == version:
                self.copies.keep(key, entry)
                return entry
            if mark not in found or found.get(VERSION_KEY) != version:
                return None
        return None

    def _remember(self, request, response):
        if not getattr(request, "public_view", False) and response.status_code != 404:
            if len(self.private_paths) >= self.PRIVATE_PATHS_MAX:
                self.private_paths.clear()
            self.private_paths.add(request.path_info)
        return response

    @staticmethod
    def _servable(request) -> bool:
        return (
            getattr(settings, "PUBLIC_PAGE_CACHE", False)
            and request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "messages" not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
        )

    @staticmethod
    def _key(request, kind: str = "page") -> str:
        # The local date too: pages such as the schedule default to today.
        where = f"{request.get_host()}|{request.get_full_path()}|{timezone.localdate()}"
        return f"pages:{kind}:" + hashlib.sha256(where.encode()).hexdigest()[:40]

    @staticmethod
    def _storable(request, response) -> bool:
        return (
            getattr(request, "public_page", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _conditional(request, response):
        """A stored page with an ETag or Last-Modified still answers 304 to a client holding it."""
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=last_modified, response=response
        )
