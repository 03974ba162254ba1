"""The Content-Security-Policy header, written once a process rather than on every response.

django-csp builds the header from the settings on every response, twice (the policy and the
report-only one), each time through a dataclass's ``asdict``: ~0.1 ms CPU a request, a seventh
of the whole middleware stack of a page served from scratch. Here, a response that no view
decorated (``@csp_update`` and the like) and for which no nonce was asked gets the header built
once from the settings; any other response goes through django-csp's own code.
"""

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a view's decorators leave on a response (django-csp's decorators module).
_PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)

_headers: dict[bool, tuple[str, tuple[str, ...]]] = {}  # report only → (header, excluded prefixes)


def _header(report_only: bool) -> tuple[str, tuple[str, ...]]:
    """The settings' header (``""`` for none) and the paths it is not sent on."""
    try:
        return _headers[report_only]
    except KeyError:
        name = "CONTENT_SECURITY_POLICY" + ("_REPORT_ONLY" if report_only else "")
        prefixes = tuple((getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())
        found = _headers[report_only] = (build_policy(report_only=report_only), prefixes)
        return found


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _headers.clear()


class PolicyMiddleware(CSPMiddleware):
    """django-csp's ``CSPMiddleware`` with the settings' header kept (see the module)."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in _PER_RESPONSE
        ):
            return super().process_response(request, response)
        if response.status_code in (404, 500) and settings.DEBUG:
            return response  # as django-csp: Django's debug pages keep their inline styles
        for report_only, name in ((False, HEADER), (True, HEADER_REPORT_ONLY)):
            header, excluded = _header(report_only)
            if header and name not in response and not request.path_info.startswith(excluded):
                response[name] = header
        # As django-csp: a nonce asked for after the header was written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
