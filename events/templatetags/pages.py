"""The session and speaker pages' content, written here rather than by template nodes: they are
the pages asked for most, and the session page's ~90 nodes cost a third of a cold request (~1 ms
CPU). The markup and whitespace are those of the templates they replaced (kept in the tests as
the oracles: ``tests/events/page_oracle/``, compared byte for byte on every demo session and
speaker in both languages). Every value is escaped here (``escape``); the catalogue's strings
too, as ``{% translate %}`` escapes them."""

import html

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from core.links import translated as _
from core.templatetags.forum_text import long_day

from ..models import language_prefix
from .events import session_card, session_page_actions

register = template.Library()


def escape(value) -> str:
    """Django's ``escape`` (``html.escape`` of the value as text) without its check for lazy
    strings on each of the page's ~40 values."""
    return html.escape(str(value))


def _people(heading: str, people, prefix: str) -> str:
    if not people:
        return ""
    # The URL of Speaker.urls.public.
    items = "".join(
        f'<li><a href="{prefix}/speakers/{escape(p.slug)}/">{escape(p.local_name)}</a>'
        + (f" · {escape(p.affiliation)}" if p.affiliation else "")
        + "</li>"
        for p in people
    )
    return f'\n<h2 class="h5">{escape(heading)}</h2>\n<ul>{items}</ul>\n'


def _where(room) -> str:
    where = escape(room.place)
    if room.floor:
        where += " · " + _("floor %(floor)s") % {"floor": escape(room.floor)}
    if room.accessibility:
        where += f'<br><span class="small text-body-secondary">{escape(room.accessibility)}</span>'
    return where


def _zone(name: str) -> str:
    """The forum's time zone as its readers say it: Beijing's by name (“（北京时间）”), any other by
    its IANA name."""
    zone = _("(Beijing time)") if name == "Asia/Shanghai" else f"({escape(name)})"
    return zone if zone.startswith("（") else f" {zone}"  # a full-width bracket brings its space


def _facts(session) -> str:
    """The rows after the event's: type, language, seats, livestream (when there are any)."""
    language = escape(session.get_language_display())
    if session.interpretation:
        language += f" · {escape(_('simultaneous interpretation'))}"
    rows = (
        f'  <dt class="col-sm-3">{escape(_("Type"))}</dt>'
        f'<dd class="col-sm-9">{escape(session.get_type_display())}</dd>\n'
        f'  <dt class="col-sm-3">{escape(_("Language"))}</dt>\n'
        f'  <dd class="col-sm-9">{language}</dd>\n'
    )
    rows += "  "
    if session.capacity:
        rsvp = f" · {escape(_('RSVP required'))}" if session.rsvp_required else ""
        rows += (
            f'<dt class="col-sm-3">{escape(_("Seats"))}</dt>'
            f'<dd class="col-sm-9">{escape(session.capacity)}{rsvp}</dd>'
        )
    rows += "\n  "
    if session.livestream_url:
        rows += (
            f'<dt class="col-sm-3">{escape(_("Livestream"))}</dt><dd class="col-sm-9">'
            f'<a href="{escape(session.livestream_url)}" rel="noopener">'
            f"{escape(_('Watch online'))}</a></dd>"
        )
    return rows + "\n"


@register.simple_tag(takes_context=True)
def session_page(context, forum, session, speakers, moderators) -> str:
    """The session page's content (in the frame by ``events.views.session_response``)."""
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    day = starts.strftime("%Y-%m-%d")
    # URLs as the models' ``urls`` build them (Forum, Event, Section, Session), the language's
    # prefix read once.
    prefix = language_prefix()
    schedule = f"{prefix}/schedule/"
    event, title = session.event, escape(session.title)
    event_url, event_title = f"{prefix}/events/{escape(event.slug)}/", escape(event.title)
    themes = "".join(
        f'<a href="{schedule}?day={day}&amp;theme={escape(theme.slug)}" '
        f'class="badge text-bg-light border text-decoration-none">{escape(theme.name)}</a> '
        for theme in session.themes.all()
    )
    cancelled = (
        f'<p class="alert alert-danger">{escape(_("This session has been cancelled."))}</p>'
        if session.is_cancelled
        else ""
    )
    description = f"<p>{linebreaksbr(session.description)}</p>" if session.description else ""
    return mark_safe(
        f'\n<nav aria-label="{escape(_("Breadcrumb"))}"><ol class="breadcrumb small">\n'
        f'  <li class="breadcrumb-item"><a href="{schedule}?day={day}">'
        f"{escape(_('Schedule'))}</a></li>\n"
        f'  <li class="breadcrumb-item"><a href="{event_url}">{event_title}</a></li>\n'
        f'  <li class="breadcrumb-item active" aria-current="page">{title}</li>\n'
        "</ol></nav>\n"
        f'<h1 class="h2">{title}</h1>\n'
        f"{cancelled}\n"
        '<dl class="row">\n'
        f'  <dt class="col-sm-3">{escape(_("When"))}</dt>\n'
        f'  <dd class="col-sm-9">{escape(long_day(starts))} '
        f'<time datetime="{starts.isoformat()}">{starts:%H:%M}</time>–'
        f'<time datetime="{ends.isoformat()}">{ends:%H:%M}</time>{_zone(forum.timezone)}</dd>\n'
        f'  <dt class="col-sm-3">{escape(_("Where"))}</dt>\n'
        f'  <dd class="col-sm-9">{_where(session.room)}</dd>\n'
        f'  <dt class="col-sm-3">{escape(_("Event"))}</dt>\n'
        f'  <dd class="col-sm-9"><a href="{event_url}">{event_title}</a> · '
        f'<a href="{prefix}/sections/{escape(event.section.slug)}/">'
        f"{escape(event.section.name)}</a></dd>\n"
        f"{_facts(session)}"
        f'  <dt class="col-sm-3">{escape(_("Themes"))}</dt>\n'
        f'  <dd class="col-sm-9">{themes or "—"}</dd>\n'
        "</dl>\n"
        f"{description}\n"
        "\n"
        f"{_people(_('Speakers'), speakers, prefix)}\n"
        f"{_people(_('Moderators'), moderators, prefix)}\n"
        "\n"
        f"{session_page_actions(context, session)}\n"
        f'<p><a class="btn btn-primary" href="{prefix}/sessions/{escape(session.code)}/session.ics"'
        " download>"
        '<i class="bi bi-calendar-plus" aria-hidden="true"></i> '
        f"{escape(_('Add to calendar (.ics)'))}</a></p>\n"
    )


NO_SESSIONS = '\n  <p class="text-body-secondary">—</p>\n'


@register.simple_tag(takes_context=True)
def speaker_page(context, forum, speaker, sessions) -> str:
    """The speaker page's content (``events.views.speaker_response``): the speaker, then their cards
    under each day's heading."""
    cards = [(card["day"], None, session_card(context, card)) for card in sessions]
    return speaker_content(speaker_head(speaker), cards)


def speaker_head(speaker) -> str:
    """The speaker page's own part, before the cards: the speaker's name, affiliation, country,
    photo and bio (prepared at the release as the speaker fragment's ``page``)."""
    name = escape(speaker.local_name)
    other = (
        f' <span lang="{escape(speaker.other_name_lang)}">{escape(speaker.other_name)}</span>'
        if speaker.other_name
        else ""
    )
    country = f" · {escape(speaker.country.name)}" if speaker.country else ""
    photo = (
        f'<img src="{escape(speaker.photo.url)}" alt="{name}" '
        'class="img-thumbnail mb-3 speaker-photo">'
        if speaker.photo
        else ""
    )
    bio = f"<p>{linebreaksbr(speaker.bio)}</p>" if speaker.bio else ""
    return (
        f'\n<nav aria-label="{escape(_("Breadcrumb"))}"><ol class="breadcrumb small">\n'
        f'  <li class="breadcrumb-item"><a href="{language_prefix()}/speakers/">'
        f"{escape(_('Speakers'))}</a></li>\n"
        f'  <li class="breadcrumb-item active" aria-current="page">{name}</li>\n'
        "</ol></nav>\n"
        f'<h1 class="h2">{name}{other}</h1>\n'
        f'<p class="text-body-secondary">{escape(speaker.affiliation)}{country}</p>\n'
        f"{photo}\n"
        f"{bio}\n"
        f'<h2 class="h4">{escape(pgettext("programme", "Sessions"))}</h2>\n'
        "\n"
    )


def speaker_content(head: str, cards) -> str:
    """The speaker page's content: its head (``speaker_head``), then its cards, each ``(day, its
    long day or None, HTML)`` in order, under their days' headings; rendered (``speaker_page``)
    or as prepared at the release (``ExportFragment.page``, ``card``, ``card_day``)."""
    days: dict = {}
    labels: dict = {}
    for day, label, card in cards:  # as {% regroup %}: consecutive cards of one day
        days.setdefault(day, []).append(card)
        labels.setdefault(day, label)
    listed = "".join(
        '\n  <h3 class="h6 border-bottom pb-1 mt-3">'
        f'<time datetime="{day:%Y-%m-%d}">{labels[day] or escape(long_day(day))}</time></h3>\n'
        '  <ul class="list-unstyled">'
        + "".join(f"<li>{card}</li>" for card in day_cards)
        + "</ul>\n"
        for day, day_cards in days.items()
    )
    return mark_safe(f"{head}{listed or NO_SESSIONS}\n")
