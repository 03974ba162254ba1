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


@register.simple_tag(takes_context=True)
def session_card(context, card: dict) -> str:
    """One card of ``selectors.session_cards``, as HTML.

    Built in Python with the standard library's ``html.escape`` (what Django's ``escape`` calls)
    rather than in an included template: the day page shows up to a hundred cards, and an
    included template costs ~0.35 ms a card on this machine where this costs ~0.03 ms.
    Every value from the card is escaped here; nothing in a card is pre-escaped.
    """
    people = []
    if card["speakers"]:
        people.append(_links(card["speakers"]))
    if card["moderators"]:
        people.append(f"{escape(_('Moderator'))}: {_links(card['moderators'])}")
    badges = [f'<span class="badge text-bg-danger">{escape(_("Cancelled"))}</span> ']
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
        f'<div class="small mt-1">{_star(context, card)}</div></div></article>'
    )


def _star(context, card: dict) -> str:
    user, request = context.get("user"), context.get("request")
    # reverse() under i18n_patterns costs ~0.1 ms: once per render, then a slug substitution.
    pattern = context.render_context.get("star_url")
    if pattern is None:
        pattern = context.render_context["star_url"] = reverse("delegates:star", args=[SLUG])
    star_url = escape(pattern.replace(SLUG, card["code"]))
    title = escape(card["title"])
    if user is not None and user.is_authenticated:
        return (
            f'<form method="post" action="{star_url}"><input type="hidden" '
            f'name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
            f'<input type="hidden" name="next" value="{escape(request.get_full_path())}">'
            '<button type="submit" class="btn btn-sm btn-outline-secondary py-0">'
            f'<i class="bi bi-star" aria-hidden="true"></i> {escape(_("Add to my agenda"))}'
            f'<span class="visually-hidden">: {title}</span></button></form>'
        )
    if user is not None:
        login = f"{reverse('accounts:login')}?next={quote(request.get_full_path())}"
        return f'<a href="{escape(login)}">{escape(_("Log in to add to your agenda"))}</a>'
    return (
        f'<a href="{star_url}"><i class="bi bi-star" aria-hidden="true"></i> '
        f'{escape(_("Add to my agenda"))}<span class="visually-hidden">: {title}</span></a>'
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
