"""Public programme pages and exports: thin, fed by selectors, cached per schedule version."""

import hashlib
import json
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import Context
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.html import escape
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from core import frame
from core.page_cache import keep_out, public_page, without

from . import exports, selectors
from .filters import ScheduleFilter
from .models import ExportFragment, Section
from .templatetags.pages import session_page, speaker_content, speaker_page

CACHE_SECONDS = 24 * 3600
FILTER_PARAMS = ("q", "section", "theme", "type", "venue", "room", "language", "interpretation")
SPEAKERS_PER_PAGE = 120
# A day of the forum at --scale 10 holds ~600 sessions: pages keep each response small.
SESSIONS_PER_PAGE = 100
NOW_LINE = "<!--now-->"  # where the grid's "now" line goes, per request


def _forum():
    forum = selectors.current_forum()
    if forum is None:
        raise Http404("No published forum")
    return forum


def cache_key(forum, kind: str, detail: str = "") -> str:
    """Release and cache version in the key: a bumped version makes every older entry unreachable."""
    digest = hashlib.md5(detail.encode(), usedforsecurity=False).hexdigest()
    return (
        f"events:{kind}:{forum.pk}:r{forum.release_number}:v{forum.cache_version}:"
        f"{get_language()}:{digest}"
    )


def _cached(key: str, build):
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, CACHE_SECONDS)
    return value


def _day(request, forum) -> date | None:
    """The day asked for, the default day when none is; None for a day the forum does not have."""
    if "day" not in request.GET:
        return selectors.default_day(forum)
    try:
        day = date.fromisoformat(request.GET["day"])
    except ValueError:
        return None
    return day if forum.starts_on <= day <= forum.ends_on else None


def _page_number(request) -> int | None:
    """The page asked for (1 when none is); None for something that is not a page number."""
    number = request.GET.get("page", "1")
    return int(number) if number.isdigit() and 0 < int(number) < 10**6 else None


def _filter_params(request) -> list[tuple[str, str]]:
    return sorted((k, v) for k in FILTER_PARAMS for v in request.GET.getlist(k)[:1] if v.strip())


def _day_tabs(forum, day, params, counts=None, *, searching=False) -> list[dict]:
    """The forum's days; with a filter or search, each day's number of matches. A search lists
    every day at once, so its tabs lead to the day's place in the results."""
    return [
        {
            "day": d,
            "current": d == day and not searching,
            "query": urlencode([("day", d.isoformat()), *params]),
            "anchor": f"day-{d.isoformat()}" if searching else "",
            "count": counts.get(d, 0) if counts is not None else None,
        }
        for d in forum.days
    ]


@public_page(params=("day", "page", *FILTER_PARAMS), shell=True)
@require_safe
def schedule(request):
    forum = _forum()
    day = _day(request, forum)
    if day is None:
        return without(request, "day")
    page_number = _page_number(request)
    if page_number is None:
        return without(request, "page")
    params = _filter_params(request)
    searching = any(name == "q" for name, _value in params)

    def build() -> tuple[str, int, bool]:
        """(the day's HTML, its number of pages, whether every filter value is one we know)."""
        choices = selectors.filter_choices(forum)
        if params:
            filterset = ScheduleFilter(
                dict(params), queryset=selectors.public_sessions(forum), choices=choices
            )
            known = filterset.is_valid()
            counts = selectors.day_counts(filterset.qs, forum)
            # A search looks through every day; filters narrow the chosen day.
            listed = filterset.qs if searching else selectors.sessions_on(filterset.qs, forum, day)
            paginator, sessions = selectors.card_page(listed, page_number, SESSIONS_PER_PAGE)
        else:
            # Nothing chosen: no filter set (the form says "All", ``empty_filter_fields``).
            filterset, known, counts = None, True, None
            paginator, sessions = selectors.day_card_page(
                forum, day, page_number, SESSIONS_PER_PAGE
            )
        if sessions is None:
            return "", paginator.num_pages, known
        page = paginator.page(page_number)
        page_query = urlencode([("day", day.isoformat()), *params])
        html = render_to_string(
            "events/includes/_schedule_day.html",
            {
                "forum": forum,
                "day": day,
                "tabs": _day_tabs(forum, day, params, counts, searching=searching),
                "filter": filterset,
                "choices": choices,
                "filtered": bool(params),
                "searching": searching,
                "query": dict(params).get("q", ""),
                "days_with_hits": [t for t in _day_tabs(forum, day, params, counts) if t["count"]]
                if counts
                else [],
                "days": selectors.by_day(sessions) if searching else [],
                "slots": selectors.time_slots(sessions),
                "count": page.paginator.count,
                "page": page,
                "page_query": page_query,
                "grid_query": urlencode([("day", day.isoformat())]),
                # where a visitor comes back to after logging in: this page, at the card
                "page_path": f"{request.path}?{page_query}"
                + (f"&page={page_number}" if page_number > 1 else ""),
            },
        )
        return html, paginator.num_pages, known

    # Only known days, pages and filter values are kept, whole and as fragments: the key space is
    # bounded by what the forum holds. A free-text search is rendered each time.
    key = cache_key(forum, "day", f"{day}|{params}|{page_number}|v3")
    found = None if searching else cache.get(key)
    if found is None:
        found = build()
        if not searching and found[2] and page_number <= found[1]:
            cache.set(key, found, CACHE_SECONDS)
    body, pages, known = found
    if page_number > pages:
        return without(request, "page")
    if searching or not known:
        keep_out(request)
    return render(request, "events/schedule.html", {"forum": forum, "day": day, "body": body})


@public_page(params=("day",))
@require_safe
def grid(request):
    forum = _forum()
    day = _day(request, forum)
    if day is None:
        return without(request, "day")

    tz = ZoneInfo(forum.timezone)

    def build():
        sessions = selectors.sessions_on(
            selectors.public_sessions(forum).prefetch_related(None), forum, day
        )
        grid = selectors.room_grid(sessions, tz)
        html = render_to_string(
            "events/includes/_grid.html",
            {"forum": forum, "day": day, "tabs": _day_tabs(forum, day, []), "grid": grid},
        )
        return html, grid["bounds"]

    body, bounds = _cached(cache_key(forum, "grid", f"{day}|v2"), build)
    now = selectors.grid_now(bounds, timezone.now(), tz)
    if now is not None:
        # The line moves: this page is rendered per request while it is drawn (the fragment
        # stays cached); outside the grid's hours the page is stored whole as before.
        keep_out(request)
        line = render_to_string("events/includes/_now_line.html", {"now": now})
        body = body.replace(NOW_LINE, line, 1)
    return render(request, "events/grid.html", {"forum": forum, "day": day, "body": body})


@public_page(shell=True)
@require_safe
def event_detail(request, slug):
    forum = _forum()
    event = selectors.public_event(forum, slug)
    if event is None:
        raise Http404
    sessions = selectors.session_cards(selectors.public_sessions(forum).filter(event=event))
    return render(
        request,
        "events/event.html",
        {"forum": forum, "event": event, "slots": selectors.time_slots(sessions)},
    )


@public_page(shell=True)
@require_safe
def session_detail(request, code):
    prepared = selectors.session_page_fragment(code, get_language())
    if prepared is not None:  # as the release prepared it (``services.prepare_exports``)
        title, content = prepared
        content = content.replace(ExportFragment.PAGE_HERE, _here(request))
        return frame.page(request, title=title, head=_styles(), content=content)
    found = selectors.current_session(code)
    if found is None:
        raise Http404
    forum, session = found
    speakers, moderators = selectors.session_people(session)
    return session_response(request, forum, session, speakers, moderators)


def _here(request) -> str:
    """The request's path as a prepared page's login links name it (``?next=``)."""
    return escape(quote(request.get_full_path()))


def session_response(request, forum, session, speakers, moderators):
    """The session page in the site's frame (``core.frame``, not the template engine)."""
    content = session_page(Context({"request": request}), forum, session, speakers, moderators)
    return frame.page(request, title=escape(session.title), head=_styles(), content=content)


def _styles() -> str:
    """The programme pages' own styles, after the site's."""
    return f'<link rel="stylesheet" href="{frame.static("events/events.css")}">'


@public_page(params=("page",))
@require_safe
def speaker_list(request):
    forum = _forum()
    paginator = Paginator(selectors.public_speakers(forum), SPEAKERS_PER_PAGE)
    number = _page_number(request)
    if number is None or number > paginator.num_pages:
        return without(request, "page")
    page = paginator.page(number)
    return render(request, "events/speakers.html", {"forum": forum, "page": page})


@public_page(shell=True)
@require_safe
def speaker_detail(request, slug):
    prepared = selectors.speaker_page_fragments(slug, get_language())
    if prepared is not None:  # as the release prepared it (``services.prepare_exports``)
        title, head, cards = prepared
        here = _here(request)
        cards = [
            (d, label, card.replace(ExportFragment.PAGE_HERE, here)) for d, label, card in cards
        ]
        content = speaker_content(head, cards)
        return frame.page(request, title=title, head=_styles(), content=content)
    found = selectors.current_speaker(slug)
    if found is None:
        raise Http404
    forum, speaker = found
    return speaker_response(request, forum, speaker, selectors.speaker_cards(forum, speaker))


def speaker_response(request, forum, speaker, sessions):
    """The speaker page in the site's frame (``core.frame``, not the template engine)."""
    content = speaker_page(Context({"request": request}), forum, speaker, sessions)
    return frame.page(request, title=escape(speaker.local_name), head=_styles(), content=content)


@public_page()
@require_safe
def section_detail(request, slug):
    forum = _forum()
    section = Section.objects.filter(forum=forum, slug=slug).first()
    if section is None:
        raise Http404
    events = list(selectors.section_events(forum, section))
    return render(
        request, "events/section.html", {"forum": forum, "section": section, "events": events}
    )


@public_page()
@require_safe
def changelog(request):
    forum = _forum()
    return render(
        request,
        "events/changelog.html",
        {"forum": forum, "releases": selectors.releases(forum)},
    )


def _conditional(request, forum, key: str, build, content_type: str, filename: str | None = None):
    """ETag (the cache key) and Last-Modified; 304 when the client already holds this version,
    told by If-None-Match or, without it, If-Modified-Since (RFC 9110 §13.2.2)."""
    etag = quote_etag(hashlib.md5(key.encode(), usedforsecurity=False).hexdigest())
    changed = forum.schedule_changed_at
    last_modified = int(changed.timestamp()) if changed else None
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(_cached(key, build), content_type=content_type)
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = "public, max-age=60"
    return response


ICAL = "text/calendar; charset=utf-8"


def _prepared(forum) -> bool:
    """Whether the exports' fragments of the forum's current version are written: until the
    preparation after a change has run, exports are built from scratch."""
    return forum.exports_version == forum.cache_version


def _calendar(forum, name: str, *, event=None) -> bytes:
    """The forum's (or one event's) calendar: its sessions' VEVENTs as prepared, else built."""
    language = get_language()
    if _prepared(forum):
        blocks = selectors.vevent_fragments(forum, language, event=event)
        if blocks:
            return exports.calendar(forum, blocks, name=name)
    sessions, people = selectors.schedule_export(forum, event=event, fields=selectors.ICAL_FIELDS)
    return exports.schedule_ical(forum, sessions, people, name=name, language=language)


@public_page()
@require_safe
def schedule_ics(request):
    forum = _forum()

    def build():
        return _calendar(forum, forum.name)

    return _conditional(
        request, forum, cache_key(forum, "ics"), build, ICAL, f"zgcforum-{forum.edition}.ics"
    )


@public_page()
@require_safe
def event_ics(request, slug):
    forum = _forum()
    event = selectors.export_event(forum, slug)
    if event is None:
        raise Http404

    def build():
        return _calendar(forum, event.title, event=event)

    return _conditional(
        request, forum, cache_key(forum, "event-ics", slug), build, ICAL, f"{slug}.ics"
    )


@public_page()
@require_safe
def session_ics(request, code):
    forum = _forum()
    sessions = selectors.export_sessions(forum, code=code, fields=selectors.ICAL_FIELDS)
    if not sessions:
        raise Http404

    def build():
        people = selectors.export_people(forum, code=code)
        language = get_language()
        title = exports.translator(language)(sessions[0], "title")
        return exports.schedule_ical(forum, sessions, people, name=title, language=language)

    return _conditional(
        request, forum, cache_key(forum, "session-ics", code), build, ICAL, f"{code}.ics"
    )


@public_page()
@require_safe
def schedule_json(request):
    forum = _forum()

    def build():
        language = get_language()
        if _prepared(forum):
            fragments = selectors.json_fragments(forum, language)
            if fragments:
                return exports.json_from_fragments(
                    forum,
                    fragments,
                    release_number=forum.release_number,
                    language=language,
                    releases=selectors.export_releases(forum),
                )
        sessions, people = selectors.schedule_export(forum)
        document = exports.schedule_json(
            forum,
            sessions,
            people,
            release_number=forum.release_number,
            language=language,
            releases=selectors.export_releases(forum),
        )
        return exports.dumps(document)

    # "json4": the document with its releases gets other keys and ETags than the ones before it
    # (json3 added speakers' country names, json2 normalized rooms and speakers to the top).
    return _conditional(
        request, forum, cache_key(forum, "json4"), build, "application/json; charset=utf-8"
    )


SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "schedule.schema.json"


@public_page()
@require_safe
def schema(request):
    """The JSON Schema of the export, validated by ETag and Last-Modified as the exports are."""
    text = SCHEMA_PATH.read_bytes()
    etag = quote_etag(hashlib.md5(text, usedforsecurity=False).hexdigest())
    last_modified = int(SCHEMA_PATH.stat().st_mtime)
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = JsonResponse(json.loads(text), json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return response
