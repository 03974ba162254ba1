"""Kept for migration 0002, which names ``delegates.countries.ForumCountries``; the list lives in
``core.countries``."""

from core.countries import ForumCountries, forum_countries  # noqa: F401
