"""
Sales from six weeks ago for the sales dashboard's browser test: three
Lighthouse Prints (in "Prints") on two guest orders placed on
``DAYS_AGO`` days before today (noon, the shop's time zone), paid on the
test gateway, one of them partly refunded. No other test sells anything
then, so the figures of those days are exactly these.
``python -m tests.e2e.past_sales`` against the shop's database
(``LiveShop.run``), once a session.
"""

from datetime import date, timedelta

PRINT = "Lighthouse Print"
PRINT_SKU = "PRINT-A3"
CATEGORY = "Prints"
DAYS_AGO = (45, 44)
# Two orders: 2 prints at 25.00 and 1, each with 5.00 shipping; 10.00 of the second refunded.
ORDERS, REVENUE, REFUNDED, AVERAGE = 2, "85.00", "10.00", "42.50"


def sale_days(today: date) -> tuple[date, date]:
    return tuple(today - timedelta(days=ago) for ago in DAYS_AGO)


def seed() -> None:
    from datetime import datetime, time
    from decimal import Decimal

    from django.utils import timezone

    from shop.orders.models import Order
    from tests.catalog.factories import make_category, make_product
    from tests.orders.factories import make_order

    make_product(
        PRINT,
        category=make_category(CATEGORY),
        variants=[{"sku": PRINT_SKU, "price": "25.00", "stock_on_hand": 40}],
    )
    for day, quantity, refunded in zip(
        sale_days(timezone.localdate()), (2, 1), ("0", REFUNDED), strict=True
    ):
        order = make_order(
            user_id=None, email="past-sales@example.com", lines=((PRINT_SKU, quantity, "25.00"),),
            shipping_cost="5.00", placed_at=timezone.make_aware(datetime.combine(day, time(12))),
        )  # fmt: skip
        Order.objects.filter(pk=order.pk).update(refunded_amount=Decimal(refunded))


if __name__ == "__main__":
    import django

    django.setup()
    seed()
