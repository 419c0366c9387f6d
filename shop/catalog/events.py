"""
Integration events the catalog service publishes (frozen dataclasses deriving
from ``shop.core.events.Event``, named "catalog.<EventName>"). Other apps may
import this module.

They are published from the catalog's model signals, so a change made in the
admin, by an import or through a service is announced the same way.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from shop.core.events import Event

__all__ = [
    "ProductAvailabilityChanged",
    "ProductUpdated",
    "ReservationExpired",
    "StockLow",
    "VariantPriceChanged",
    "VariantState",
]


@dataclass(frozen=True)
class VariantPriceChanged(Event):
    """The price or compare-at price of a SKU changed (amounts in the store currency)."""

    name: ClassVar[str] = "catalog.VariantPriceChanged"
    version: ClassVar[int] = 1

    sku: str
    price: Decimal
    previous_price: Decimal
    compare_at_price: Decimal | None = None


@dataclass(frozen=True)
class ProductAvailabilityChanged(Event):
    """
    These SKUs of a product became sellable (``is_active``) or stopped being
    sellable: the product or a variant was deactivated, reactivated or a
    variant deleted. Only SKUs whose sellability actually changed are listed:
    deactivating a product lists its active variants, and a variant switched
    while its product is inactive announces nothing.
    """

    name: ClassVar[str] = "catalog.ProductAvailabilityChanged"
    version: ClassVar[int] = 1

    product_slug: str
    skus: tuple[str, ...]
    is_active: bool


@dataclass(frozen=True)
class ReservationExpired(Event):
    """
    The stock reservation ``key`` ran out before it was committed; its units
    are for sale again. A late ``commit_reservation`` may still succeed if
    stock allows.
    """

    name: ClassVar[str] = "catalog.ReservationExpired"
    version: ClassVar[int] = 1

    key: str
    expires_at: datetime


@dataclass(frozen=True)
class VariantState:
    """A variant as it stands after a change (amounts in the store currency)."""

    sku: str
    price: Decimal
    compare_at_price: Decimal | None
    is_active: bool


@dataclass(frozen=True)
class ProductUpdated(Event):
    """
    Staff changed a product or its variants (the admin, the staff API, an
    import; a variant added or deleted too), and this is how it stands now: once per product per
    change, however many of its rows the change saved. A stock count alone
    announces nothing, and a sale never does (``StockLow`` is about stock).
    """

    name: ClassVar[str] = "catalog.ProductUpdated"
    version: ClassVar[int] = 1

    product_id: int
    slug: str
    title: str
    is_active: bool
    category_id: int | None
    variants: tuple[VariantState, ...]


@dataclass(frozen=True)
class StockLow(Event):
    """
    What ``sku`` has available for sale (on hand less active holds) fell to
    ``threshold`` (``CATALOG_LOW_STOCK_THRESHOLD``) or below, ``available``
    being what is left: once as it crosses, not on every sale below it. It
    is announced again only after availability rose above the threshold
    (a restock, a hold released or expired) and fell again. Whatever lowered
    it announces it: a checkout's hold, a lapsed hold sold anyway, a stock
    count or write-off (admin, staff API), an import; only for a variant
    for sale.
    """

    name: ClassVar[str] = "catalog.StockLow"
    version: ClassVar[int] = 1

    sku: str
    available: int
    threshold: int
