"""The frame of every page (``base.html``): the navbar, its language switcher and the footer.

Written here rather than as included templates: every page pays for its frame, and the
includes' loops, ``{% translate %}`` and ``{% url %}`` nodes cost ~0.3 ms CPU a request, a
tenth of a cold programme page. The markup and whitespace are those of the templates they
replaced (``bench/render_pages.py`` compares pages byte for byte). Values come from the
context processors (``core.context_processors.site``, ``auth``, ``csrf``) and are escaped
here; the catalogue's strings are written as the templates' ``{% translate %}`` wrote them.
"""

from django import template
from django.contrib.messages import get_messages
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info

from core.links import route
from core.links import translated as _
from core.personal import frame_mark
from core.registries import visible_doors

register = template.Library()


def _items(items) -> str:
    return "".join(
        f'\n            <li class="nav-item"><a class="nav-link" href="{escape(item["url"])}">'
        f"{escape(_(item['label']))}</a></li>\n          "
        for item in items
    )


def _account(context) -> str:
    """The right of the navbar before the language switcher: the organizers' door, the profile
    and the logout form for a logged-in user, else the signup and login links."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return (
            f'\n            <li class="nav-item"><a class="nav-link" href="'
            f'{escape(route("accounts:signup"))}">{_("Create an account")}</a></li>'
            f'\n            <li class="nav-item"><a class="nav-link" href="'
            f'{escape(route("accounts:login"))}">{_("Log in")}</a></li>\n          '
        )
    staff = (
        f'\n              <li class="nav-item"><a class="nav-link" href="'
        f'{escape(route("admin:index"))}">{_("Organizers")}</a></li>\n            '
        if user.is_staff
        else ""
    )
    token = context.get("csrf_token")
    csrf = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
        if token and token != "NOTPROVIDED"
        else ""
    )
    return (
        f"\n            {staff}\n"
        f'            <li class="nav-item"><a class="nav-link" href="'
        f'{escape(route("accounts:profile"))}"><i class="bi bi-person-circle" '
        f'aria-hidden="true"></i> {escape(user.name)}</a></li>\n'
        '            <li class="nav-item">\n'
        f'              <form method="post" action="{escape(route("accounts:logout"))}">'
        f"{csrf}\n"
        '                <button type="submit" class="btn btn-link nav-link">'
        f"{_('Log out')}</button>\n"
        "              </form>\n"
        "            </li>\n          "
    )


def _language_switcher(context) -> str:
    current = get_language()
    links = []
    for code, url in context.get("language_links", []):
        if code == current:
            links.append("\n    \n  ")
            continue
        name = get_language_info(code)["name_local"]
        links.append(
            "\n    \n      \n"
            f'      <a class="nav-link" href="{escape(url)}" lang="{escape(code)}" '
            f'hreflang="{escape(code)}">\n'
            f'        <i class="bi bi-translate" aria-hidden="true"></i> {escape(name)}\n'
            "      </a>\n    \n  "
        )
    return f'\n\n<li class="nav-item">\n  {"".join(links)}\n</li>\n'


def _mine(context, personal_items) -> str:
    """The right of the navbar that is the user's own: their doors, then ``_account``."""
    return f"{_items(personal_items)}\n          {_account(context)}"


def _shell(context) -> bool:
    """Whether the page is rendered once for every logged-in viewer (``core.page_cache``): the
    viewer's own parts are then marked, filled per request by ``personal_parts``."""
    return getattr(context.get("request"), "personal_shell", False)


def personal_parts(request) -> dict[str, str]:
    """The frame's parts of a shell for the request's viewer: the doors they see, their own
    doors and account links, their messages (as ``site_navbar`` and ``site_messages`` write
    them outside a shell)."""
    user = request.user
    context = {"user": user, "csrf_token": get_token(request)}
    return {
        "doors": _items(visible_doors(user, personal=False)),
        "account": _mine(context, visible_doors(user, personal=True)),
        "messages": _messages(get_messages(request)),
    }


def _messages(messages) -> str:
    """``includes/_messages.html`` of ``messages``; without any, the line it writes then."""
    if not messages:
        return "\n"
    return render_to_string("includes/_messages.html", {"messages": messages})


@register.simple_tag(takes_context=True)
def site_messages(context) -> str:
    """The page's messages (``includes/_messages.html``); in a shell, their place."""
    if _shell(context):
        return mark_safe(frame_mark("messages"))
    return _messages(context.get("messages"))


@register.simple_tag(takes_context=True)
def site_navbar(context) -> str:
    """The navbar: the brand, the doors the apps registered, the account links, the
    language switcher. In a shell the viewer's doors and account are marked places."""
    if _shell(context):
        doors, account = frame_mark("doors"), frame_mark("account")
    else:
        doors = _items(context.get("nav_items", []))
        account = _mine(context, context.get("personal_nav_items", []))
    return mark_safe(
        "\n<header>\n"
        '  <nav class="navbar navbar-expand-lg navbar-dark bg-forum" '
        f'aria-label="{_("Main")}">\n'
        '    <div class="container">\n'
        f'      <a class="navbar-brand fw-semibold" href="{escape(route("home"))}">\n'
        f'        <i class="bi bi-stars" aria-hidden="true"></i> {_("ZGC Forum")}\n'
        "      </a>\n"
        '      <button class="navbar-toggler" type="button" data-bs-toggle="collapse" '
        'data-bs-target="#nav-main"\n'
        '              aria-controls="nav-main" aria-expanded="false" '
        f'aria-label="{_("Toggle navigation")}">\n'
        '        <span class="navbar-toggler-icon"></span>\n'
        "      </button>\n"
        '      <div class="collapse navbar-collapse" id="nav-main">\n'
        '        <ul class="navbar-nav me-auto">\n'
        f"          {doors}\n"
        "        </ul>\n"
        '        <ul class="navbar-nav">\n'
        f"          {account}\n"
        f"          {_language_switcher(context)}\n"
        "        </ul>\n"
        "      </div>\n"
        "    </div>\n"
        "  </nav>\n"
        "</header>\n"
    )


def _url(name: str) -> str:
    return route(name) or ""  # not routed: no link


@register.simple_tag(takes_context=True)
def site_footer(context) -> str:
    """The footer: the forum's line, the legal pages when routed, the filing numbers when set."""
    privacy, terms = _url("privacy"), _url("terms")
    filings = context.get("filings") or {}
    icp, public_security = filings.get("icp"), filings.get("public_security")
    links = (
        "    "
        + (
            f'<a class="link-body-emphasis" href="{escape(privacy)}">{_("Privacy notice")}</a>'
            if privacy
            else ""
        )
        + "\n    "
        + (
            f'<a class="link-body-emphasis" href="{escape(terms)}">'
            f"{_('Terms of participation')}</a>"
            if terms
            else ""
        )
        + "\n    "
        + (
            '<a class="link-body-emphasis" href="https://beian.miit.gov.cn/" rel="noopener">'
            f"{escape(icp)}</a>"
            if icp
            else ""
        )
        + "\n    "
        + (f"<span>{escape(public_security)}</span>" if public_security else "")
        + "\n"
    )
    return mark_safe(
        '\n<footer class="bg-body-tertiary border-top py-4 mt-4">\n'
        '  <div class="container small text-body-secondary d-flex flex-wrap '
        'justify-content-between gap-2">\n'
        f'    <p class="mb-0">{_("Zhongguancun Forum · Innovation and Development")}</p>\n'
        f'    <p class="mb-0">{_("Haidian District, Beijing · Asia/Shanghai time")}</p>\n'
        "  </div>\n"
        '  <div class="container small d-flex flex-wrap gap-3 mt-2">\n'
        "    \n"
        f"{links}"
        "  </div>\n"
        "</footer>\n"
    )
