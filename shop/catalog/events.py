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

__all__ = ["ProductAvailabilityChanged", "ReservationExpired", "VariantPriceChanged"]


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
