"""
The figures of the orders placed in a period, for the sales dashboard
(``public.sales_figures``): two aggregate queries whatever the period's
length, one grouped by day and status and one by SKU, with the days cut in
the shop's time zone (``shop.core.days``).

Every order was paid, so every order placed counts in the totals, cancelled
ones included: what went back to the customer is in ``refunded``, so the
caller shows revenue and revenue net of refunds. What sold (``skus``) leaves
out orders cancelled or refunded in full, whose goods went back.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate

from shop.core.days import period_bounds, shop_time_zone
from shop.core.money import quantize, store_currency

from .data import OrderTotals, SalesFigures, SkuSales
from .models import MONEY, Order, OrderLine

_ZERO = Value(0, output_field=DecimalField(**MONEY))
# ``PurchasedLine.line_total`` in SQL: a line nobody taxed counts its unit price.
_LINE_TOTAL = ExpressionWrapper(F("unit_price") * F("quantity"), output_field=DecimalField(**MONEY))
_LINE_REVENUE = Case(When(Q(gross=0, net=0), then=_LINE_TOTAL), default=F("gross"))
_UNSOLD = (Order.Status.CANCELLED, Order.Status.REFUNDED)


def _money_sum(expression) -> Coalesce:
    return Coalesce(Sum(expression), _ZERO)


def sales_figures(first_day: date, last_day: date) -> SalesFigures:
    since, until = period_bounds(first_day, last_day)
    placed = Order.objects.filter(placed_at__gte=since, placed_at__lt=until).order_by()
    totals = (
        placed.annotate(day=TruncDate("placed_at", tzinfo=shop_time_zone()))
        .values("day", "status")
        .annotate(
            orders=Count("pk"), revenue=_money_sum("total"), refunded=_money_sum("refunded_amount")
        )
        .order_by("day", "status")
    )
    return SalesFigures(
        first_day=first_day,
        last_day=last_day,
        currency=store_currency(),
        totals=tuple(
            OrderTotals(
                day=row["day"],
                status=row["status"],
                orders=row["orders"],
                revenue=quantize(row["revenue"]),
                refunded=quantize(row["refunded"]),
            )
            for row in totals
        ),
        skus=_sku_sales(since, until),
    )


def _sku_sales(since, until) -> tuple[SkuSales, ...]:
    lines = (
        OrderLine.objects.filter(order__placed_at__gte=since, order__placed_at__lt=until)
        .exclude(order__status__in=_UNSOLD)
        .order_by()
        .values("sku", "product_name")
        .annotate(
            units=Sum("quantity"),
            revenue=_money_sum(_LINE_REVENUE),
            last_sold=Max("order__placed_at"),
        )
    )
    units, revenue, names = defaultdict(int), defaultdict(Decimal), {}
    for row in sorted(lines, key=lambda row: row["last_sold"]):
        units[row["sku"]] += row["units"]
        revenue[row["sku"]] += row["revenue"]
        names[row["sku"]] = row["product_name"]  # the latest sold wins
    return tuple(
        SkuSales(sku=sku, name=names[sku], units=units[sku], revenue=quantize(revenue[sku]))
        for sku in sorted(units, key=lambda sku: (-revenue[sku], sku))
    )


def order_numbers(references: list[str]) -> dict[str, str]:
    """``{payment reference: order number}`` of the orders among ``references``."""
    if not references:
        return {}
    return dict(
        Order.objects.filter(payment_reference__in=references)
        .order_by()
        .values_list("payment_reference", "number")
    )
