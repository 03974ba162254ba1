"""Helpers for tests that need a real service: PostgreSQL, Redis, chromium, msgfmt."""

import os
import shutil
import socket

import pytest
from django.conf import settings
from django.db import connection

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0")


def missing(reason: str):
    """Skip for a missing service, or fail when CI says every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}")
    pytest.skip(reason)


def require_postgres():
    if connection.vendor != "postgresql":
        missing("needs PostgreSQL (set DATABASE_URL)")


def require_redis() -> str:
    url = settings.REDIS_URL or os.environ.get("REDIS_URL", "")
    if not url:
        missing("needs Redis (set REDIS_URL)")
    return url


def require_binary(name: str) -> str:
    path = shutil.which(name)
    if not path:
        missing(f"needs the {name} program (scripts/system-deps.sh installs it)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
