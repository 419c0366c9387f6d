"""
The dashboard's figures for a period, gathered from the services that own
them through their public interfaces and added up here: orders (what was
sold, per day, status and SKU), catalog (which product and category each SKU
is, what runs low), payments (refunds, flagged payments) and the kernel
(parked events). No table of another service is read and nothing is joined
across services, so it holds with a database per service and with payments
running elsewhere; the number of queries does not depend on the period.

A service that does not answer (payments in its own deployment, down) leaves
its sections empty with a note, and the rest of the dashboard still shows.

Amounts are ``Decimal`` in the shop's currency. Revenue is what customers
paid for the orders placed in the period (tax and shipping included, every
order counted, cancelled ones too); ``refunded`` is what went back to them
since, so revenue net of refunds is exactly what the period's orders kept.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from shop.catalog import public as catalog
from shop.core.days import days_of
from shop.core.errors import ServiceUnavailable
from shop.core.messaging import ParkedEvents, parked_events
from shop.core.money import quantize
from shop.orders import public as orders
from shop.payments import public as payments

from .periods import Period

logger = logging.getLogger(__name__)

# How many refunds, flagged payments and low-stock variants the dashboard lists.
LISTED = 100
STATUSES = ("paid", "shipped", "delivered", "cancelled", "refunded")
NO_CATEGORY = "(no category)"
NOT_IN_CATALOG = "(no longer in the catalog)"


@dataclass(frozen=True)
class Sales:
    """Orders, what they came to and what went back of it."""

    orders: int = 0
    revenue: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)

    @property
    def net(self) -> Decimal:
        return self.revenue - self.refunded

    @property
    def average_order_value(self) -> Decimal | None:
        return quantize(self.revenue / self.orders) if self.orders else None

    def __add__(self, other: "Sales") -> "Sales":
        return Sales(
            self.orders + other.orders,
            self.revenue + other.revenue,
            self.refunded + other.refunded,
        )


@dataclass(frozen=True)
class Seller:
    """A product or category and what it sold: ``units`` bought and their ``revenue``."""

    name: str
    category: str
    units: int
    revenue: Decimal
    products: int = 1


@dataclass(frozen=True)
class Listed:
    """A refund or flagged payment with the order it belongs to ("" when none)."""

    order: str
    entry: payments.RefundEntry | payments.FlaggedPayment


@dataclass
class SalesReport:
    period: Period
    currency: str
    total: Sales = field(default_factory=Sales)
    days: list[tuple[date, Sales]] = field(default_factory=list)
    statuses: list[tuple[str, Sales]] = field(default_factory=list)
    products: list[Seller] = field(default_factory=list)
    categories: list[Seller] = field(default_factory=list)
    refund_totals: list[payments.RefundTotals] = field(default_factory=list)
    refunds: list[Listed] = field(default_factory=list)
    flagged_count: int = 0
    flagged: list[Listed] = field(default_factory=list)
    low_stock: catalog.LowStock | None = None
    parked: list[ParkedEvents] = field(default_factory=list)
    # What could not be read, for the page to say: "payments did not answer".
    missing: list[str] = field(default_factory=list)


def sales_report(period: Period, currency: str) -> SalesReport:
    report = SalesReport(period=period, currency=currency)
    sold = _ask(report, "orders", lambda: orders.sales_figures(period.first_day, period.last_day))
    if sold is not None:
        _add_sales(report, sold)
        places = _ask(report, "catalog", lambda: catalog.sku_places([s.sku for s in sold.skus]))
        _add_sellers(report, sold.skus, places or {})
    money = _ask(
        report,
        "payments",
        lambda: payments.payment_report(period.first_day, period.last_day, LISTED),
    )
    if money is not None:
        references = [entry.reference for entry in (*money.refunds, *money.flagged)]
        numbers = _ask(report, "orders", lambda: orders.order_numbers(references)) or {}
        report.refund_totals = list(money.refund_totals)
        report.refunds = [Listed(numbers.get(r.reference, ""), r) for r in money.refunds]
        report.flagged_count = money.flagged_count
        report.flagged = [Listed(numbers.get(p.reference, ""), p) for p in money.flagged]
    report.low_stock = _ask(report, "catalog", lambda: catalog.low_stock(LISTED))
    report.parked = parked_events()
    return report


def _ask(report: SalesReport, service: str, call: Callable):
    """What ``call`` answers, or ``None`` (noted) when ``service`` is unavailable."""
    try:
        return call()
    except ServiceUnavailable:
        logger.warning("The sales dashboard went without %s: it did not answer.", service)
        if service not in report.missing:
            report.missing.append(service)
        return None


def _add_sales(report: SalesReport, sold: orders.SalesFigures) -> None:
    by_day: dict[date, Sales] = defaultdict(Sales)
    by_status: dict[str, Sales] = defaultdict(Sales)
    for row in sold.totals:
        sales = Sales(row.orders, row.revenue, row.refunded)
        by_day[row.day] += sales
        by_status[row.status] += sales
    report.days = [
        (day, by_day[day]) for day in days_of(report.period.first_day, report.period.last_day)
    ]
    report.statuses = [(status, by_status[status]) for status in STATUSES if status in by_status]
    report.total = sum(by_status.values(), Sales())


def _add_sellers(
    report: SalesReport, skus: tuple[orders.SkuSales, ...], places: dict[str, catalog.SkuPlace]
) -> None:
    """What sold, by product and by the product's category, the highest revenue first."""
    products: dict[object, list] = {}
    categories: dict[object, list] = {}
    for sold in skus:
        place = places.get(sold.sku)
        if place is None:
            product_key, name, category_key, category = (
                ("sku", sold.sku),
                sold.name,
                None,
                NOT_IN_CATALOG,
            )
        else:
            product_key, name = place.product_id, place.product_name
            category_key, category = place.category_id, place.category or NO_CATEGORY
        product = products.setdefault(product_key, [name, category, 0, Decimal(0)])
        product[2] += sold.units
        product[3] += sold.revenue
        group = categories.setdefault((category_key, category), [category, set(), 0, Decimal(0)])
        group[1].add(product_key)
        group[2] += sold.units
        group[3] += sold.revenue
    report.products = _by_revenue(
        Seller(name=name, category=category, units=units, revenue=revenue)
        for name, category, units, revenue in products.values()
    )
    report.categories = _by_revenue(
        Seller(name=name, category=name, units=units, revenue=revenue, products=len(keys))
        for name, keys, units, revenue in categories.values()
    )


def _by_revenue(sellers) -> list[Seller]:
    return sorted(sellers, key=lambda seller: (-seller.revenue, -seller.units, seller.name))
