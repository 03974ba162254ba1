"""A whole page in the site's frame (``templates/base.html``), written without the template
engine, for the pages every visitor asks for and that are often rendered cold: the programme's
day, session and speaker pages.

Extending ``base.html`` cost those pages ~0.5 ms CPU a request in the engine's block and node
machinery (a fifth of a cold session page); the frame's parts were already Python
(``core.templatetags.frame``). ``page`` writes what ``base.html`` writes for the same blocks,
byte for byte (tests render both), with the same context processors' values.
"""

from functools import cache

from django.contrib.messages.context_processors import messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.context_processors import csrf
from django.templatetags.static import static as django_static
from django.utils.translation import get_language

from core.context_processors import site
from core.links import translated as _
from core.templatetags.frame import site_footer, site_messages, site_navbar

_STYLES = (
    "vendor/bootstrap/css/bootstrap.min.css",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "css/site.css",
)


@cache
def static(path: str) -> str:
    """The URL of the static file ``path`` (``{% static %}``), found once a process: the
    storage's manifest lookup and URL join cost ~15 µs each, for the frame's nine files."""
    return django_static(path)


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting in {"STATIC_URL", "STORAGES", "STATIC_ROOT", "DEBUG"}:
        static.cache_clear()


def page(request, *, title: str, content: str, head: str = "", scripts: str = "") -> HttpResponse:
    """The response of a page whose blocks are these (each already escaped HTML): ``title``,
    ``head`` (after the site's own links), ``content`` (in the main container) and
    ``scripts`` (after Bootstrap's)."""
    user = getattr(request, "user", None)
    context = {"request": request, "user": user, **csrf(request), **messages(request)}
    context |= site(request)
    styles = "".join(f'  <link rel="stylesheet" href="{static(path)}">\n' for path in _STYLES)
    html = (
        "<!doctype html>\n\n"
        f'<html lang="{get_language()}">\n'
        "<head>\n"
        '  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"  <title>{title} · {_('Zhongguancun Forum')}</title>\n"
        f"{styles}"
        f'  <link rel="icon" href="{static("img/favicon.ico")}" sizes="48x48">\n'
        f'  <link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">\n'
        f'  <link rel="apple-touch-icon" href="{static("img/apple-touch-icon.png")}">\n'
        f'  <link rel="manifest" href="{static("site.webmanifest")}">\n'
        f"  {head}\n"
        "</head>\n"
        '<body class="d-flex flex-column min-vh-100">\n'
        '  <a class="visually-hidden-focusable skip-link" href="#main">'
        f"{_('Skip to main content')}</a>\n"
        f"  {site_navbar(context)}\n"
        '  <main id="main" class="flex-grow-1" tabindex="-1">\n'
        '    <div class="container py-4">\n'
        f"      {site_messages(context)}\n"
        f"      {content}\n"
        "    </div>\n"
        "  </main>\n"
        f"  {site_footer(context)}\n"
        f'  <script src="{static("vendor/bootstrap/js/bootstrap.bundle.min.js")}" defer></script>\n'
        f"  {scripts}\n"
        "</body>\n"
        "</html>\n"
    )
    return HttpResponse(html)
