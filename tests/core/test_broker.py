"""
The broker's transport (shop.core.broker): kombu's Redis transport that
keeps one client per connection pool, and still delivers every message.
Skipped without a Redis broker (make services-test has one).
"""

import uuid

import pytest
from django.conf import settings
from kombu import Connection

from config.celery import app
from shop.core.broker import Transport


@pytest.fixture
def broker():
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs a Redis broker (make services-test)")
    with Connection(settings.CELERY_BROKER_URL, transport=Transport) as connection:
        yield connection


def test_the_shop_publishes_with_its_own_redis_transport():
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs a Redis broker (make services-test)")
    with app.connection_for_write() as connection:
        assert connection.transport_cls is Transport or isinstance(connection.transport, Transport)


def test_messages_published_back_to_back_all_arrive_through_one_client(broker):
    queue_name = f"test-broker-{uuid.uuid4().hex[:8]}"
    queue = broker.SimpleQueue(queue_name)
    channel = queue.channel
    try:
        with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
            assert first is second
        for number in range(5):
            queue.put({"n": number})
        received = []
        for _ in range(5):
            message = queue.get(timeout=5)
            received.append(message.payload["n"])
            message.ack()
        assert received == [0, 1, 2, 3, 4]
    finally:
        queue.queue.delete()
        queue.close()


def test_a_new_pool_after_a_reconnection_gets_a_client_of_its_own(broker):
    channel = broker.default_channel
    with channel.conn_or_acquire() as before:
        pass
    channel._disconnect_pools()
    with channel.conn_or_acquire() as after:
        assert after.ping()

    assert after is not before
    assert after.connection_pool is channel.pool
