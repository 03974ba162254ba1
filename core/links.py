"""The paths of routes that take no arguments (the frame's doors, login, legal pages): reversed
once a process for each language, URL configuration and script prefix. Every page's frame asks
for about ten of them; ``reverse`` costs ~10 µs each time.

And the catalogue's strings the frame and the programme pages write (``translated``): looked up
once a process for each language; a cold session page asked ``gettext`` ~50 times, ~5 µs each.
"""

from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext

_paths: dict[tuple, str | None] = {}
_strings: dict[tuple, str] = {}


def route(name: str) -> str | None:
    """``reverse(name)`` in the active language; None when the route does not exist here (an
    app that is not routed)."""
    key = (name, get_language(), get_urlconf(), get_script_prefix())
    try:
        return _paths[key]
    except KeyError:
        pass
    try:
        path = reverse(name)
    except NoReverseMatch:
        path = None
    _paths[key] = path
    return path


def translated(message) -> str:
    """``gettext(message)`` in the active language, looked up once a process; ``message`` may
    also be a lazy translation (``gettext_lazy``: registered labels), kept by its function's
    proxy class and arguments."""
    if isinstance(message, str):
        key = (get_language(), message)
    elif isinstance(getattr(message, "_args", None), tuple) and not message._kw:
        key = (get_language(), type(message), message._args)
    else:
        return str(message)
    try:
        return _strings[key]
    except KeyError:
        _strings[key] = text = gettext(message) if isinstance(message, str) else str(message)
        return text


def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _paths.clear()
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _strings.clear()


setting_changed.connect(_forget)
