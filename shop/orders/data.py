"""
The plain data of the orders service's public interface (standard library
only): the figures of its orders that the sales dashboard reads
(``public.sales_figures``). The events carry their own data classes
(``events.OrderedLine``).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

OrderStatus = Literal["paid", "shipped", "delivered", "cancelled", "refunded"]


@dataclass(frozen=True)
class OrderTotals:
    """
    The orders placed on ``day`` (the shop's time zone) that are in
    ``status`` now: how many, what they came to (``revenue``: their totals,
    tax and shipping included) and how much of that went back since
    (``refunded``, gift cards' part included).
    """

    day: date
    status: OrderStatus
    orders: int
    revenue: Decimal
    refunded: Decimal


@dataclass(frozen=True)
class SkuSales:
    """
    A SKU's lines on the period's orders that were neither cancelled nor
    refunded in full: the units bought and what was paid for them (the
    lines' gross, after any voucher). ``name`` is the product's name on the
    latest such line.
    """

    sku: str
    name: str
    units: int
    revenue: Decimal


@dataclass(frozen=True)
class SalesFigures:
    """
    The orders placed from ``first_day`` to ``last_day``: ``totals`` per day
    and status (days without orders left out), and ``skus``, every SKU sold,
    the highest revenue first.
    """

    first_day: date
    last_day: date
    currency: str
    totals: tuple[OrderTotals, ...]
    skus: tuple[SkuSales, ...]
