from functools import cache
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import (
    LocalePrefixPattern,
    NoReverseMatch,
    get_resolver,
    get_script_prefix,
    get_urlconf,
    reverse,
    translate_url,
)
from django.utils.translation import get_language, override

from core.registries import visible_doors


def _in_language(request, path: str, code: str) -> str:
    """``translate_url(path, code)`` from the match the request was routed by, not resolving
    the path a second time; for a route of ``i18n_patterns`` (whose paths are not translated)
    by changing the path's language prefix, without reversing it either (~0.2 ms a page)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return translate_url(path, code)
    swapped = _swap_prefix(match, path, code)
    if swapped is not None:
        return swapped
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            url = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    parsed = urlsplit(path)
    return urlunsplit((parsed.scheme, parsed.netloc, url, parsed.query, parsed.fragment))


def _swap_prefix(match, path: str, code: str) -> str | None:
    """``path`` with the language prefix of ``code`` in place of the active language's (English
    has none: ``prefix_default_language=False``), when ``match`` is a route of the URLconf's
    ``i18n_patterns`` and the path carries the active language's prefix; else None."""
    outside = _routes_outside_languages(get_resolver(get_urlconf()))
    if outside is None or match.route in outside:
        return None
    script = get_script_prefix()
    current = get_language()
    if not path.startswith(script):
        return None
    rest = path[len(script) :]
    if current != settings.LANGUAGE_CODE:
        if not rest.startswith(f"{current}/"):
            return None
        rest = rest[len(current) + 1 :]
    return script + ("" if code == settings.LANGUAGE_CODE else f"{code}/") + rest


@cache
def _routes_outside_languages(resolver) -> frozenset[str] | None:
    """The routes of the URLconf's patterns outside ``i18n_patterns`` (the health checks, the
    icons…): their paths have no language prefix to change. None when English paths carry a
    prefix too (``prefix_default_language``): then only reversing tells."""
    outside = set()
    for pattern in resolver.url_patterns:
        if not isinstance(pattern.pattern, LocalePrefixPattern):
            outside.add(str(pattern.pattern))
        elif pattern.pattern.prefix_default_language:
            return None
    return frozenset(outside)


def _language_links(request, path: str) -> list[tuple[str, str]]:
    """The same page in each language. The page's own language is the path itself: the
    switcher does not show it, and translating it cost a resolve and a reverse a request."""
    current = get_language()
    return [
        (code, path if code == current else _in_language(request, path, code))
        for code, _name in settings.LANGUAGES
    ]


def site(request):
    """Values every page template may use: navbar links, the same page in each language and the
    filing numbers the footer shows when set."""
    path = request.get_full_path()
    user = getattr(request, "user", None)
    user = user if user is not None and user.is_authenticated else None
    return {
        "nav_items": visible_doors(user, personal=False),
        "personal_nav_items": visible_doors(user, personal=True) if user else [],
        "language_links": _language_links(request, path),
        "filings": {"icp": settings.ICP_FILING, "public_security": settings.PUBLIC_SECURITY_FILING},
    }
