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
    return ", ".join(f'<a href="{escape(url)}">{escape(name)}</a>' for url, name in people)


def _shared(context) -> dict:
    """What every card of one render shares, worked out once: labels, URLs, the viewer.

    ``reverse()`` under i18n_patterns and ``gettext`` each cost tens of microseconds here; a
    hundred cards would pay them a hundred times.
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
        shared = context.render_context["session_cards"] = {
            "viewer": viewer,
            "star_url": reverse("delegates:star", args=[SLUG]),
            "csrf": escape(get_token(request)) if viewer == "delegate" else "",
            "next": escape(request.get_full_path()) if request is not None else "",
            "login": escape(
                f"{reverse('accounts:login')}?next={quote(request.get_full_path())}"
                if viewer == "visitor"
                else ""
            ),
            "moderator": escape(_("Moderator")),
            "cancelled": escape(_("Cancelled")),
            "add": escape(_("Add to my agenda")),
            "log_in": escape(_("Log in to add to your agenda")),
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
        people.append(f"{shared['moderator']}: {_links(card['moderators'])}")
    badges = [f'<span class="badge text-bg-danger">{shared["cancelled"]}</span> ']
    badges = badges if card["cancelled"] else []
    badges += [
        f'<span class="badge text-bg-light border">{escape(b)}</span> ' for b in card["badges"]
    ]
    badges += [f'<span class="badge {css}">{escape(label)}</span> ' for css, label in card["flags"]]
    people_html = f'<p class="small mb-1">{" · ".join(people)}</p>' if people else ""
    return mark_safe(
        f'<article class="card mb-2 session-card section-{escape(card["section_slug"])}'
        f'{" is-cancelled" if card["cancelled"] else ""}"><div class="card-body py-2">'
        f'<p class="small mb-1 text-body-secondary"><time datetime="{card["start_iso"]}">'
        f'{card["start"]}</time>–<time datetime="{card["end_iso"]}">{card["end"]}</time> · '
        f"{escape(card['place'])}</p>"
        f'<h4 class="h6 mb-1"><a href="{escape(card["url"])}">{escape(card["title"])}</a></h4>'
        f'<p class="small mb-1"><a class="link-secondary" href="{escape(card["event_url"])}">'
        f"{escape(card['event_title'])}</a> · <span>{escape(card['section'])}</span></p>"
        f'{people_html}<p class="mb-0">{"".join(badges)}</p>'
        f'<div class="small mt-1">{_star(shared, card)}</div></div></article>'
    )


def _star(shared: dict, card: dict) -> str:
    """Add to my agenda: a form for a delegate, a login link for a visitor, and in the cached
    fragment (rendered for everyone) a link to the confirmation page."""
    if shared["viewer"] == "visitor":
        return f'<a href="{shared["login"]}">{shared["log_in"]}</a>'
    star_url = escape(shared["star_url"].replace(SLUG, card["code"]))
    title = escape(card["title"])
    if shared["viewer"] == "delegate":
        return (
            f'<form method="post" action="{star_url}"><input type="hidden" '
            f'name="csrfmiddlewaretoken" value="{shared["csrf"]}">'
            f'<input type="hidden" name="next" value="{shared["next"]}">'
            '<button type="submit" class="btn btn-sm btn-outline-secondary py-0">'
            f'<i class="bi bi-star" aria-hidden="true"></i> {shared["add"]}'
            f'<span class="visually-hidden">: {title}</span></button></form>'
        )
    return (
        f'<a href="{star_url}"><i class="bi bi-star" aria-hidden="true"></i> '
        f'{shared["add"]}<span class="visually-hidden">: {title}</span></a>'
    )


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
