"""The paths of routes that take no arguments (the frame's doors, login, legal pages): reversed
once a process for each language, URL configuration and script prefix. Every page's frame asks
for about ten of them; ``reverse`` costs ~10 µs each time."""

from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_paths: dict[tuple, str | None] = {}


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


def _forget(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _paths.clear()


setting_changed.connect(_forget)
