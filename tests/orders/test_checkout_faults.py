"""
The purchase saga under faults: the customer has paid, and something breaks
before the order exists. Whatever breaks, the payment becomes exactly one
order once the fault is gone.

- The consumer that places the order fails half-way: its transaction (inbox
  mark included) rolls back and a later delivery places the order (Celery's
  retry with a worker; the periodic outbox relay in-process, where a failed
  delivery leaves the event unsent).
- The worker process is killed while placing the order (PostgreSQL and a
  real worker): the unacknowledged message goes back to the queue and the
  next worker places the order once.
- The broker is down when the customer pays: the payment is stored with its
  event in the outbox, and the relay delivers it when the broker is back.
"""

import os
import signal

import psycopg
import pytest
from celery import current_app
from django.conf import settings
from django.db import OperationalError, connection

from shop.core.messaging import outbox_models, relay_pending
from shop.orders.db import db as orders_db
from shop.orders.models import Checkout, InboxMessage, Order
from shop.orders.services import placing
from tests.conftest import broker_is_real, wait_for

from .test_checkout import ada, api, available, fill_cart, pay, start, status_of, tee  # noqa: F401

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _completed(api, checkout_id):  # noqa: F811
    return wait_for(lambda: (s := status_of(api, checkout_id))["status"] == "completed" and s)


def _orders_placed_for(checkout_id) -> int:
    return Order.objects.filter(checkout_id=checkout_id).count()


def test_a_failure_half_way_through_placing_the_order_is_retried_into_one_order(
    api,  # noqa: F811
    tee,  # noqa: F811
    monkeypatch,
):
    if broker_is_real():
        pytest.skip("Patches the consumer in this process; the killed-worker test covers a worker.")
    fill_cart(api, tee, 2)
    checkout = start(api).json()
    real_place_order = placing.place_order
    attempts = []

    def place_order_then_lose_the_database(checkout, **options):
        attempts.append(checkout.pk)
        order = real_place_order(checkout, **options)
        if len(attempts) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return order

    monkeypatch.setattr(placing, "place_order", place_order_then_lose_the_database)

    pay(api, checkout)
    assert status_of(api, checkout["id"])["status"] == "awaiting_payment"
    assert not Order.objects.exists()

    relay_pending(older_than=0)  # the beat's core.relay_outbox

    done = _completed(api, checkout["id"])
    assert len(attempts) == 2
    assert _orders_placed_for(checkout["id"]) == 1
    assert Order.objects.get().number == done["order_number"]
    assert available(tee) == 3


@pytest.mark.services
def test_a_worker_killed_while_placing_the_order_is_redelivered_and_makes_one_order(
    api,  # noqa: F811
    tee,  # noqa: F811
):
    if connection.vendor != "postgresql" or not broker_is_real():
        pytest.fail("Killing a worker needs PostgreSQL and a real broker: make services-test.")
    fill_cart(api, tee, 2)
    checkout = start(api).json()
    database = settings.DATABASES[orders_db.alias]

    # Another session holds the checkout row, so the worker's place_order
    # blocks right after it has taken the message: that is where it dies.
    with psycopg.connect(
        host=database["HOST"], port=database["PORT"], user=database["USER"], dbname=database["NAME"]
    ) as holder:
        holder.execute(
            f"SELECT 1 FROM {Checkout._meta.db_table} WHERE id = %s FOR UPDATE",
            [checkout["id"]],
        )
        pay(api, checkout)
        placing = wait_for(lambda: _running("orders.complete_checkout"), timeout=30)
        assert placing, "the worker never started placing the order"
        os.kill(placing["worker_pid"], signal.SIGKILL)
        holder.rollback()

    done = wait_for(
        lambda: (s := status_of(api, checkout["id"]))["status"] == "completed" and s, 60
    )
    assert done, "the order never appeared after the worker was killed"
    assert _orders_placed_for(checkout["id"]) == 1
    assert InboxMessage.objects.filter(consumer="orders.complete_checkout").count() == 1
    assert available(tee) == 3


def _running(task_name: str) -> dict | None:
    active = current_app.control.inspect(timeout=1).active() or {}
    return next(
        (task for tasks in active.values() for task in tasks if task["name"] == task_name), None
    )


def test_a_payment_made_while_the_broker_is_down_becomes_an_order_when_it_is_back(
    api,  # noqa: F811
    tee,  # noqa: F811
    broker_unreachable,
):
    fill_cart(api, tee, 2)
    checkout = start(api).json()

    with broker_unreachable():
        pay(api, checkout)
        # The beat's relay, while the broker is still away.
        assert relay_pending(older_than=0) == (0, 1)

    assert status_of(api, checkout["id"])["status"] == "awaiting_payment"
    assert _unsent_events() == 1  # the payment, kept in payments' outbox
    assert not Order.objects.exists()

    sent, failed = relay_pending(older_than=0)  # the beat's relay, once the broker answers

    assert (sent, failed) == (1, 0)
    done = _completed(api, checkout["id"])
    assert done["order_number"]
    assert _orders_placed_for(checkout["id"]) == 1
    assert wait_for(lambda: _unsent_events() == 0)


def _unsent_events() -> int:
    return sum(model.objects.filter(sent_at__isnull=True).count() for model in outbox_models())
