from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language, override

from core.registries import visible_doors


def _in_language(request, path: str, code: str) -> str:
    """``translate_url(path, code)`` from the match the request was routed by, not resolving
    the path a second time."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return translate_url(path, code)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with override(code):
        try:
            url = reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return path
    parsed = urlsplit(path)
    return urlunsplit((parsed.scheme, parsed.netloc, url, parsed.query, parsed.fragment))


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
