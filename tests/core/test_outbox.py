"""
Events go through the publishing app's outbox: delivered after commit, never
after a rollback, late (not lost) when the broker is down, and acted on once
however often they arrive.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

import pytest
from celery import current_app
from django.utils import timezone

from shop.cart.db import db as cart_db
from shop.cart.models import OutboxMessage as CartOutbox
from shop.core import eventcatalog
from shop.core.events import Event
from shop.core.messaging import publish, relay_pending
from shop.core.registry import shop_app_labels
from shop.core.tasks import relay_outbox
from shop.orders.models import InboxMessage as OrdersInbox
from shop.orders.models import OutboxMessage as OrdersOutbox
from tests.conftest import broker_is_real, wait_for

from .messaging import BROKEN, Line, Pinged, Ponged, answer_ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def ping(note: str) -> Pinged:
    return Pinged(note=note, amount=Decimal("12.30"), at=timezone.now(), lines=(Line("SKU-1", 2),))


def answers(note: str) -> int:
    return OrdersOutbox.objects.filter(event_name=Ponged.name, payload__note=note).count()


def publish_committed(note: str):
    with cart_db.atomic():
        return publish(ping(note))


def test_committed_event_reaches_its_consumer_only_after_commit():
    with cart_db.atomic():
        event_id = publish(ping("hello"))
        assert answers("hello") == 0

    assert wait_for(lambda: answers("hello") == 1)
    assert CartOutbox.objects.get(pk=event_id).sent_at is not None


def test_event_published_in_rolled_back_transaction_is_never_delivered():
    class CheckoutFailed(Exception):
        pass

    with pytest.raises(CheckoutFailed), cart_db.atomic():
        publish(ping("ghost"))
        raise CheckoutFailed

    assert not CartOutbox.objects.exists()
    assert relay_pending(older_than=0) == (0, 0)
    publish_committed("after the ghost")
    assert wait_for(lambda: answers("after the ghost") == 1)
    assert answers("ghost") == 0


def test_event_committed_while_broker_is_down_is_delivered_once_it_is_back(
    broker_unreachable, settings
):
    settings.OUTBOX_RESEND_AFTER = 0
    with broker_unreachable():
        event_id = publish_committed("patience")
        message = CartOutbox.objects.get(pk=event_id)
        assert message.sent_at is None
        assert "OperationalError" in message.last_error
        assert relay_outbox() == {"sent": 0, "failed": 1}

    assert answers("patience") == 0
    assert relay_outbox() == {"sent": 1, "failed": 0}
    assert wait_for(lambda: answers("patience") == 1)
    assert CartOutbox.objects.get(pk=event_id).attempts == 3


def test_a_relay_run_stops_at_the_first_event_the_broker_cannot_take(broker_unreachable, settings):
    """Otherwise a backlog of N events would hold the relay for N publish timeouts."""
    settings.OUTBOX_RESEND_AFTER = 0
    with broker_unreachable():
        ids = [publish_committed(f"backlog {number}") for number in range(3)]
        attempts = dict(CartOutbox.objects.filter(pk__in=ids).values_list("pk", "attempts"))

        assert relay_outbox() == {"sent": 0, "failed": 1}

        tried = dict(CartOutbox.objects.filter(pk__in=ids).values_list("pk", "attempts"))
        assert sum(tried[pk] - attempts[pk] for pk in ids) == 1

    assert relay_outbox() == {"sent": 3, "failed": 0}
    assert wait_for(lambda: all(answers(f"backlog {number}") == 1 for number in range(3)))


def test_same_event_delivered_twice_is_acted_on_once():
    event_id = publish_committed("twice")
    assert wait_for(lambda: answers("twice") == 1)

    # The relay died after sending but before recording it: the periodic
    # relay sends the event again, and a stray copy arrives as well.
    CartOutbox.objects.filter(pk=event_id).update(sent_at=None)
    assert relay_pending(older_than=0) == (1, 0)
    answer_ping.apply(args=(CartOutbox.objects.get(pk=event_id).envelope(),))

    publish_committed("barrier")
    assert wait_for(lambda: answers("barrier") == 1)
    assert not wait_for(lambda: answers("twice") > 1, timeout=1)
    assert OrdersInbox.objects.filter(event_id=event_id).count() == 1


def test_periodic_relay_leaves_just_committed_events_to_the_on_commit_relay(
    broker_unreachable, settings
):
    settings.OUTBOX_RESEND_AFTER = 60
    with broker_unreachable():
        publish_committed("fresh")

    assert relay_pending() == (0, 0)
    assert relay_pending(older_than=0) == (1, 0)
    assert wait_for(lambda: answers("fresh") == 1)


def test_publishing_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        publish(ping("loose"))
    assert not CartOutbox.objects.exists()


@pytest.fixture
def in_process_delivery():
    """Deliver in this process, as on a laptop without a broker."""
    app = current_app
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def test_event_whose_consumer_fails_in_process_is_kept_and_delivered_later(in_process_delivery):
    BROKEN["now"] = True
    try:
        event_id = publish_committed("broken once")
        row = CartOutbox.objects.get(pk=event_id)
        assert row.sent_at is None
        assert "ConsumerBroken" in row.last_error
        assert answers("broken once") == 0
    finally:
        BROKEN["now"] = False

    assert relay_pending(older_than=0) == (1, 0)
    assert answers("broken once") == 1


@dataclass(frozen=True)
class Foreign(Event):
    """Heard only by a service this process does not run."""

    name: ClassVar[str] = "cart.TestForeign"

    note: str


eventcatalog.declare(Foreign.name, consumers=["elsewhere.count_it"])


@pytest.mark.services
def test_an_event_reaches_the_queue_of_a_consumer_whose_code_is_not_here():
    """
    The relay sends by the catalog's task name to the consumer's queue: the
    service that will run ``elsewhere.count_it`` is not installed here, and
    nothing of its code is imported.
    """
    if not broker_is_real():
        pytest.fail("Needs a real broker: make services-test.")
    assert "elsewhere" not in shop_app_labels()
    with current_app.connection_for_write() as connection:
        redis = connection.default_channel.client
        redis.delete("elsewhere")
        try:
            with cart_db.atomic():
                event_id = publish(Foreign(note="over there"))

            assert wait_for(lambda: redis.llen("elsewhere") == 1)
            message = json.loads(redis.lindex("elsewhere", 0))
        finally:
            redis.delete("elsewhere")
            # Celery declared the queue to send to it; this process consumes no such queue.
            current_app.amqp.queues.pop("elsewhere", None)

    assert message["headers"]["task"] == "elsewhere.count_it"
    assert CartOutbox.objects.get(pk=event_id).sent_at is not None
