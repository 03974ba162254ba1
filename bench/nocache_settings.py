"""Settings for measuring pages with ``{"cache": "off"}``: the project's own, every cache a no-op.

Every alias in ``CACHES`` (the default one and any a later issue adds) becomes ``DummyCache`` and the
whole-page cache is off, so a page renders in full on every request.
"""

from zgcforum.settings import *  # noqa: F403
from zgcforum.settings import CACHES

CACHES = {alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for alias in CACHES}

# Whole pages (core/page_cache.py) would be looked up in, and compressed for, a cache that
# keeps nothing on every request: work a real server does once per page and pages version.
PUBLIC_PAGE_CACHE = False
