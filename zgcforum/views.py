from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from core.page_cache import public_page
from events import selectors as events_selectors
from exhibitors import caching as exhibitors_caching
from exhibitors import selectors as exhibitors_selectors

HOME_SECONDS = 3600


@public_page()
@require_GET
def home(request):
    """The forum at a glance, rendered once per programme and exhibition version and language."""
    forum = events_selectors.current_forum()
    key = "home:{}:{}:{}".format(
        f"{forum.pk}.{forum.cache_version}" if forum else "none",
        exhibitors_caching.directory_version(),
        get_language(),
    )
    body = cache.get(key)
    if body is None:
        body = render_to_string("includes/_home_body.html", _home(forum))
        cache.set(key, body, HOME_SECONDS)
    title = forum.name if forum else None
    return render(request, "home.html", {"body": body, "title": title})


def _home(forum) -> dict:
    return {
        "forum": forum,
        "sections": events_selectors.forum_sections(forum) if forum else [],
        "exhibition_sections": exhibitors_selectors.exhibition_sections(),
        "exhibitors": exhibitors_selectors.listed_count(),
        "venues": events_selectors.venue_figures(),
        "programme": events_selectors.programme_figures(forum) if forum else None,
    }


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)
