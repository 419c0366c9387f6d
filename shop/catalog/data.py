"""
The plain data the catalog's public functions take and return: frozen
dataclasses of the standard library's types only, so a client of the catalog
service can use them without Django.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

ReservationStatus = Literal["active", "committed", "released", "expired"]


@dataclass(frozen=True)
class StockLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Shortage:
    """A line that cannot be had: what was asked for, and what is available (0 if unknown)."""

    sku: str
    requested: int
    available: int


@dataclass(frozen=True)
class VariantInfo:
    """
    A SKU as other apps see it. ``name`` is the product name with the option
    values ("Tee — M / Blue"), or just the product name for a simple product.
    ``is_active`` is false when the variant or its product is inactive; then
    ``available`` is 0. ``image_url`` is the site-relative URL of the product's
    first image as a list thumbnail.

    ``price`` is what the SKU costs now: during a sale (promotions' sales,
    decision 0029) the sale price, with the price staff set as
    ``regular_price``, the sale's ``sale_name`` and ``sale_ends_at`` (None:
    open-ended), and ``compare_at_price`` the higher of the staff's
    compare-at price and the regular price. Outside a sale ``regular_price``
    is ``price`` and ``sale_name`` is None.
    """

    sku: str
    name: str
    product_name: str
    product_slug: str
    options: tuple[tuple[str, str], ...]
    price: Decimal
    compare_at_price: Decimal | None
    available: int
    is_active: bool
    image_url: str | None = None
    tax_class: str = "standard"
    # The packed weight of one unit, for shipping rates by weight (0: not set).
    weight_grams: int = 0
    # The product's id, and its category's with up to two above it (what a
    # voucher limited to products or categories is checked against).
    product_id: int = 0
    category_ids: tuple[int, ...] = ()
    regular_price: Decimal | None = None
    sale_name: str | None = None
    sale_ends_at: datetime | None = None
    # Sold as a gift card worth what is paid for it (decision 0030): never on sale.
    gift_card: bool = False

    def __post_init__(self):
        if self.regular_price is None:
            object.__setattr__(self, "regular_price", self.price)


@dataclass(frozen=True)
class ReservationInfo:
    """Stock held for a checkout ``key``; it stops counting at ``expires_at`` while active."""

    key: str
    status: ReservationStatus
    expires_at: datetime
    lines: tuple[StockLine, ...]


@dataclass(frozen=True)
class SkuPlace:
    """
    Where a SKU sits in the catalog now: its product and the product's
    category, ``category`` naming it after up to two levels above it
    ("Clothing", "Outerwear", "Jackets" joined by a right angle quote; "" for
    a product in none).
    """

    sku: str
    product_id: int
    product_name: str
    category_id: int | None
    category: str


@dataclass(frozen=True)
class LowStockVariant:
    """A sellable variant with few units left (``available``: on hand less what checkouts hold)."""

    sku: str
    name: str
    available: int
    stock_on_hand: int
    reserved: int


@dataclass(frozen=True)
class LowStock:
    """
    The sellable variants with ``threshold`` or fewer units available, sold
    out ones included: ``count`` of them, ``variants`` the fewest left first.
    """

    threshold: int
    count: int
    variants: tuple[LowStockVariant, ...]


# What the stock functions take as lines: ``(sku, quantity)`` pairs or ``StockLine``s.
Lines = Sequence[tuple[str, int]] | Sequence[StockLine]
