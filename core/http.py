"""Answers to user input that names where to go next."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def local_path(value: str, default: str) -> str:
    """``value`` when it is a path on this site (``/…``, not ``//…`` or ``/\\…``); else ``default``.

    Never hand the result to ``redirect()``: a string without ``/`` is a view name there.
    """
    if (
        not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or any(ord(c) < 32 or c == "\x7f" for c in value)
        or not url_has_allowed_host_and_scheme(value, allowed_hosts=None)
    ):
        return default
    return value


def redirect_back(request, default: str) -> HttpResponseRedirect:
    """A redirect to the POSTed ``next`` when it is one of our paths, else to ``default``."""
    return HttpResponseRedirect(local_path(request.POST.get("next", ""), default))
