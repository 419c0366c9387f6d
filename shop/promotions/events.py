"""
Integration events the promotions service publishes. Callers learn what a
voucher took off from the call that prices or reserves it; sales are
announced, because catalog prices them on its own pages without asking
(catalog is above promotions, and keeps a read model of the sales: decision
0029).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from shop.core.events import Event

__all__ = ["SaleChanged", "SaleRemoved"]


@dataclass(frozen=True)
class SaleChanged(Event):
    """
    A sale was created or changed: the whole definition. ``kind`` is
    ``percent`` (``value`` 20 is 20 % off) or ``fixed`` (``value`` off each
    unit); a category covers its subcategories; ``ends_at`` None is
    open-ended; an inactive sale lowers nothing. ``revision`` grows with
    every save: a consumer keeps the highest it has seen.
    """

    name: ClassVar[str] = "promotions.SaleChanged"
    version: ClassVar[int] = 1

    sale_id: int
    revision: int
    sale_name: str
    kind: str
    value: Decimal
    product_ids: tuple[int, ...]
    category_ids: tuple[int, ...]
    starts_at: datetime
    ends_at: datetime | None
    active: bool


@dataclass(frozen=True)
class SaleRemoved(Event):
    """The sale was deleted; ``revision`` is above any its ``SaleChanged`` carried."""

    name: ClassVar[str] = "promotions.SaleRemoved"
    version: ClassVar[int] = 1

    sale_id: int
    revision: int
