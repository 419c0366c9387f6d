"""
The catalog service's interface for other apps: functions that take and return
plain data (ids, str, int, Decimal, datetimes, frozen dataclasses) and the
exceptions they raise. Everything else in shop.catalog is private.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

from django.db.models import OuterRef, Subquery

from shop.core.errors import Conflict, NotFound, ShopError

from . import selectors, services
from .models import ProductImage as _ProductImage


class VariantNotFound(NotFound):
    code = "variant_not_found"
    default_detail = "No product variant has this SKU."


class ReservationNotFound(NotFound):
    code = "reservation_not_found"
    default_detail = "No stock reservation has this key."


class InvalidQuantity(ShopError):
    code = "invalid_quantity"
    default_detail = "A quantity must be a whole number of at least 1."


class InvalidPrice(ShopError):
    code = "invalid_price"
    default_detail = "A price must be a non-negative amount."


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    default_detail = "Stock on hand cannot go below zero."


class InvalidLines(ShopError):
    code = "invalid_lines"
    default_detail = "Lines must be (sku, quantity) pairs, at least one."


class InvalidKey(ShopError):
    code = "invalid_key"
    default_detail = "A key must be a non-empty string of at most 100 characters."


class IdempotencyKeyReused(Conflict):
    """A stock change's key was used before for a different change (another delta or count)."""

    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used for a different change; send a new key."


class ReservationCommitted(Conflict):
    code = "reservation_committed"
    default_detail = "This reservation was already sold."


@dataclass(frozen=True)
class StockLine:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Shortage:
    sku: str
    requested: int
    available: int


class OutOfStock(Conflict):
    """
    Some lines cannot be had. ``shortages`` names each short SKU with the
    quantity asked for and what is available (0 for an unknown or inactive
    SKU); the API shows them as ``"shortages": [{"sku", "requested", "available"}]``.
    """

    code = "out_of_stock"
    default_detail = "Not enough stock."

    def __init__(self, shortages: Sequence[Shortage], detail: str | None = None):
        self.shortages = tuple(shortages)
        detail = detail or "Not enough stock: " + "; ".join(
            f"{s.sku} (requested {s.requested}, available {s.available})" for s in self.shortages
        )
        super().__init__(
            detail,
            shortages=[
                {"sku": s.sku, "requested": s.requested, "available": s.available}
                for s in self.shortages
            ],
        )


@dataclass(frozen=True)
class VariantInfo:
    """
    A SKU as other apps see it. ``name`` is the product name with the option
    values ("Tee — M / Blue"), or just the product name for a simple product.
    ``is_active`` is false when the variant or its product is inactive; then
    ``available`` is 0. ``image_url`` is the site-relative URL of the product's
    first image as a list thumbnail.
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


@dataclass(frozen=True)
class ReservationInfo:
    """Stock held for a checkout ``key``; it stops counting at ``expires_at`` while active."""

    key: str
    status: Literal["active", "committed", "released", "expired"]
    expires_at: datetime
    lines: tuple[StockLine, ...]


Lines = Sequence[tuple[str, int]] | Sequence[StockLine]


# --- reading --------------------------------------------------------------------


def get_variants(skus: Iterable[str]) -> dict[str, VariantInfo]:
    """The variants with these SKUs, active or not, in one query; unknown SKUs are absent."""
    wanted = {skus} if isinstance(skus, str) else {sku for sku in skus if isinstance(sku, str)}
    if not wanted:
        return {}
    first_image = _ProductImage.objects.filter(product=OuterRef("product")).order_by(
        "position", "pk"
    )
    variants = selectors.variants_by_sku(wanted).annotate(
        image_name=Subquery(first_image.values("image")[:1])
    )
    return {variant.sku: _variant_info(variant) for variant in variants}


def get_variant(sku: str) -> VariantInfo:
    """One variant by SKU; raises ``VariantNotFound``."""
    found = get_variants([sku]).get(sku)
    if found is None:
        raise VariantNotFound(f"No product variant has the SKU {sku!r}.", sku=sku)
    return found


def _variant_info(variant) -> VariantInfo:
    product = variant.product
    is_active = variant.is_active and product.is_active
    image_url = None
    if variant.image_name:
        image_url = _ProductImage(image=variant.image_name).list_thumbnail.url
    return VariantInfo(
        sku=variant.sku,
        name=f"{product.name} — {variant.label}" if variant.label else product.name,
        product_name=product.name,
        product_slug=product.slug,
        options=tuple((str(name), str(value)) for name, value in variant.options.items()),
        price=variant.price,
        compare_at_price=variant.compare_at_price,
        available=variant.available if is_active else 0,
        is_active=is_active,
        image_url=image_url,
    )


# --- stock ----------------------------------------------------------------------


def reserve_stock(key: str, lines: Lines, ttl: timedelta) -> ReservationInfo:
    """
    Hold every line for the checkout ``key`` until ``ttl`` from now, or none:
    raises ``OutOfStock`` naming each short SKU. Duplicate SKUs are merged; a
    quantity below 1 raises ``InvalidQuantity``. An unknown or inactive SKU is
    short with 0 available, so one ``OutOfStock`` lists every problem line.

    The same key again:

    * with the same lines while the reservation is active: returns it as it is
      (the expiry is not extended);
    * with other lines while active: replaces its lines atomically; if the new
      lines are short, the old reservation stays as it was;
    * after it expired or was released: reserves afresh under the same key;
    * after it was committed: returns it unchanged if the lines are the same,
      else raises ``ReservationCommitted``.
    """
    return services.reserve_stock(key, lines, ttl)


def commit_reservation(key: str) -> ReservationInfo:
    """
    Turn the reservation into a sale: stock on hand goes down by each line.
    Committing again returns the committed reservation. A reservation that
    expired or was released (a payment that succeeded late) is committed if
    the stock is still free, else ``OutOfStock``; an unknown key raises
    ``ReservationNotFound``.
    """
    return services.commit_reservation(key)


def release_reservation(key: str) -> ReservationInfo | None:
    """
    Give the held stock back. Releasing again, or releasing an expired
    reservation, changes nothing; an unknown key returns ``None`` (a checkout
    whose reservation failed can be released without a special case). A
    committed reservation raises ``ReservationCommitted``: use ``restock``.
    """
    return services.release_reservation(key)


def restock(key: str, lines: Lines) -> tuple[StockLine, ...]:
    """
    Put sold units back on hand (a refund, a cancelled order). ``key`` names
    the return (e.g. the refund id): a consumer that runs twice for the same
    refund adds the units once, so a redelivered event cannot inflate stock.
    Returns the lines added (empty when already done). Unknown SKUs raise
    ``VariantNotFound`` and nothing is added.
    """
    return services.restock(key, lines)
