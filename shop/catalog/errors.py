"""
Every refusal of the catalog service, each with a stable ``code`` (and the
HTTP status of its ``shop.core.errors`` base). ``shop.catalog.public``
re-exports the ones other apps meet.

A reused ``Idempotency-Key`` on a staff stock change is the shared
``shop.core.errors.IdempotencyKeyReused``.
"""

from collections.abc import Sequence

from shop.core.errors import Conflict, NotFound, ShopError

from .data import Shortage


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
    """A reservation or restock key another app passed in (not an HTTP header) is unusable."""

    code = "invalid_key"
    default_detail = "A key must be a non-empty string of at most 100 characters."


class ReservationCommitted(Conflict):
    code = "reservation_committed"
    default_detail = "This reservation was already sold."


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

    @classmethod
    def from_remote(cls, detail: str, code: str, extra: dict) -> "OutOfStock":
        return cls([Shortage(**shortage) for shortage in extra.get("shortages", ())], detail)


class UnknownTaxClass(ShopError):
    """A tax class code the taxes service does not know; ``extra`` has ``choices``."""

    code = "unknown_tax_class"
    default_detail = "No tax class has this code."


class InvalidWeight(ShopError):
    code = "invalid_weight"
    default_detail = "The weight must be whole grams from 0."
