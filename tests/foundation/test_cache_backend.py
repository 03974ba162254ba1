"""core.cache_backends.RedisCache: Django's Redis cache with one client per connection pool, shared
by every call and every thread of a process (a real Redis)."""

import threading
from uuid import uuid4

from core.cache_backends import RedisCache
from tests.services import require_redis

THREADS, CALLS = 8, 100


def test_one_client_serves_every_call_and_thread():
    cache = RedisCache(require_redis(), {"KEY_PREFIX": f"test-{uuid4().hex}"})
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client  # one server: one pool, one client
    cache.set("count", 0)
    errors = []

    def work(n):
        try:
            for i in range(CALLS):
                cache.set(f"key-{n}-{i}", {"thread": n, "i": i})
                assert cache.get(f"key-{n}-{i}") == {"thread": n, "i": i}
                cache.incr("count")
        except Exception as exc:  # reported below: an assertion in a thread would be lost
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert cache.get("count") == THREADS * CALLS
        assert cache._cache.get_client() is client
        # the pool lends connections to the threads: at most one each, none made per call
        assert client.connection_pool._created_connections <= THREADS + 1
    finally:
        cache.delete_many(
            ["count", *(f"key-{n}-{i}" for n in range(THREADS) for i in range(CALLS))]
        )
