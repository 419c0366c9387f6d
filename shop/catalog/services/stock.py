"""
Stock on hand: counts and adjustments by staff, an ERP or a warehouse (with
an optional idempotency key), units returned by a refund or cancellation, and
the stock ledger (``StockMovement``) that records every change and why.
A change that lowers stock on hand saves the variant, and its signal
announces ``StockLow`` when availability falls across the threshold
(``announcements.stock_lowered``).
"""

from django.db.models import Case, F, IntegerField, Value, When

from shop.core.errors import IdempotencyKeyReused
from shop.core.idempotency import clean_idempotency_key

from ..cache import catalog_changed
from ..data import StockLine
from ..db import db
from ..errors import InsufficientStock, InvalidQuantity, VariantNotFound
from ..models import StockMovement, Variant
from . import listing
from .lines import check_key, merge_lines
from .locks import locked_variant, locked_variants

# What a PositiveIntegerField holds on every database.
MAX_STOCK = 2_147_483_647


def _check_quantity(value, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_STOCK:
        raise InvalidQuantity(
            f"The quantity must be a whole number from {minimum} to {MAX_STOCK}, not {value!r}."
        )
    return value


def _movement_key(prefix: str, key: str) -> str:
    """
    Each kind of movement has its own key space: an ERP's key never matches a
    sale's. The key follows the ``Idempotency-Key`` rule (``InvalidIdempotencyKey``).
    """
    key = clean_idempotency_key(key)
    return f"{prefix}:{key}" if key else ""


def _repeated(variant: Variant, key: str, **change) -> bool:
    """
    True if ``key`` already moved this variant's stock with the same
    ``change`` (``delta=`` or ``counted=``): a retry, answered with no change.
    The same key for a different change is refused rather than ignored, so a
    client that reuses keys by mistake finds out instead of losing a change.
    """
    if not key:
        return False
    done = StockMovement.objects.filter(variant=variant, key=key).first()
    if done is None:
        return False
    ((field, value),) = change.items()
    recorded = getattr(done, field)
    if recorded is not None and recorded != value:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a different change; send a new key.",
            sku=variant.sku,
        )
    return True


def move_stock(
    variant: Variant,
    delta: int,
    reason: str,
    *,
    key: str = "",
    note: str = "",
    counted: int | None = None,
) -> None:
    """Change stock on hand by ``delta`` and record why (the row must be locked)."""
    variant.stock_on_hand += delta
    variant.save(update_fields=["stock_on_hand"])
    StockMovement.objects.create(
        variant=variant, delta=delta, reason=reason, key=key, note=note[:200], counted=counted
    )
    catalog_changed()


def move_stocks(moves: dict[Variant, int], reason: str, *, key: str = "") -> None:
    """
    ``move_stock`` for several locked variants in two statements whatever their
    number: one ``UPDATE`` of every variant's stock on hand (each by its own
    delta, relative to the row, which the caller holds locked), and their
    movements inserted together. The variants are not saved one by one, so
    no model signal is sent for them: the one caller, a sale, knows what was
    available and announces ``StockLow`` itself when a lapsed hold is sold
    (selling a live hold changes no availability).
    """
    if not moves:
        return
    deltas = Case(
        *(When(pk=variant.pk, then=Value(delta)) for variant, delta in moves.items()),
        output_field=IntegerField(),
    )
    Variant.objects.filter(pk__in=[variant.pk for variant in moves]).update(
        stock_on_hand=F("stock_on_hand") + deltas
    )
    StockMovement.objects.bulk_create(
        StockMovement(variant=variant, delta=delta, reason=reason, key=key)
        for variant, delta in moves.items()
    )
    for variant, delta in moves.items():
        variant.stock_on_hand += delta
    catalog_changed()


def set_stock(sku: str, on_hand: int, *, note: str = "", key: str = "") -> Variant:
    """
    Set the stock on hand of ``sku`` to ``on_hand`` (a stock count), recording
    the difference as an adjustment. A repeated ``key`` changes nothing, so a
    retried request cannot overwrite a change made after it; the key with a
    different count is refused (``IdempotencyKeyReused``).
    """
    _check_quantity(on_hand)
    key = _movement_key("count", key)
    with db.atomic():
        variant = locked_variant(sku)
        if _repeated(variant, key, counted=on_hand):
            return variant
        delta = on_hand - variant.stock_on_hand
        if delta or key:
            move_stock(
                variant,
                delta,
                StockMovement.Reason.ADJUSTMENT,
                key=key,
                note=note,
                counted=on_hand,
            )
        return variant


def adjust_stock(sku: str, delta: int, *, note: str = "", key: str = "") -> Variant:
    """
    Add ``delta`` (negative to remove) to the stock on hand of ``sku``, e.g. a
    warehouse receipt. Refuses to go below zero; a repeated ``key`` is a no-op,
    and the key with a different ``delta`` is refused (``IdempotencyKeyReused``).
    """
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise InvalidQuantity(f"The change must be a whole number, not {delta!r}.")
    key = _movement_key("adjustment", key)
    with db.atomic():
        variant = locked_variant(sku)
        if _repeated(variant, key, delta=delta):
            return variant
        if variant.stock_on_hand + delta > MAX_STOCK:
            raise InvalidQuantity(f"{sku} cannot hold more than {MAX_STOCK} units.", sku=sku)
        if variant.stock_on_hand + delta < 0:
            raise InsufficientStock(
                f"{sku} has {variant.stock_on_hand} on hand; cannot remove {-delta}.",
                sku=sku,
                on_hand=variant.stock_on_hand,
            )
        if delta or key:
            move_stock(variant, delta, StockMovement.Reason.ADJUSTMENT, key=key, note=note)
        return variant


def restock(key: str, lines) -> tuple[StockLine, ...]:
    """
    Put returned units back on hand (a refund, a cancelled order), recorded as
    ``restock:<key>`` movements. Returns the lines added: none when ``key`` was
    already restocked for those SKUs.
    """
    key = check_key(key)
    wanted = merge_lines(lines)
    movement_key = f"restock:{key}"
    with db.atomic(), listing.deferred():
        variants = locked_variants(wanted)
        unknown = sorted(set(wanted) - {variant.sku for variant in variants})
        if unknown:
            raise VariantNotFound(
                f"No product variant has the SKU {', '.join(unknown)}.", skus=unknown
            )
        done = set(
            StockMovement.objects.filter(key=movement_key, variant__in=variants).values_list(
                "variant_id", flat=True
            )
        )
        added = []
        for variant in variants:
            if variant.pk not in done:
                quantity = wanted[variant.sku]
                move_stock(variant, quantity, StockMovement.Reason.RESTOCK, key=movement_key)
                added.append(StockLine(variant.sku, quantity))
        return tuple(sorted(added, key=lambda line: line.sku))
