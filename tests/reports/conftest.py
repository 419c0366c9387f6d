"""
A known week of sales for the dashboard's tests, in the shop's time zone
(Europe/Berlin, so a day is not UTC's): four orders placed from 1 to 3 March
2026, one of them cancelled and refunded, one partly refunded, one shipped
and flagged, and one order on each side of the period that must not count.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shop.catalog.public import reserve_stock
from tests.catalog.factories import make_category, make_product

from .factories import flag, order_on, refund

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def _days_of_berlin(shop_in_berlin):
    """Every test of the dashboard runs the shop in Berlin."""


@pytest.fixture
def catalog():
    """A tee and a cap under Clothing, a mug in no category, a bag with most of it held."""
    clothing = make_category("Clothing")
    tops = make_category("Tops", parent=clothing)
    hats = make_category("Hats", parent=clothing)
    make_product(
        "Tee", category=tops, variants=[{"sku": "TEE-M", "price": "20.00", "stock_on_hand": 3}]
    )
    make_product(
        "Cap", category=hats, variants=[{"sku": "CAP", "price": "30.00", "stock_on_hand": 50}]
    )
    make_product("Mug", variants=[{"sku": "MUG", "price": "12.00", "stock_on_hand": 0}])
    make_product("Bag", variants=[{"sku": "BAG", "price": "40.00", "stock_on_hand": 10}])
    make_product("Old", is_active=False, variants=[{"sku": "GONE", "stock_on_hand": 0}])
    reserve_stock("checkout-holding-bags", [("BAG", 7)], timezone.timedelta(minutes=15))


@pytest.fixture
def march(catalog):
    """
    The orders of 1 to 3 March (Berlin), and what became of them:

    | order | placed (Berlin) | lines | total | status | refunded |
    |---|---|---|---|---|---|
    | A | 1 March 10:00 | 2 tees at 20 | 45 | paid | 0 |
    | B | 2 March 00:30 (1 March in UTC) | a mug at 12 | 17 | shipped, flagged | 0 |
    | C | 2 March 12:00 | a tee, 2 mugs | 49 | cancelled | 49 |
    | D | 3 March 09:00 | a cap at 30, OLD-1 at 5 | 40 | delivered | 10 |

    and one order on 28 February 23:59 and one on 4 March 00:00, outside.
    """
    orders = {
        "A": order_on(berlin(1, 10), [("TEE-M", 2, "20.00")]),
        "B": order_on(berlin(2, 0, 30), [("MUG", 1, "12.00")], status="shipped"),
        "C": order_on(
            berlin(2, 12),
            [("TEE-M", 1, "20.00"), ("MUG", 2, "12.00")],
            status="cancelled",
            refunded="49.00",
        ),
        "D": order_on(
            berlin(3, 9),
            [("CAP", 1, "30.00"), ("OLD-1", 1, "5.00")],
            status="delivered",
            refunded="10.00",
        ),
        "before": order_on(berlin(28, 23, 59, month=2), [("CAP", 3, "30.00")]),
        "after": order_on(berlin(4, 0), [("CAP", 3, "30.00")]),
    }
    refund(orders["C"], "49.00", at=berlin(2, 13), reason="Order cancelled")
    refund(orders["D"], "10.00", at=berlin(3, 18), reason="=1+1 scratched")
    refund(orders["after"], "5.00", at=berlin(4, 10))
    flag(orders["B"], "Paid in USD, not EUR.")
    return orders
