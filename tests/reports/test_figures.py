"""
The dashboard's figures for a known set of orders: per day in the shop's
time zone, by status, what sold by product and category, refunds, flagged
payments, low stock and parked events; and an empty period.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.catalog.reporting import PATH_SEPARATOR
from shop.orders.models import OutboxMessage as OrdersOutbox
from shop.reports.figures import NO_CATEGORY, NOT_IN_CATALOG, sales_report
from shop.reports.periods import Period

pytestmark = pytest.mark.django_db

D = Decimal
MARCH = Period(date(2026, 3, 1), date(2026, 3, 3))
TOPS, HATS = f"Clothing{PATH_SEPARATOR}Tops", f"Clothing{PATH_SEPARATOR}Hats"


def test_the_periods_orders_add_up_to_revenue_refunds_net_and_average(march):
    total = sales_report(MARCH, "EUR").total

    assert (total.orders, total.revenue, total.refunded) == (4, D("151.00"), D("59.00"))
    assert total.net == D("92.00")
    assert total.average_order_value == D("37.75")


def test_each_day_of_the_shop_has_its_orders_even_those_placed_before_midnight_in_utc(march):
    days = {
        day: (s.orders, s.revenue, s.refunded, s.net) for day, s in sales_report(MARCH, "EUR").days
    }

    assert days == {
        date(2026, 3, 1): (1, D("45.00"), D("0.00"), D("45.00")),
        date(2026, 3, 2): (2, D("66.00"), D("49.00"), D("17.00")),
        date(2026, 3, 3): (1, D("40.00"), D("10.00"), D("30.00")),
    }


def test_orders_by_status_count_the_cancelled_one_with_its_refund(march):
    statuses = {
        code: (s.orders, s.revenue, s.refunded) for code, s in sales_report(MARCH, "EUR").statuses
    }

    assert statuses == {
        "paid": (1, D("45.00"), D("0.00")),
        "shipped": (1, D("17.00"), D("0.00")),
        "delivered": (1, D("40.00"), D("10.00")),
        "cancelled": (1, D("49.00"), D("49.00")),
    }


def test_what_sold_leaves_the_cancelled_order_out_and_adds_up_by_product_and_category(march):
    report = sales_report(MARCH, "EUR")

    assert [(p.name, p.category, p.units, p.revenue) for p in report.products] == [
        ("Tee", TOPS, 2, D("40.00")),
        ("Cap", HATS, 1, D("30.00")),
        ("Mug", NO_CATEGORY, 1, D("12.00")),
        ("Product OLD-1", NOT_IN_CATALOG, 1, D("5.00")),
    ]
    assert [(c.name, c.products, c.units, c.revenue) for c in report.categories] == [
        (TOPS, 1, 2, D("40.00")),
        (HATS, 1, 1, D("30.00")),
        (NO_CATEGORY, 1, 1, D("12.00")),
        (NOT_IN_CATALOG, 1, 1, D("5.00")),
    ]


def test_refunds_asked_for_in_the_period_name_their_orders(march):
    report = sales_report(MARCH, "EUR")

    assert [(t.status, t.refunds, t.amount) for t in report.refund_totals] == [
        ("succeeded", 2, D("59.00"))
    ]
    assert [(r.order, r.entry.amount, r.entry.reason) for r in report.refunds] == [
        (march["D"].number, D("10.00"), "=1+1 scratched"),
        (march["C"].number, D("49.00"), "Order cancelled"),
    ]


def test_flagged_payments_low_stock_and_parked_events_are_todays_whatever_the_period(march):
    OrdersOutbox.objects.create(
        event_name="orders.OrderPlaced", payload={}, failures=10, parked_at=timezone.now()
    )

    report = sales_report(Period(date(2026, 1, 1), date(2026, 1, 1)), "EUR")

    assert report.flagged_count == 1
    assert [(f.order, f.entry.flag_reason) for f in report.flagged] == [
        (march["B"].number, "Paid in USD, not EUR.")
    ]
    assert report.low_stock.threshold == 5
    assert [
        (v.sku, v.available, v.stock_on_hand, v.reserved) for v in report.low_stock.variants
    ] == [
        ("MUG", 0, 0, 0),
        ("TEE-M", 3, 3, 0),
        ("BAG", 3, 10, 7),
    ]
    assert [(p.service, p.event_name, p.count) for p in report.parked] == [
        ("orders", "orders.OrderPlaced", 1)
    ]


def test_an_empty_period_has_every_day_at_zero_and_no_average(march):
    report = sales_report(Period(date(2026, 1, 1), date(2026, 1, 7)), "EUR")

    assert report.total.orders == 0 and report.total.revenue == 0
    assert report.total.average_order_value is None
    assert [day for day, _ in report.days] == [date(2026, 1, day) for day in range(1, 8)]
    assert all(sales.orders == 0 and sales.revenue == 0 for _, sales in report.days)
    assert report.statuses == report.products == report.categories == report.refunds == []
