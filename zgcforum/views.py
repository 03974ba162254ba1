from django.conf import settings
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.static import serve

from core.page_cache import public_page
from events import selectors as events_selectors
from exhibitors import caching as exhibitors_caching
from exhibitors import selectors as exhibitors_selectors

from . import selectors
from .models import LegalPage

HOME_SECONDS = 3600


@public_page()
@require_safe
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


@require_safe
def legal_page(request, slug: str):
    """The privacy notice or the terms of participation, in the URL's language."""
    context = selectors.legal_page(slug)
    context["is_privacy"] = slug == LegalPage.Slug.PRIVACY
    return render(request, "legal_page.html", context)


@require_safe
@cache_control(max_age=86400, public=True)
def root_icon(request, name: str, content_type: str):
    """Icons browsers ask for at the site's root (/favicon.ico), served from static/img/."""
    path = finders.find(f"img/{name}")
    if path is None:
        raise Http404
    return FileResponse(open(path, "rb"), content_type=content_type)  # noqa: SIM115


@require_safe
def media(request, path: str):
    """Public files at MEDIA_URL when the web server does not map it (`make run`, tests)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)


@require_safe
def recent_changes(request):
    """The audit trail: the forum's latest changes with old and new values (the secretariat)."""
    if not request.user.has_perm("zgcforum.view_audit_trail"):
        raise PermissionDenied
    data = selectors.recent_changes(model=request.GET.get("model", ""))
    context = {
        **admin.site.each_context(request),
        "title": _("Recent changes"),
        **data,
    }
    return render(request, "admin/recent_changes.html", context)
