"""
kombu's Redis transport, keeping one ``redis.Redis`` per connection pool.

kombu makes a new ``redis.Redis`` for every command it sends outside its
polling loop (``Channel.conn_or_acquire``): each publish, each
acknowledgement. Making one copies redis-py's table of response callbacks,
about 5 % of the Celery worker's CPU and a share of every web request that
publishes an event, for nothing: a ``redis.Redis`` takes a connection from
its pool for each command and gives it back, so one per pool serves every
caller, as ``shop.core.cache.ClientPerPool`` does for the cache (decision
0036). Settings use it for a ``redis://`` broker (``CELERY_BROKER_TRANSPORT``).
"""

from contextlib import contextmanager

from kombu.transport import redis


class Channel(redis.Channel):
    _shared_client = None
    _shared_pool = None

    @contextmanager
    def conn_or_acquire(self, client=None):
        if client:
            yield client
            return
        pool = self.pool
        if self._shared_pool is not pool:
            # A new pool (after a fork or a reconnection) gets a client of its own.
            self._shared_client, self._shared_pool = self._create_client(), pool
        yield self._shared_client


class Transport(redis.Transport):
    Channel = Channel
