"""
The orders service's interface for other apps. Orders runs the purchase and
calls the services below it; the only service above it is reports, which
reads the figures of its orders here (``sales_figures``, ``order_numbers``).
Other apps hear about orders through ``shop.orders.events``. The exceptions
are here for callers of its API clients.
"""

from datetime import date

from shop.core.interfaces import idempotent

from . import reporting as _reporting
from .data import OrderStatus, OrderTotals, SalesFigures, SkuSales
from .errors import InvalidRefund, InvalidTransition, OrderNotFound

__all__ = [
    "InvalidRefund",
    "InvalidTransition",
    "OrderNotFound",
    "OrderStatus",
    "OrderTotals",
    "SalesFigures",
    "SkuSales",
    "order_numbers",
    "sales_figures",
]


@idempotent
def sales_figures(first_day: date, last_day: date) -> SalesFigures:
    """
    What the orders placed from ``first_day`` to ``last_day`` (days of the
    shop's time zone, both included) came to, per day and status, and what
    sold, per SKU; in two queries whatever the period. Raises
    ``shop.core.errors.InvalidPeriod`` for a period that ends before it
    starts or is longer than ``shop.core.days.MAX_PERIOD_DAYS``.
    """
    return _reporting.sales_figures(first_day, last_day)


@idempotent
def order_numbers(references: list[str]) -> dict[str, str]:
    """
    The order number of each payment reference (payments' name for what it
    took money for) that became an order, in one query; the others are absent.
    """
    return _reporting.order_numbers([ref for ref in references if isinstance(ref, str)])
