"""
The proof that the catalog never oversells: many threads, each with its own
PostgreSQL connection, race for the last units at the same instant.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections

from shop.catalog.models import ReservationLine, Variant
from shop.catalog.public import OutOfStock, commit_reservation, get_variants, reserve_stock

from .factories import make_product

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CALLERS = 20
TTL = timedelta(minutes=15)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("The concurrency proof needs PostgreSQL: set DATABASE_URL.")


def race(attempt, callers: int = CALLERS) -> list:
    """Run ``attempt(i)`` in ``callers`` threads released together; each result or error."""
    start = threading.Barrier(callers)

    def run(i):
        try:
            start.wait()
            return attempt(i)
        except Exception as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=callers) as pool:
        return list(pool.map(run, range(callers)))


def outcome(results) -> tuple[int, list]:
    """How many attempts succeeded, and every error that is not a clean OutOfStock."""
    failures = [result for result in results if isinstance(result, Exception)]
    unexpected = [error for error in failures if not isinstance(error, OutOfStock)]
    return len(results) - len(failures), unexpected


def test_racing_for_the_last_units_reserves_exactly_the_stock_and_refuses_the_rest():
    last_units = 7
    sku = make_product(stock=last_units).variants.get().sku

    results = race(lambda i: reserve_stock(f"checkout-{i}", [(sku, 1)], TTL))

    succeeded, unexpected = outcome(results)
    assert unexpected == []
    assert succeeded == last_units
    assert get_variants([sku])[sku].available == 0
    assert sum(ReservationLine.objects.values_list("quantity", flat=True)) == last_units


def test_callers_locking_two_skus_in_opposite_orders_neither_deadlock_nor_oversell():
    last_units = 6
    make_product(stock=last_units, variants=[{"sku": "PAIR-A"}, {"sku": "PAIR-B"}])

    def reserve_pair(i):
        lines = [("PAIR-A", 1), ("PAIR-B", 1)]
        return reserve_stock(f"checkout-{i}", lines if i % 2 else lines[::-1], TTL)

    results = race(reserve_pair)

    succeeded, unexpected = outcome(results)
    assert unexpected == []  # a deadlock would surface here as an OperationalError
    assert succeeded == last_units
    available = get_variants(["PAIR-A", "PAIR-B"])
    assert (available["PAIR-A"].available, available["PAIR-B"].available) == (0, 0)


def test_committing_racing_reservations_never_drives_stock_negative():
    last_units = 5
    sku = make_product(stock=last_units).variants.get().sku

    def reserve_and_sell(i):
        reserve_stock(f"checkout-{i}", [(sku, 1)], TTL)
        return commit_reservation(f"checkout-{i}")

    results = race(reserve_and_sell)

    succeeded, unexpected = outcome(results)
    assert unexpected == []
    assert succeeded == last_units
    assert Variant.objects.get(sku=sku).stock_on_hand == 0


def test_the_same_checkout_retried_concurrently_holds_its_stock_once():
    sku = make_product(stock=10).variants.get().sku

    results = race(lambda i: reserve_stock("checkout-retried", [(sku, 3)], TTL), callers=10)

    succeeded, unexpected = outcome(results)
    assert unexpected == []
    assert succeeded == 10
    assert get_variants([sku])[sku].available == 7
