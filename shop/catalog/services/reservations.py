"""
Stock reservations: what a checkout holds until it is paid (committed as a
sale), released, or expired. Availability is stock on hand minus the active,
unexpired holds (``selectors.with_availability``); a hold taken or given back
refreshes its products' listing columns (``listing``), and one that expires
needs nothing: they hold the instant it frees a unit.

Locks: the reservation's row first, then the variants in primary-key order;
every writer takes them in that order.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError
from django.utils import timezone

from shop.core.messaging import publish

from ..cache import catalog_changed
from ..data import ReservationInfo, Shortage, StockLine
from ..db import db
from ..errors import OutOfStock, ReservationCommitted, ReservationNotFound
from ..events import ReservationExpired
from ..models import Reservation, ReservationLine, StockMovement, Variant
from ..selectors import with_availability
from . import listing
from .lines import check_key, merge_lines
from .locks import locked_variants
from .stock import move_stock


def _sellable_quantities(variants: list[Variant], now: datetime) -> dict[str, int]:
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


def _shortages(wanted: dict[str, int], can_sell: dict[str, int]) -> list[Shortage]:
    return [
        Shortage(sku=sku, requested=quantity, available=can_sell.get(sku, 0))
        for sku, quantity in wanted.items()
        if quantity > can_sell.get(sku, 0)
    ]


def _held(reservation: Reservation) -> dict[str, int]:
    return dict(reservation.lines.order_by("variant__sku").values_list("variant__sku", "quantity"))


def _info(reservation: Reservation, held: dict[str, int]) -> ReservationInfo:
    return ReservationInfo(
        key=reservation.key,
        status=reservation.status,
        expires_at=reservation.expires_at,
        lines=tuple(StockLine(sku, quantity) for sku, quantity in sorted(held.items())),
    )


def _lock_reservation(key: str) -> Reservation | None:
    return Reservation.objects.select_for_update().filter(key=key).first()


def _lock_or_create_reservation(key: str, expires_at: datetime) -> tuple[Reservation, bool]:
    reservation = _lock_reservation(key)
    if reservation is not None:
        return reservation, False
    try:
        with db.atomic():
            return Reservation.objects.create(key=key, expires_at=expires_at), True
    except IntegrityError:  # the same key, reserved concurrently and now committed
        return Reservation.objects.select_for_update().get(key=key), False


def reserve_stock(key: str, lines, ttl: timedelta, *, now=None) -> ReservationInfo:
    """
    Hold stock for ``key`` until ``now + ttl``: every line or none
    (``OutOfStock`` names each short SKU). See ``public.reserve_stock`` for
    what a repeated key does.
    """
    key = check_key(key)
    wanted = merge_lines(lines)
    if not isinstance(ttl, timedelta) or ttl <= timedelta(0):
        raise ValueError(f"The time to live must be a positive timedelta, not {ttl!r}.")
    now = now or timezone.now()
    with db.atomic():
        reservation, created = _lock_or_create_reservation(key, now + ttl)
        if not created:
            held = _held(reservation)
            if reservation.status == Reservation.Status.COMMITTED:
                if held == wanted:
                    return _info(reservation, held)
                raise ReservationCommitted(
                    f"The reservation {key!r} was already sold with other lines.", key=key
                )
            still_active = (
                reservation.status == Reservation.Status.ACTIVE and reservation.expires_at > now
            )
            if still_active and held == wanted:
                return _info(reservation, held)
            given_back = (
                set(reservation.lines.values_list("variant__product_id", flat=True))
                if still_active
                else set()
            )
            reservation.lines.all().delete()
        else:
            given_back = set()
        variants = locked_variants(wanted)
        shortages = _shortages(wanted, _sellable_quantities(variants, now))
        if shortages:
            raise OutOfStock(shortages)
        by_sku = {variant.sku: variant for variant in variants}
        ReservationLine.objects.bulk_create(
            ReservationLine(reservation=reservation, variant=by_sku[sku], quantity=quantity)
            for sku, quantity in wanted.items()
        )
        reservation.status = Reservation.Status.ACTIVE
        reservation.expires_at = now + ttl
        reservation.closed_at = None
        reservation.save(update_fields=["status", "expires_at", "closed_at"])
        listing.refresh(given_back | {variant.product_id for variant in variants}, now)
        catalog_changed()
        return _info(reservation, wanted)


def commit_reservation(key: str, *, now=None) -> ReservationInfo:
    """
    Sell what ``key`` holds: stock on hand goes down by each line, recorded as
    a ``sale:<key>`` movement. A reservation that expired or was released is
    sold only if the stock is still free (checked under the same locks).
    """
    now = now or timezone.now()
    with db.atomic():
        reservation = _lock_reservation(key) if isinstance(key, str) else None
        if reservation is None:
            raise ReservationNotFound(f"No stock reservation has the key {key!r}.", key=key)
        held = _held(reservation)
        if reservation.status == Reservation.Status.COMMITTED:
            return _info(reservation, held)
        variants = locked_variants(held)
        if reservation.status == Reservation.Status.ACTIVE and reservation.expires_at > now:
            can_sell = {variant.sku: variant.stock_on_hand for variant in variants}
        else:
            can_sell = _sellable_quantities(variants, now)
        shortages = _shortages(held, can_sell)
        if shortages:
            raise OutOfStock(shortages)
        with listing.deferred():
            for variant in variants:
                move_stock(
                    variant, -held[variant.sku], StockMovement.Reason.SALE, key=f"sale:{key}"
                )
            reservation.status = Reservation.Status.COMMITTED
            reservation.closed_at = now
            reservation.save(update_fields=["status", "closed_at"])
        return _info(reservation, held)


def release_reservation(key: str, *, now=None) -> ReservationInfo | None:
    """Give back what ``key`` holds; nothing to do for an unknown or closed key."""
    with db.atomic():
        reservation = _lock_reservation(key) if isinstance(key, str) else None
        if reservation is None:
            return None
        if reservation.status == Reservation.Status.COMMITTED:
            raise ReservationCommitted(
                f"The reservation {key!r} was sold; return its units with restock().", key=key
            )
        if reservation.status == Reservation.Status.ACTIVE:
            reservation.status = Reservation.Status.RELEASED
            reservation.closed_at = now or timezone.now()
            reservation.save(update_fields=["status", "closed_at"])
            listing.refresh(reservation.lines.values_list("variant__product_id", flat=True))
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
        with db.atomic():
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
