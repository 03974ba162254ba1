"""A logged-in delegate's part of each session card and session page: their state (starred,
seat, waitlist place, invitation, closed, seats left) and the one-click forms that can succeed.

Registered in ``core.registries.session_viewers``; events places it into its shared cached HTML
per request. Built with ``html.escape`` in Python, not a template: a day page holds a hundred
cards (see ``events.templatetags.events.session_card``).
"""

from html import escape

from django.middleware.csrf import get_token
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext, ngettext

from core.registries import Parts

from . import selectors

CODE = "session-code-placeholder"


def _labels() -> dict:
    return {
        "starred": gettext("On my agenda"),
        "confirmed": gettext("Seat confirmed"),
        "position": gettext("Waitlist: number %(position)s"),
        "not_invited": gettext("By invitation: not open to your category"),
        "closed": gettext("Reservations closed"),
        "full": gettext("Full — waitlist %(count)d"),
        "star": gettext("Add to my agenda"),
        "unstar": gettext("Remove from my agenda"),
        "reserve": gettext("Reserve a seat"),
        "wait": gettext("Join the waitlist"),
        "give_up": gettext("Give up my seat"),
        "leave": gettext("Leave the waitlist"),
    }


def _urls() -> dict:
    return {
        name: reverse(f"delegates:{name}", args=[CODE])
        for name in ("star", "unstar", "rsvp", "rsvp_cancel")
    }


def render_viewer(request, codes, *, page: bool = False) -> dict[str, str]:
    """``{code: html}`` for the request's user and the sessions of ``codes`` (constant queries)."""
    try:
        urls = _urls()
    except NoReverseMatch:  # delegates is installed but the site does not route it
        return {}
    states = selectors.viewer_states(request.user, codes)
    return render_states(request, states, codes, page=page, urls=urls)


def render_states(request, states, codes=(), *, page=False, urls=None) -> dict[str, str]:
    """``{code: html}`` for states already read (``selectors.viewer_states``)."""
    urls = urls or _urls()
    if states is None:
        if not page:
            return {}
        note = escape(gettext("Your agenda opens once your registration is approved."))
        link = escape(reverse("delegates:mine"))
        mine = escape(gettext("My registration"))
        return dict.fromkeys(codes, f'<p>{note} <a href="{link}">{mine}</a></p>')
    raw = _labels()
    shared = {
        "labels": {key: escape(value) for key, value in raw.items()},
        "raw": raw,
        "urls": urls,
        "csrf": escape(get_token(request)),
        "here": request.get_full_path(),
        "chinese": get_language() == "zh-hans",
        "page": page,
    }
    parts = {code: _part(shared, state) for code, state in states.items()}
    if page:
        agenda = escape(reverse("delegates:agenda"))
        link = f'<p class="mb-0"><a href="{agenda}">{escape(gettext("My agenda"))}</a></p>'
        parts = {code: part + link for code, part in parts.items()}
    # True until the first open reservation closes (its forms would then offer what fails).
    deadlines = [
        state.deadline
        for state in states.values()
        if state.rsvp_required and not state.cancelled and not state.closed
    ]
    return Parts(parts, valid_until=min(deadlines, default=None))


def _part(shared: dict, state: selectors.ViewerState) -> str:
    labels = shared["labels"]
    badges, forms = [], []
    if state.starred:
        badges.append(("text-bg-primary", labels["starred"]))
        forms.append(("unstar", labels["unstar"], "btn-outline-secondary"))
    elif not state.cancelled:
        forms.append(("star", labels["star"], "btn-outline-primary"))
    if state.confirmed:
        badges.append(("text-bg-success", labels["confirmed"]))
        forms.append(("rsvp_cancel", labels["give_up"], "btn-outline-danger"))
    elif state.waitlisted:
        position = escape(shared["raw"]["position"] % {"position": state.position})
        badges.append(("text-bg-secondary", position))
        forms.append(("rsvp_cancel", labels["leave"], "btn-outline-danger"))
    elif state.rsvp_required and not state.cancelled:
        if not state.invited:
            badges.append(("text-bg-secondary", labels["not_invited"]))
        elif state.closed:
            badges.append(("text-bg-secondary", labels["closed"]))
        elif state.seats_left:
            left = ngettext("%(count)d seat left", "%(count)d seats left", state.seats_left)
            badges.append(("text-bg-light border", escape(left % {"count": state.seats_left})))
            forms.append(("rsvp", labels["reserve"], "btn-primary"))
        else:
            full = escape(shared["raw"]["full"] % {"count": state.waiting})
            badges.append(("text-bg-warning", full))
            forms.append(("rsvp", labels["wait"], "btn-primary"))
    title = escape(state.title_zh_hans if shared["chinese"] else state.title_en) or escape(
        state.title_en or state.title_zh_hans
    )
    anchor = "" if shared["page"] else f"#session-{state.code}"
    next_value = escape(shared["here"] + anchor)
    size = "" if shared["page"] else " btn-sm py-0"
    html = "".join(
        f'<span class="badge {css} session-state">{text}</span> ' for css, text in badges
    )
    html = f'<p class="mb-1">{html}</p>' if html else ""
    buttons = "".join(
        f'<form method="post" action="{escape(shared["urls"][name].replace(CODE, state.code))}">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{shared["csrf"]}">'
        f'<input type="hidden" name="next" value="{next_value}">'
        f'<button type="submit" class="btn{size} {css}" data-action="{name}">{label}'
        f'<span class="visually-hidden">: {title}</span></button></form>'
        for name, label, css in forms
    )
    if buttons:
        html += f'<div class="d-flex flex-wrap gap-2">{buttons}</div>'
    if shared["page"] and state.rsvp_required and not state.cancelled and not state.closed:
        note = gettext(
            "Reservations close on %(date)s at %(time)s. When the session is full you join the "
            "waitlist."
        ) % {
            "date": formats.date_format(timezone.localtime(state.deadline), "DATE_FORMAT"),
            "time": formats.time_format(timezone.localtime(state.deadline), "H:i"),
        }
        html += f'<p class="small text-body-secondary mt-1">{escape(note)}</p>'
    return html
