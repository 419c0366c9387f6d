"""
The proof that a single-use code is held once under load: threads with their
own PostgreSQL connections reserve it at the same instant.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal as D

import pytest
from django.db import connection, connections

from shop.promotions import public as promotions
from shop.promotions.models import VoucherUse

from .factories import TTL, basket, voucher

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CALLERS = 50


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("The concurrency proof needs PostgreSQL: set DATABASE_URL.")


def race(work, count: int = CALLERS) -> list:
    start = threading.Barrier(count)

    def run(index):
        try:
            start.wait()
            return work(index)
        except Exception as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_fifty_buyers_reserving_one_single_use_code_at_once_hold_it_once():
    voucher(code="ONLYONE", max_uses=1)

    results = race(
        lambda i: promotions.reserve_voucher(f"checkout-{i}", "onlyone", f"user:{i}", basket(), TTL)
    )

    held = [r for r in results if isinstance(r, promotions.VoucherUseInfo)]
    refused = [r for r in results if isinstance(r, promotions.VoucherUsedUp)]
    assert len(held) == 1 and len(refused) == CALLERS - 1
    assert VoucherUse.objects.filter(status="held").count() == 1


def test_one_customer_racing_for_a_once_per_customer_code_holds_it_once():
    voucher(code="WELCOME", max_uses_per_customer=1)

    results = race(
        lambda i: promotions.reserve_voucher(f"tab-{i}", "WELCOME", "user:7", basket(), TTL),
        count=12,
    )

    assert sum(isinstance(r, promotions.VoucherUseInfo) for r in results) == 1
    assert all(
        isinstance(r, (promotions.VoucherUseInfo, promotions.VoucherAlreadyUsed)) for r in results
    )


def test_twenty_checkouts_spending_thirty_each_of_a_hundred_card_at_once_never_overdraw_it():
    """Three get 30, one gets the 10 left (it pays the rest by card), the others are refused."""
    from shop.promotions.giftcards import available
    from shop.promotions.models import GiftCard

    from .factories import gift_card

    card = gift_card("100.00")

    results = race(
        lambda i: promotions.reserve_gift_card(f"checkout:{i}", card.code, D("30.00"), TTL),
        count=20,
    )

    held = sorted(r.amount for r in results if isinstance(r, promotions.GiftCardUseInfo))
    assert held == [D("10.00"), D("30.00"), D("30.00"), D("30.00")]
    assert sum(isinstance(r, promotions.GiftCardEmpty) for r in results) == 16
    assert available(GiftCard.objects.get(pk=card.pk)) == D("0.00")
