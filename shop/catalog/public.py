"""
The catalog service's interface for other apps: functions that take and return
plain data (ids, str, int, Decimal, datetimes, frozen dataclasses) and the
exceptions they raise. Everything else in shop.catalog is private.
"""

from collections.abc import Iterable
from datetime import timedelta

from shop.core.interfaces import idempotent

from . import reporting as _reporting
from . import selectors as _selectors
from .data import (
    Lines,
    LowStock,
    LowStockVariant,
    ReservationInfo,
    ReservationStatus,
    Shortage,
    SkuPlace,
    StockLine,
    VariantInfo,
)
from .errors import (
    InvalidKey,
    InvalidLines,
    InvalidQuantity,
    OutOfStock,
    ReservationCommitted,
    ReservationNotFound,
    VariantNotFound,
)
from .services import reservations as _reservations
from .services import stock as _stock

__all__ = [
    "InvalidKey",
    "InvalidLines",
    "InvalidQuantity",
    "Lines",
    "LowStock",
    "LowStockVariant",
    "OutOfStock",
    "ReservationCommitted",
    "ReservationInfo",
    "ReservationNotFound",
    "ReservationStatus",
    "Shortage",
    "SkuPlace",
    "StockLine",
    "VariantInfo",
    "VariantNotFound",
    "commit_reservation",
    "get_variant",
    "get_variants",
    "low_stock",
    "release_reservation",
    "reserve_stock",
    "restock",
    "sku_places",
]


# --- reading --------------------------------------------------------------------


@idempotent
def get_variants(skus: Iterable[str]) -> dict[str, VariantInfo]:
    """
    The variants with these SKUs, active or not, in one query; unknown SKUs
    (and anything that is not a string) are absent. Raises nothing.
    """
    wanted = {skus} if isinstance(skus, str) else {sku for sku in skus if isinstance(sku, str)}
    if not wanted:
        return {}
    return _selectors.variant_infos(wanted)


@idempotent
def get_variant(sku: str) -> VariantInfo:
    """One variant by SKU, active or not; raises ``VariantNotFound``."""
    found = get_variants([sku]).get(sku)
    if found is None:
        raise VariantNotFound(f"No product variant has the SKU {sku!r}.", sku=sku)
    return found


# --- reports --------------------------------------------------------------------


@idempotent
def sku_places(skus: list[str]) -> dict[str, SkuPlace]:
    """
    The product and category of each known SKU of ``skus`` (active or not),
    in one query however many; unknown SKUs are absent. For adding sales up
    by product and category.
    """
    return _reporting.sku_places([sku for sku in skus if isinstance(sku, str)])


@idempotent
def low_stock(limit: int = 100) -> LowStock:
    """
    The sellable variants with ``CATALOG_LOW_STOCK_THRESHOLD`` or fewer units
    available (sold out ones too): all counted, the ``limit`` (at most 500)
    with the fewest left listed; two queries.
    """
    return _reporting.low_stock(limit)


# --- stock ----------------------------------------------------------------------


@idempotent
def reserve_stock(key: str, lines: Lines, ttl: timedelta) -> ReservationInfo:
    """
    Hold every line for the checkout ``key`` until ``ttl`` from now, or none:
    raises ``OutOfStock`` naming each short SKU. Duplicate SKUs are merged; a
    quantity below 1 raises ``InvalidQuantity``, malformed lines
    ``InvalidLines``, a key that is not a non-empty string of at most 100
    characters ``InvalidKey``, a ``ttl`` that is not a positive timedelta
    ``ValueError``. An unknown or inactive SKU is short with 0 available, so
    one ``OutOfStock`` lists every problem line.

    The same key again:

    * with the same lines while the reservation is active: returns it as it is
      (the expiry is not extended);
    * with other lines while active: replaces its lines atomically; if the new
      lines are short, the old reservation stays as it was;
    * after it expired or was released: reserves afresh under the same key;
    * after it was committed: returns it unchanged if the lines are the same,
      else raises ``ReservationCommitted``.
    """
    return _reservations.reserve_stock(key, lines, ttl)


@idempotent
def commit_reservation(key: str) -> ReservationInfo:
    """
    Turn the reservation into a sale: stock on hand goes down by each line.
    Committing again returns the committed reservation. A reservation that
    expired or was released (a payment that succeeded late) is committed if
    the stock is still free, else ``OutOfStock``; an unknown key raises
    ``ReservationNotFound``.
    """
    return _reservations.commit_reservation(key)


@idempotent
def release_reservation(key: str) -> ReservationInfo | None:
    """
    Give the held stock back. Releasing again, or releasing an expired
    reservation, changes nothing; an unknown key returns ``None`` (a checkout
    whose reservation failed can be released without a special case). A
    committed reservation raises ``ReservationCommitted``: use ``restock``.
    """
    return _reservations.release_reservation(key)


@idempotent
def restock(key: str, lines: Lines) -> tuple[StockLine, ...]:
    """
    Put sold units back on hand (a refund, a cancelled order). ``key`` names
    the return (e.g. the refund id): a consumer that runs twice for the same
    refund adds the units once, so a redelivered event cannot inflate stock.
    Returns the lines added (empty when already done). Unknown SKUs raise
    ``VariantNotFound`` and nothing is added; bad lines or key raise
    ``InvalidLines``, ``InvalidQuantity`` or ``InvalidKey``.
    """
    return _stock.restock(key, lines)
