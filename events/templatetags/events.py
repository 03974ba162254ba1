from datetime import datetime
from html import escape
from urllib.parse import quote

from django import template
from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.links import route
from core.links import translated as _
from core.names import list_separator
from core.personal import mark
from core.registries import session_actions

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


def _links(people, separator: str) -> str:
    return separator.join(f'<a href="{escape(url)}">{escape(name)}</a>' for url, name in people)


def _shared(context) -> dict:
    """What every card of one render shares, worked out once: labels, URLs, the page's address.

    ``reverse()`` under i18n_patterns and ``gettext`` each cost tens of microseconds here; a
    hundred cards would pay them a hundred times. A card holds only what every visitor sees:
    the login links of the session actions other apps registered for cards
    (``core.registries.session_actions``), marked as the visitor's part, which a logged-in
    viewer's state and forms replace (``core.personal``). No user, no CSRF token: the day's
    cards are one fragment cached for everyone.
    """
    shared = context.render_context.get("session_cards")
    if shared is None:
        request = context.get("request")
        here = context.get("page_path") or (request.get_full_path() if request else "")
        actions = [
            escape(_(action.login_label))
            for action in session_actions.ordered()
            if action.on_card and action.login_label
        ]
        shared = context.render_context["session_cards"] = {
            "actions": actions,
            "login": escape(route("accounts:login")) + "?next=",
            "here": here,
            "moderators": _("Moderator: %(names)s"),
            "cancelled": escape(_("Cancelled")),
            "separator": list_separator(),
        }
    return shared


@register.simple_tag(takes_context=True)
def session_card(context, card: dict) -> str:
    """One card of ``selectors.session_cards``, as HTML, its anchor ``#session-<code>``.

    Built in Python with the standard library's ``html.escape`` (what Django's ``escape`` calls)
    rather than in an included template: the day page shows up to a hundred cards, and an
    included template costs ~0.35 ms a card on this machine where this costs ~0.03 ms.
    Every value from the card is escaped here; nothing in a card is pre-escaped.
    """
    shared = _shared(context)
    people = []
    if card["speakers"]:
        people.append(_links(card["speakers"], shared["separator"]))
    if card["moderators"]:
        people.append(
            shared["moderators"] % {"names": _links(card["moderators"], shared["separator"])}
        )
    badges = [f'<span class="badge text-bg-danger">{shared["cancelled"]}</span> ']
    badges = badges if card["cancelled"] else []
    badges += [
        f'<span class="badge text-bg-light border">{escape(b)}</span> ' for b in card["badges"]
    ]
    badges += [f'<span class="badge {css}">{escape(label)}</span> ' for css, label in card["flags"]]
    people_html = f'<p class="small mb-1">{" · ".join(people)}</p>' if people else ""
    code = escape(card["code"])
    return mark_safe(
        f'<article id="session-{code}" class="card mb-2 session-card '
        f"section-{escape(card['section_slug'])}"
        f'{" is-cancelled" if card["cancelled"] else ""}"><div class="card-body py-2">'
        f'<p class="small mb-1 text-body-secondary"><time datetime="{card["start_iso"]}">'
        f'{card["start"]}</time>–<time datetime="{card["end_iso"]}">{card["end"]}</time> · '
        f"{escape(card['place'])}</p>"
        f'<h4 class="h6 mb-1"><a href="{escape(card["url"])}">{escape(card["title"])}</a></h4>'
        f'<p class="small mb-1"><a class="link-secondary" href="{escape(card["event_url"])}">'
        f"{escape(card['event_title'])}</a> · <span>{escape(card['section'])}</span></p>"
        f'{people_html}<p class="mb-0">{"".join(badges)}</p>'
        f'<div class="session-you small mt-1">{mark(card["code"], _visitor_part(shared, card))}'
        "</div></div></article>"
    )


@register.simple_tag(takes_context=True)
def day_slots(context, slots) -> str:
    """A day's time slots (``selectors.time_slots`` of cards), each a section of its cards.

    Written here rather than as template loops: with a hundred cards the loops' nodes cost more
    than the cards themselves. The markup and its whitespace are what the loops wrote.
    """
    out = []
    for number, (_start, cards) in enumerate(slots, 1):
        first = cards[0]
        out.append(
            f'\n      <section class="time-slot mb-3" aria-labelledby="slot-{number}">\n'
            f'        <h3 id="slot-{number}" class="h6 slot-time border-bottom pb-1">'
            f'<time datetime="{escape(first["start_iso"])}">{escape(first["start"])}</time></h3>\n'
            '        <ul class="list-unstyled mb-0">\n          '
            + "".join(f"<li>{session_card(context, card)}</li>" for card in cards)
            + "\n        </ul>\n      </section>\n    "
        )
    return mark_safe("".join(out))


@register.simple_tag(takes_context=True)
def result_slots(context, slots) -> str:
    """One day of a search's results: each start time, then its cards (as ``day_slots``, with
    the results' lighter headings). The markup and whitespace are the template loops' it replaced.
    """
    return mark_safe(
        "".join(
            '\n          <p class="small fw-semibold slot-time mb-1">'
            f'<time datetime="{escape(cards[0]["start_iso"])}">{escape(cards[0]["start"])}</time>'
            '</p>\n          <ul class="list-unstyled mb-2">\n            '
            + "".join(f"<li>{session_card(context, card)}</li>" for card in cards)
            + "\n          </ul>\n        "
            for _start, cards in slots
        )
    )


def _visitor_part(shared: dict, card: dict) -> str:
    """A visitor's links to log in and come back to this card (none on a cancelled session)."""
    if card["cancelled"] or not shared["actions"]:
        return ""
    back = escape(quote(f"{shared['here'] or card['url']}#session-{card['code']}"))
    return " · ".join(
        f'<a href="{shared["login"]}{back}">{label}</a>' for label in shared["actions"]
    )


@register.simple_tag(takes_context=True)
def session_page_actions(context, session) -> str:
    """The session page's part that other apps registered: for a visitor the links to log in
    (marked, so a logged-in viewer gets their state and forms instead, ``core.personal``).
    Written here, not by an included template: its markup is that template's."""
    if not session_actions:
        return "\n"
    request = context["request"]
    labels = [
        escape(_(action.login_label))
        for action in session_actions.ordered()
        if action.login_label and (action.applies is None or action.applies(session))
    ]
    login = escape(f"{route('accounts:login')}?next={quote(request.get_full_path())}")
    visitor = " · ".join(f'<a href="{login}">{label}</a>' for label in labels)
    part = mark(session.code, f"<p>{visitor}</p>" if visitor else "", page=True)
    return mark_safe(
        '\n<section class="mb-3 session-you" aria-labelledby="agenda-heading">\n'
        f'  <h2 id="agenda-heading" class="h5">{_("Your agenda")}</h2>\n'
        f"  {part}\n</section>\n\n"
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


def _field_html(name: str, label, control: str, errors: str = "") -> str:
    """One field of the schedule filter form, with the whitespace of the template loop it was."""
    label, for_id = conditional_escape(label), escape(f"id_{name}")
    if name == "interpretation":
        return (
            '\n        \n          <div class="form-check mb-2">\n            '
            f'{control}\n            <label class="form-check-label" for="{for_id}">{label}'
            "</label>\n          </div>\n        \n      "
        )
    return (
        '\n        \n          <div class="mb-2">\n            <label class="form-label '
        f'small mb-0" for="{for_id}">{label}</label>\n            {control}\n            '
        f"{errors}\n          </div>\n        \n      "
    )


def _select(name: str, options: str) -> str:
    return (
        f'\n            <select name="{escape(name)}" id="{escape(f"id_{name}")}" '
        f'class="form-select form-select-sm">{options}</select>\n            '
    )


@register.simple_tag
def filter_fields(form) -> str:
    """The schedule filter form's fields: a label and a ``<select>`` each (``select_options``),
    the search box and the interpretation checkbox as their widgets render them, errors below.

    Written here rather than as a template loop over the bound fields (their ``if`` branches
    and lookups cost about a millisecond a page); the markup and whitespace are the loop's.
    """
    out = []
    for field in form:
        if field.name in ("q", "interpretation"):
            control = str(field)
        else:
            control = _select(field.html_name, select_options(field))
        errors = "".join(
            f'<div class="small text-danger">{conditional_escape(error)}</div>'
            for error in field.errors
        )
        out.append(_field_html(field.name, field.label, control, errors))
    return mark_safe("".join(out))


def _empty_input(widget, name: str) -> str:
    """What Django's ``input.html`` writes for a widget without a value (attributes in order,
    then the id)."""
    attrs = "".join(
        f" {escape(key)}" if value is True else f' {escape(key)}="{escape(str(value))}"'
        for key, value in {**widget.attrs, "id": f"id_{name}"}.items()
        if value is not False
    )
    return f'<input type="{escape(widget.input_type)}" name="{escape(name)}"{attrs}>'


@register.simple_tag
def empty_filter_fields(choices: dict) -> str:
    """``filter_fields`` of a schedule filter form nothing was chosen in, written from the
    filters' declarations and ``selectors.filter_choices``: building the filter set and its
    form (deep copies of every filter and form field) cost ~1 ms a page, to say "All"."""
    from ..filters import ScheduleFilter
    from ..models import Event, Session

    static = {"type": Event.Type.choices, "language": Session.Language.choices}
    out = []
    for name, declared in ScheduleFilter.base_filters.items():
        widget = declared.extra["widget"]
        if name in ("q", "interpretation"):
            control = _empty_input(widget, name)
        else:
            values = static.get(name) or choices[f"{name}s"]
            options = "".join(
                f'<option value="{escape(str(value))}">{escape(str(label))}</option>'
                for value, label in values
            )
            all_label = escape(str(_("All")))
            control = _select(name, f'<option value="" selected>{all_label}</option>{options}')
        out.append(_field_html(name, declared.label, control))
    return mark_safe("".join(out))


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
