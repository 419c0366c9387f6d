"""
The cache backend the shop uses for Redis: Django's own, except that a Redis
it cannot reach is a cache that holds nothing rather than a server error.

Everything the shop keeps in the cache can be done without: cached pages and
fragments are rendered again, sessions are read from the database
(``cached_db``), sign-in rate limits let requests through. So while Redis is
down the storefront, the API and Stripe's webhooks go on, slower, instead of
answering 500 (``bench/faults.py`` stops Redis under load to show it).
``/readyz`` still reports the outage: its write and read-back fail.

A catalog change made while Redis is unreachable cannot bump the catalog
version; if Redis comes back with its data, pages cached before the change
are served until their timeout (``CATALOG_CACHE_TIMEOUT``).
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# One warning per this many seconds and process, not one per request.
WARN_EVERY = 10.0


def _degrades_to(fallback):
    """Run the cache operation; if Redis is unreachable, log and answer ``fallback(...)``."""

    def decorate(method):
        @functools.wraps(method)
        def degraded(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._warn(method.__name__, error)
                return fallback(*args, **kwargs)

        return degraded

    return decorate


def _default(key, default=None, version=None):
    return default


class ClientPerPool(RedisCacheClient):
    """
    Django's client, keeping one ``redis.Redis`` per connection pool instead
    of making one for every command: making one copies redis-py's table of
    response callbacks (about 170 entries), which cost as much as the rest of
    serving a cached page's read (decision 0036). A ``redis.Redis`` takes a
    connection from its pool for each command, so one may serve every thread.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """
    ``django.core.cache.backends.redis.RedisCache`` that misses when Redis is
    unreachable, and keeps its clients (``ClientPerPool``).
    """

    _last_warning = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ClientPerPool

    def _warn(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning >= WARN_EVERY:
            ResilientRedisCache._last_warning = now
            logger.warning("Redis cache unreachable (%s: %s); serving without it", operation, error)

    get = _degrades_to(_default)(RedisCache.get)
    get_many = _degrades_to(lambda *args, **kwargs: {})(RedisCache.get_many)
    has_key = _degrades_to(lambda *args, **kwargs: False)(RedisCache.has_key)
    add = _degrades_to(lambda *args, **kwargs: False)(RedisCache.add)
    set = _degrades_to(lambda *args, **kwargs: None)(RedisCache.set)
    set_many = _degrades_to(lambda data, *args, **kwargs: list(data))(RedisCache.set_many)
    touch = _degrades_to(lambda *args, **kwargs: False)(RedisCache.touch)
    delete = _degrades_to(lambda *args, **kwargs: False)(RedisCache.delete)
    delete_many = _degrades_to(lambda *args, **kwargs: None)(RedisCache.delete_many)
    # A counter nobody can read: as if this were its first step (rate limits let it through).
    incr = _degrades_to(lambda key, delta=1, version=None: delta)(RedisCache.incr)
    clear = _degrades_to(lambda *args, **kwargs: False)(RedisCache.clear)
