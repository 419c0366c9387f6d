"""
The proof that a checkout becomes one order however many deliveries of its
payment race: threads with their own PostgreSQL connections place it at once.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from shop.orders.db import db as orders_db
from shop.orders.models import Order, OrderLine, OrderStatusChange, OutboxMessage
from shop.orders.services import placing

from .factories import make_checkout

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CALLERS = 12


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("The concurrency proof needs PostgreSQL: set DATABASE_URL.")


@pytest.fixture(autouse=True)
def _events_stay_in_the_outbox(monkeypatch):
    """Nothing here consumes them: keep them off the broker a worker may be reading."""
    monkeypatch.setattr("shop.core.messaging._relay_committed", lambda model, pk: None)


def test_racing_deliveries_of_one_payment_place_exactly_one_order(ada):
    checkout = make_checkout(user_id=ada.pk, lines=[("TEE-M", 2, "19.90"), ("MUG", 1, "8.50")])
    start = threading.Barrier(CALLERS)

    def place(_i):
        try:
            start.wait()
            with orders_db.atomic():
                return placing.place_order(checkout).number
        except Exception as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=CALLERS) as pool:
        results = list(pool.map(place, range(CALLERS)))

    assert [result for result in results if isinstance(result, Exception)] == []
    assert len(set(results)) == 1
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 2
    assert OrderStatusChange.objects.count() == 1
    assert OutboxMessage.objects.filter(event_name="orders.OrderPlaced").count() == 1
