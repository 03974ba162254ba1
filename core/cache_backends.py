"""Django's Redis cache with one ``redis.Redis`` client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call, and
redis-py's constructor fills a dictionary of ~170 response callbacks each time: ~0.17 ms of CPU,
more than half of what serving a stored page costs (``bench/README.md``). A client only holds its
pool and those callbacks, and redis-py's clients are safe to share between threads (each command
takes a connection from the pool), so one per pool is kept. The pool itself stays Django's: made
on first use, replaced after a fork by redis-py's own check.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class RedisCache(redis.RedisCache):
    """``CACHES[...]["BACKEND"] = "core.cache_backends.RedisCache"``: as Django's, one client per
    pool."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
