"""Test settings: the real settings, with fast hashing and in-memory mail by default."""

import os

# The settings default to DEBUG off; the suite runs as a developer does (tests that need
# production settings start a subprocess with their own environment).
os.environ.setdefault("DEBUG", "1")

from .settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks inline unless a test starts the real worker (tests/worker.py).
CELERY_TASK_ALWAYS_EAGER = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SECURE_SSL_REDIRECT = False
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
PRIVATE_MEDIA_ROOT = BASE_DIR / ".test-media-private"  # noqa: F405
# /media/ served as `make run` serves it: tests prove no private file is reachable there.
SERVE_MEDIA = True
AXES_FAILURE_LIMIT = 5
# Off by default: tests of pages count their queries; tests/test_page_cache.py turns it on.
PUBLIC_PAGE_CACHE = False
