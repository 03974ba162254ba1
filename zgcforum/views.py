from django.shortcuts import render
from django.views.decorators.http import require_GET

from events import selectors as events_selectors
from exhibitors import selectors as exhibitors_selectors


@require_GET
def home(request):
    forum = events_selectors.current_forum()
    context = {
        "forum": forum,
        "sections": events_selectors.forum_sections(forum) if forum else [],
        "exhibition_sections": exhibitors_selectors.exhibition_sections(),
        "venues": events_selectors.venue_figures(),
        "programme": events_selectors.programme_figures(forum) if forum else None,
    }
    return render(request, "home.html", context)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)
