"""Settings for measuring pages with ``{"cache": "off"}``: the project's own, every cache a no-op.

Every alias in ``CACHES`` (the default one and any a later issue adds) becomes ``DummyCache``, so a
page that caches through Django's cache framework renders in full on every request.
"""

from zgcforum.settings import *  # noqa: F403
from zgcforum.settings import CACHES

CACHES = {alias: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"} for alias in CACHES}
