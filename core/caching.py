"""A cache version every change bumps: cached renders keyed on it go stale at once, everywhere.

The version lives in the cache itself (Redis in production, shared by every process), so one
increment makes every older entry unreachable; entries expire on their own.
"""

from django.core.cache import cache
from django.db import transaction


class CacheVersion:
    """One named version in the shared cache, for keys like ``f"...:{version.current()}:..."``."""

    def __init__(self, key: str):
        self.key = key

    def current(self) -> int:
        return cache.get_or_set(self.key, 1, None)

    def _bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # no version yet: the next read starts one
            cache.set(self.key, 2, None)

    def bump(self, **_signal_kwargs) -> None:
        """Stale now, and again once the change is committed.

        The second bump drops any entry another request rendered from the old rows in between.
        Takes and ignores signal arguments, so it can be connected to model signals directly.
        """
        self._bump()
        transaction.on_commit(self._bump, robust=True)
