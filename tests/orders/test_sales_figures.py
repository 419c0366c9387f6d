"""
What orders tells the sales dashboard: the orders placed in a period, per
day of the shop's time zone and status, and what sold per SKU, in two
queries whatever the period; a period that is no period is refused.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shop.core.errors import InvalidPeriod
from shop.orders import public
from shop.orders.models import Order, OrderLine

from .factories import make_order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop_in_berlin")]

BERLIN = ZoneInfo("Europe/Berlin")


def placed(at: datetime, lines=(("TEE-M", 1, "20.00"),), **fields) -> Order:
    order = make_order(user_id=1, lines=lines, shipping_cost="5.00", placed_at=at)
    Order.objects.filter(pk=order.pk).update(**fields)
    return order


def test_days_are_the_shops_even_across_the_change_to_summer_time(django_assert_num_queries):
    # Clocks went forward at 02:00 on 29 March 2026 in Berlin: that day had 23 hours.
    placed(datetime(2026, 3, 28, 22, 59, tzinfo=ZoneInfo("UTC")))  # 23:59 on the 28th
    placed(datetime(2026, 3, 28, 23, 0, tzinfo=ZoneInfo("UTC")))  # 00:00 on the 29th
    placed(datetime(2026, 3, 29, 21, 59, tzinfo=ZoneInfo("UTC")))  # 23:59 on the 29th
    placed(datetime(2026, 3, 29, 22, 0, tzinfo=ZoneInfo("UTC")))  # 00:00 on the 30th

    with django_assert_num_queries(2):
        figures = public.sales_figures(date(2026, 3, 29), date(2026, 3, 29))

    assert [(t.day, t.orders, t.revenue) for t in figures.totals] == [
        (date(2026, 3, 29), 2, Decimal("50.00"))
    ]
    assert (figures.first_day, figures.last_day, figures.currency) == (
        date(2026, 3, 29),
        date(2026, 3, 29),
        "EUR",
    )


def test_totals_are_per_day_and_status_with_what_went_back(django_assert_num_queries):
    day = datetime(2026, 5, 4, 12, tzinfo=BERLIN)
    placed(day)
    placed(day, status="cancelled", refunded_amount=Decimal("25.00"))
    placed(day, status="cancelled", refunded_amount=Decimal("25.00"))

    figures = public.sales_figures(date(2026, 5, 4), date(2026, 5, 4))

    assert [(t.status, t.orders, t.revenue, t.refunded) for t in figures.totals] == [
        ("cancelled", 2, Decimal("50.00"), Decimal("50.00")),
        ("paid", 1, Decimal("25.00"), Decimal("0.00")),
    ]


def test_what_sold_counts_units_and_the_lines_gross_without_orders_whose_goods_went_back():
    day = datetime(2026, 5, 4, 12, tzinfo=BERLIN)
    taxed = placed(day, lines=(("TEE-M", 2, "20.00"), ("MUG", 1, "12.00")))
    OrderLine.objects.filter(order=taxed, sku="TEE-M").update(
        net=Decimal("30.25"),
        tax=Decimal("5.75"),
        gross=Decimal("36.00"),  # 10 % off by voucher
    )
    placed(day, lines=(("MUG", 3, "12.00"),))
    placed(day, lines=(("TEE-M", 5, "20.00"),), status="refunded")
    placed(day, lines=(("TEE-M", 5, "20.00"),), status="cancelled")

    figures = public.sales_figures(date(2026, 5, 4), date(2026, 5, 4))

    assert [(s.sku, s.units, s.revenue) for s in figures.skus] == [
        ("MUG", 4, Decimal("48.00")),
        ("TEE-M", 2, Decimal("36.00")),
    ]
    assert figures.skus[0].name == "Product MUG"


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2026, 5, 2), date(2026, 5, 1)), (date(2025, 1, 1), date(2026, 1, 2))],
    ids=["ends before it starts", "longer than a year"],
)
def test_a_period_that_is_no_period_is_refused(first, last):
    with pytest.raises(InvalidPeriod) as refused:
        public.sales_figures(first, last)

    assert refused.value.code == "invalid_period"


def test_payment_references_are_told_their_order_numbers():
    order = placed(timezone.now())

    assert public.order_numbers([order.payment_reference, "not-an-order"]) == {
        order.payment_reference: order.number
    }
    assert public.order_numbers([]) == {}
