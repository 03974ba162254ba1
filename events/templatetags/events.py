from datetime import datetime
from html import escape
from urllib.parse import quote

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.names import list_separator
from core.registries import SessionAction, session_actions

register = template.Library()


@register.simple_tag
def localized(row: dict, field: str) -> str:
    """``row[field_<language>]`` of a stored snapshot, falling back to English."""
    suffix = "zh_hans" if get_language() == "zh-hans" else "en"
    return row.get(f"{field}_{suffix}") or row.get(f"{field}_en") or ""


@register.filter
def isotime(value: str) -> str:
    """An ISO timestamp from a snapshot, shown as a local date and time."""
    try:
        moment = timezone.localtime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return ""
    return formats.date_format(moment, "SHORT_DATETIME_FORMAT")


SLUG = "session-code-placeholder"


def _links(people) -> str:
    return list_separator().join(
        f'<a href="{escape(url)}">{escape(name)}</a>' for url, name in people
    )


def _action_url(action: SessionAction, code: str = SLUG) -> str:
    return reverse(action.url_name, args=[code]) if action.with_code else reverse(action.url_name)


def _shared(context) -> dict:
    """What every card of one render shares, worked out once: labels, URLs, the viewer.

    ``reverse()`` under i18n_patterns and ``gettext`` each cost tens of microseconds here; a
    hundred cards would pay them a hundred times. The buttons are the session actions other apps
    registered for cards (``core.registries.session_actions``); without any, a card has none.
    """
    shared = context.render_context.get("session_cards")
    if shared is None:
        user, request = context.get("user"), context.get("request")
        if user is not None and user.is_authenticated:
            viewer = "delegate"
        elif user is not None:
            viewer = "visitor"
        else:
            viewer = "cached"  # the cached day fragment, rendered without a request
        actions = [
            {
                "url": _action_url(action),
                "post": action.post,
                "icon": escape(action.icon),
                "label": escape(str(action.label)),
                "login_label": escape(str(action.login_label)),
            }
            for action in session_actions.ordered()
            if action.on_card
        ]
        shared = context.render_context["session_cards"] = {
            "viewer": viewer,
            "actions": actions,
            "csrf": escape(get_token(request)) if viewer == "delegate" and actions else "",
            "next": escape(request.get_full_path()) if request is not None else "",
            "login": escape(
                f"{reverse('accounts:login')}?next={quote(request.get_full_path())}"
                if viewer == "visitor"
                else ""
            ),
            "moderators": _("Moderator: %(names)s"),
            "cancelled": escape(_("Cancelled")),
        }
    return shared


@register.simple_tag(takes_context=True)
def session_card(context, card: dict) -> str:
    """One card of ``selectors.session_cards``, as HTML.

    Built in Python with the standard library's ``html.escape`` (what Django's ``escape`` calls)
    rather than in an included template: the day page shows up to a hundred cards, and an
    included template costs ~0.35 ms a card on this machine where this costs ~0.03 ms.
    Every value from the card is escaped here; nothing in a card is pre-escaped.
    """
    shared = _shared(context)
    people = []
    if card["speakers"]:
        people.append(_links(card["speakers"]))
    if card["moderators"]:
        people.append(shared["moderators"] % {"names": _links(card["moderators"])})
    badges = [f'<span class="badge text-bg-danger">{shared["cancelled"]}</span> ']
    badges = badges if card["cancelled"] else []
    badges += [
        f'<span class="badge text-bg-light border">{escape(b)}</span> ' for b in card["badges"]
    ]
    badges += [f'<span class="badge {css}">{escape(label)}</span> ' for css, label in card["flags"]]
    people_html = f'<p class="small mb-1">{" · ".join(people)}</p>' if people else ""
    actions = "".join(_card_action(shared, action, card) for action in shared["actions"])
    actions_html = f'<div class="small mt-1">{actions}</div>' if actions else ""
    return mark_safe(
        f'<article class="card mb-2 session-card section-{escape(card["section_slug"])}'
        f'{" is-cancelled" if card["cancelled"] else ""}"><div class="card-body py-2">'
        f'<p class="small mb-1 text-body-secondary"><time datetime="{card["start_iso"]}">'
        f'{card["start"]}</time>–<time datetime="{card["end_iso"]}">{card["end"]}</time> · '
        f"{escape(card['place'])}</p>"
        f'<h4 class="h6 mb-1"><a href="{escape(card["url"])}">{escape(card["title"])}</a></h4>'
        f'<p class="small mb-1"><a class="link-secondary" href="{escape(card["event_url"])}">'
        f"{escape(card['event_title'])}</a> · <span>{escape(card['section'])}</span></p>"
        f'{people_html}<p class="mb-0">{"".join(badges)}</p>{actions_html}</div></article>'
    )


def _card_action(shared: dict, action: dict, card: dict) -> str:
    """One action on a card: a form for someone logged in, a login link for a visitor, and in
    the cached fragment (rendered for everyone) a link (a POST action's URL answers a GET with a
    confirmation page)."""
    if shared["viewer"] == "visitor":
        if not action["login_label"]:
            return ""
        return f'<a href="{shared["login"]}">{action["login_label"]}</a>'
    url = escape(action["url"].replace(SLUG, card["code"]))
    title = escape(card["title"])
    icon = f'<i class="bi {action["icon"]}" aria-hidden="true"></i> ' if action["icon"] else ""
    if shared["viewer"] == "delegate" and action["post"]:
        return (
            f'<form method="post" action="{url}"><input type="hidden" '
            f'name="csrfmiddlewaretoken" value="{shared["csrf"]}">'
            f'<input type="hidden" name="next" value="{shared["next"]}">'
            '<button type="submit" class="btn btn-sm btn-outline-secondary py-0">'
            f"{icon}{action['label']}"
            f'<span class="visually-hidden">: {title}</span></button></form>'
        )
    return (
        f'<a href="{url}">{icon}{action["label"]}<span class="visually-hidden">: {title}</span></a>'
    )


@register.inclusion_tag("events/includes/_session_actions.html", takes_context=True)
def session_page_actions(context, session) -> dict:
    """The session page's actions that other apps registered, for this session and viewer."""
    actions, notes = [], []
    for action in session_actions.ordered():
        if action.applies is not None and not action.applies(session):
            continue
        url = _action_url(action, session.code)
        actions.append(
            {
                "url": url,
                "post": action.post,
                "icon": action.icon,
                "label": action.label,
                "login_label": action.login_label,
                "primary": action.primary,
                "next": reverse(action.next_url_name) if action.next_url_name else "",
            }
        )
        note = action.note(session) if action.note is not None else ""
        if note:
            notes.append(note)
    request = context["request"]
    return {
        "actions": actions,
        "notes": notes,
        "login_labels": [a["login_label"] for a in actions if a["login_label"]],
        "user": context["user"],
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def select_options(field) -> str:
    """The ``<option>``s of a bound choice field, the current value selected.

    Written out here rather than by the widget: Django's widget templates cost ~0.1 ms an
    option, and the schedule's filters hold dozens (a room each).
    """
    current = field.value()
    current = "" if current is None else str(current)
    return mark_safe(
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if str(value) == current else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in field.field.choices
        )
    )


@register.simple_tag
def working_programme_summary():
    """Forums with their released version and count of working changes, for the admin index."""
    from django.db.models import Count

    from ..models import Forum

    return list(Forum.objects.annotate(pending=Count("working_changes")).order_by("-edition")[:3])


def _moment(value: str):
    try:
        return timezone.localtime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return None


@register.filter
def isoday(value: str) -> str:
    """An ISO timestamp shown as the local date in the site's format ("Sept. 25, 2021")."""
    moment = _moment(value)
    return formats.date_format(moment, "DATE_FORMAT") if moment else ""


@register.filter
def isoclock(value: str) -> str:
    """An ISO timestamp shown as the local 24-hour time."""
    moment = _moment(value)
    return moment.strftime("%H:%M") if moment else ""
