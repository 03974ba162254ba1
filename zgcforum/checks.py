"""System checks of the deployment settings: refuse to start where a default would mislead."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def site_url_check(app_configs=None, **kwargs) -> list[Error]:
    """SITE_URL is an absolute http(s) URL, and set when DEBUG is off (no 127.0.0.1 default)."""
    site_url = getattr(settings, "SITE_URL", "")
    if not site_url:
        if settings.DEBUG:
            return []
        return [
            Error(
                "SITE_URL is not set while DEBUG is off.",
                hint="Set SITE_URL to the public address, e.g. https://forum.example.org: "
                "links in mail and calendar feeds and the mail's Message-IDs are built from it.",
                id="zgcforum.E001",
            )
        ]
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [
            Error(
                f"SITE_URL {site_url!r} is not an absolute http(s) address.",
                hint="e.g. https://forum.example.org (no path needed).",
                id="zgcforum.E002",
            )
        ]
    return []
