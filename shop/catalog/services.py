"""
Write logic of the catalog: stock and prices (what staff, imports and an ERP
change) and stock reservations (what checkouts hold, commit and release).

Every function runs in one transaction and locks what it changes with
``select_for_update``: a reservation's row first, then the variant rows in
primary-key order. Writers on one SKU queue up instead of interleaving, and
taking locks in one order means they cannot deadlock. Why availability is
computed and checked after the lock: docs/decisions/0003-stock-reservations.md.
"""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.core.messaging import publish
from shop.core.money import quantize

from . import public
from .cache import catalog_changed
from .events import ReservationExpired
from .models import PRICE_DIGITS, Reservation, ReservationLine, StockMovement, Variant
from .selectors import with_availability

UNSET = object()
# What a PositiveIntegerField holds on every database.
MAX_STOCK = 2_147_483_647
MAX_PRICE = Decimal(10) ** (PRICE_DIGITS["max_digits"] - PRICE_DIGITS["decimal_places"])


def lock_variants(skus) -> None:
    """
    Lock the variants with these SKUs in primary-key order, the order every
    stock change takes them in, so a batch of changes cannot deadlock with
    checkouts or with another batch.
    """
    list(Variant.objects.select_for_update().filter(sku__in=list(skus)).order_by("pk").values("pk"))


def _locked_variant(sku: str) -> Variant:
    try:
        return Variant.objects.select_for_update().get(sku=sku)
    except Variant.DoesNotExist:
        raise public.VariantNotFound(f"No product variant has the SKU {sku!r}.", sku=sku) from None


def _check_quantity(value, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_STOCK:
        raise public.InvalidQuantity(
            f"The quantity must be a whole number from {minimum} to {MAX_STOCK}, not {value!r}."
        )
    return value


def _movement_key(prefix: str, key: str) -> str:
    """Each kind of movement has its own key space: an ERP's key never matches a sale's."""
    return f"{prefix}:{check_key(key)}" if key else ""


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
        raise public.IdempotencyKeyReused(sku=variant.sku)
    return True


def _move_stock(
    variant: Variant,
    delta: int,
    reason: str,
    *,
    key: str = "",
    note: str = "",
    counted: int | None = None,
):
    """Change stock on hand by ``delta`` and record why (the row must be locked)."""
    variant.stock_on_hand += delta
    variant.save(update_fields=["stock_on_hand"])
    StockMovement.objects.create(
        variant=variant, delta=delta, reason=reason, key=key, note=note[:200], counted=counted
    )
    catalog_changed()


# --- staff: stock and prices -----------------------------------------------------


def set_stock(sku: str, on_hand: int, *, note: str = "", key: str = "") -> Variant:
    """
    Set the stock on hand of ``sku`` to ``on_hand`` (a stock count), recording
    the difference as an adjustment. A repeated ``key`` changes nothing, so a
    retried request cannot overwrite a change made after it; the key with a
    different count is refused (``IdempotencyKeyReused``).
    """
    _check_quantity(on_hand)
    key = _movement_key("count", key)
    with transaction.atomic():
        variant = _locked_variant(sku)
        if _repeated(variant, key, counted=on_hand):
            return variant
        delta = on_hand - variant.stock_on_hand
        if delta or key:
            _move_stock(
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
        raise public.InvalidQuantity(f"The change must be a whole number, not {delta!r}.")
    key = _movement_key("adjustment", key)
    with transaction.atomic():
        variant = _locked_variant(sku)
        if _repeated(variant, key, delta=delta):
            return variant
        if variant.stock_on_hand + delta > MAX_STOCK:
            raise public.InvalidQuantity(f"{sku} cannot hold more than {MAX_STOCK} units.", sku=sku)
        if variant.stock_on_hand + delta < 0:
            raise public.InsufficientStock(
                f"{sku} has {variant.stock_on_hand} on hand; cannot remove {-delta}.",
                sku=sku,
                on_hand=variant.stock_on_hand,
            )
        if delta or key:
            _move_stock(variant, delta, StockMovement.Reason.ADJUSTMENT, key=key, note=note)
        return variant


def _money(value, field: str) -> Decimal:
    try:
        amount = quantize(value)
    except (InvalidOperation, TypeError, ValueError):
        raise public.InvalidPrice(f"The {field} must be an amount, not {value!r}.") from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_PRICE:
        raise public.InvalidPrice(
            f"The {field} must be between 0 and {MAX_PRICE - Decimal('0.01')}, not {value}."
        )
    return amount


def set_price(
    sku: str, price: Decimal, *, compare_at_price: Decimal | object | None = UNSET
) -> Variant:
    """
    Set the price of ``sku`` (rounded to the store currency) and, when given,
    its compare-at price (``None`` clears it). Interested apps hear of it
    through ``VariantPriceChanged``, published by the variant's save.
    """
    price = _money(price, "price")
    fields = ["price"]
    if compare_at_price is not UNSET:
        if compare_at_price is not None:
            compare_at_price = _money(compare_at_price, "compare-at price")
        fields.append("compare_at_price")
    with transaction.atomic():
        variant = _locked_variant(sku)
        variant.price = price
        if compare_at_price is not UNSET:
            variant.compare_at_price = compare_at_price
        variant.save(update_fields=fields)
        catalog_changed()
        return variant


# --- lines and keys -----------------------------------------------------------------

KEY_MAX_LENGTH = 100


def check_key(key) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > KEY_MAX_LENGTH:
        raise public.InvalidKey(
            f"A key must be a non-empty string of at most {KEY_MAX_LENGTH} characters."
        )
    return key


def merge_lines(lines) -> dict[str, int]:
    """``(sku, quantity)`` pairs or ``StockLine``s as ``{sku: total quantity}``."""
    merged: dict[str, int] = {}
    for line in lines:
        try:
            sku, quantity = (
                (line.sku, line.quantity) if isinstance(line, public.StockLine) else line
            )
        except (TypeError, ValueError):
            raise public.InvalidLines(
                f"A line must be a (sku, quantity) pair, not {line!r}."
            ) from None
        if not isinstance(sku, str) or not sku:
            raise public.InvalidLines(f"A line's SKU must be a non-empty string, not {sku!r}.")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise public.InvalidQuantity(
                f"The quantity of {sku} must be a whole number of at least 1, not {quantity!r}.",
                sku=sku,
            )
        merged[sku] = merged.get(sku, 0) + quantity
    if not merged:
        raise public.InvalidLines("At least one line is needed.")
    return dict(sorted(merged.items()))


# --- reservations -------------------------------------------------------------------


def _lock_variants(skus) -> list[Variant]:
    """
    Lock the variants with these SKUs, in primary-key order so that two
    callers with overlapping lines queue up instead of deadlocking.
    """
    return list(Variant.objects.select_for_update().filter(sku__in=list(skus)).order_by("pk"))


def _sellable_quantities(variants: list[Variant], now) -> dict[str, int]:
    """
    What each locked variant can still sell: on hand minus active holds, or 0
    when the variant or its product is inactive. A separate statement from the
    lock, so that on PostgreSQL it sees every hold committed before the lock was
    granted.
    """
    rows = with_availability(Variant.objects.filter(pk__in=[v.pk for v in variants]), now)
    return {
        sku: available if active and product_active else 0
        for sku, available, active, product_active in rows.values_list(
            "sku", "available", "is_active", "product__is_active"
        )
    }


def _shortages(wanted: dict[str, int], can_sell: dict[str, int]) -> list:
    return [
        public.Shortage(sku=sku, requested=quantity, available=can_sell.get(sku, 0))
        for sku, quantity in wanted.items()
        if quantity > can_sell.get(sku, 0)
    ]


def _held(reservation: Reservation) -> dict[str, int]:
    return dict(reservation.lines.order_by("variant__sku").values_list("variant__sku", "quantity"))


def _info(reservation: Reservation, held: dict[str, int]):
    return public.ReservationInfo(
        key=reservation.key,
        status=reservation.status,
        expires_at=reservation.expires_at,
        lines=tuple(public.StockLine(sku, quantity) for sku, quantity in sorted(held.items())),
    )


def _lock_reservation(key: str) -> Reservation | None:
    return Reservation.objects.select_for_update().filter(key=key).first()


def _lock_or_create_reservation(key: str, expires_at) -> tuple[Reservation, bool]:
    reservation = _lock_reservation(key)
    if reservation is not None:
        return reservation, False
    try:
        with transaction.atomic():
            return Reservation.objects.create(key=key, expires_at=expires_at), True
    except IntegrityError:  # the same key, reserved concurrently and now committed
        return Reservation.objects.select_for_update().get(key=key), False


def reserve_stock(key: str, lines, ttl: timedelta, *, now=None):
    """
    Hold stock for ``key`` until ``now + ttl``: every line or none.

    Locks: the reservation's row first, then the variants in primary-key order;
    every writer takes them in that order. See ``public.reserve_stock`` for what
    a repeated key does.
    """
    key = check_key(key)
    wanted = merge_lines(lines)
    if not isinstance(ttl, timedelta) or ttl <= timedelta(0):
        raise ValueError(f"The time to live must be a positive timedelta, not {ttl!r}.")
    now = now or timezone.now()
    with transaction.atomic():
        reservation, created = _lock_or_create_reservation(key, now + ttl)
        if not created:
            held = _held(reservation)
            if reservation.status == Reservation.Status.COMMITTED:
                if held == wanted:
                    return _info(reservation, held)
                raise public.ReservationCommitted(
                    f"The reservation {key!r} was already sold with other lines.", key=key
                )
            still_active = (
                reservation.status == Reservation.Status.ACTIVE and reservation.expires_at > now
            )
            if still_active and held == wanted:
                return _info(reservation, held)
            reservation.lines.all().delete()
        variants = _lock_variants(wanted)
        shortages = _shortages(wanted, _sellable_quantities(variants, now))
        if shortages:
            raise public.OutOfStock(shortages)
        by_sku = {variant.sku: variant for variant in variants}
        ReservationLine.objects.bulk_create(
            ReservationLine(reservation=reservation, variant=by_sku[sku], quantity=quantity)
            for sku, quantity in wanted.items()
        )
        reservation.status = Reservation.Status.ACTIVE
        reservation.expires_at = now + ttl
        reservation.closed_at = None
        reservation.save(update_fields=["status", "expires_at", "closed_at"])
        catalog_changed()
        return _info(reservation, wanted)


def commit_reservation(key: str, *, now=None):
    """
    Sell what ``key`` holds: stock on hand goes down by each line, recorded as
    a ``sale:<key>`` movement. A reservation that expired or was released is
    sold only if the stock is still free (checked under the same locks).
    """
    now = now or timezone.now()
    with transaction.atomic():
        reservation = _lock_reservation(key) if isinstance(key, str) else None
        if reservation is None:
            raise public.ReservationNotFound(f"No stock reservation has the key {key!r}.", key=key)
        held = _held(reservation)
        if reservation.status == Reservation.Status.COMMITTED:
            return _info(reservation, held)
        variants = _lock_variants(held)
        if reservation.status == Reservation.Status.ACTIVE and reservation.expires_at > now:
            can_sell = {variant.sku: variant.stock_on_hand for variant in variants}
        else:
            can_sell = _sellable_quantities(variants, now)
        shortages = _shortages(held, can_sell)
        if shortages:
            raise public.OutOfStock(shortages)
        for variant in variants:
            _move_stock(variant, -held[variant.sku], StockMovement.Reason.SALE, key=f"sale:{key}")
        reservation.status = Reservation.Status.COMMITTED
        reservation.closed_at = now
        reservation.save(update_fields=["status", "closed_at"])
        return _info(reservation, held)


def release_reservation(key: str, *, now=None):
    """Give back what ``key`` holds; nothing to do for an unknown or closed key."""
    with transaction.atomic():
        reservation = _lock_reservation(key) if isinstance(key, str) else None
        if reservation is None:
            return None
        if reservation.status == Reservation.Status.COMMITTED:
            raise public.ReservationCommitted(
                f"The reservation {key!r} was sold; return its units with restock().", key=key
            )
        if reservation.status == Reservation.Status.ACTIVE:
            reservation.status = Reservation.Status.RELEASED
            reservation.closed_at = now or timezone.now()
            reservation.save(update_fields=["status", "closed_at"])
            catalog_changed()
        return _info(reservation, _held(reservation))


def release_expired_reservations(now=None, *, batch_size: int = 500) -> int:
    """
    Mark active reservations past their expiry as expired and announce each
    (``ReservationExpired``). They stopped counting against availability at
    their expiry already; this closes them. Returns how many it marked.
    Reservations locked by a concurrent commit are left for the next run.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                Reservation.objects.select_for_update(skip_locked=True)
                .filter(status=Reservation.Status.ACTIVE, expires_at__lte=now)
                .order_by("expires_at", "pk")[:batch_size]
            )
            if not batch:
                return total
            Reservation.objects.filter(pk__in=[r.pk for r in batch]).update(
                status=Reservation.Status.EXPIRED, closed_at=now
            )
            for reservation in batch:
                publish(ReservationExpired(key=reservation.key, expires_at=reservation.expires_at))
            catalog_changed()
        total += len(batch)
        if len(batch) < batch_size:
            return total


# --- returns ----------------------------------------------------------------------


def restock(key: str, lines) -> tuple:
    """
    Put returned units back on hand (a refund, a cancelled order), recorded as
    ``restock:<key>`` movements. Returns the lines added: none when ``key`` was
    already restocked for those SKUs.
    """
    key = check_key(key)
    wanted = merge_lines(lines)
    movement_key = f"restock:{key}"
    with transaction.atomic():
        variants = _lock_variants(wanted)
        unknown = sorted(set(wanted) - {variant.sku for variant in variants})
        if unknown:
            raise public.VariantNotFound(
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
                _move_stock(variant, quantity, StockMovement.Reason.RESTOCK, key=movement_key)
                added.append(public.StockLine(variant.sku, quantity))
        return tuple(sorted(added, key=lambda line: line.sku))
