"""
Stock reservations: what a checkout holds until it is paid (committed as a
sale), released, or expired. Availability is stock on hand minus the active,
unexpired holds (``selectors.with_availability``); a hold taken or given back
refreshes its products' listing columns (``listing``), and one that expires
needs nothing: they hold the instant it frees a unit.

Locks: the reservation's row first, then the variants in primary-key order;
every writer takes them in that order.

A new key, what every checkout brings, is held in four statements and no
savepoint: the reservation's insert (``ON CONFLICT DO NOTHING``: a key that
exists is left to the general path), the variants' lock, their availability
and the lines. Nothing is written before the stock is known to be there
but the reservation's own row, which a shortage deletes again, so a caller's
transaction that carries on after ``OutOfStock`` holds nothing either.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError
from django.db.models import F
from django.db.models.constants import OnConflict
from django.utils import timezone

from shop.core.db import update_returning
from shop.core.messaging import publish

from ..cache import catalog_changed
from ..data import ReservationInfo, Shortage, StockLine
from ..db import db
from ..errors import OutOfStock, ReservationCommitted, ReservationNotFound
from ..events import ReservationExpired
from ..models import Product, Reservation, ReservationLine, StockMovement, Variant
from ..prepared import sellable_rows
from . import announcements, listing
from .lines import check_key, merge_lines
from .locks import locked_variants
from .stock import move_stocks


def _sellable_quantities(variants: list[Variant], now: datetime) -> dict[str, int]:
    """
    What each locked variant can still sell: on hand minus active holds, or 0
    when the variant or its product is inactive. A separate statement from the
    lock, so that on PostgreSQL it sees every hold committed before the lock was
    granted.
    """
    return {
        row["sku"]: row["available"] if row["is_active"] and row["product__is_active"] else 0
        for row in sellable_rows([variant.pk for variant in variants], now)
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


def _inserted(reservation: Reservation) -> bool:
    """
    Insert ``reservation`` unless its key exists, in one statement that
    returns its id; whether it was new. A concurrent insert of the same key
    waits for the other transaction and then finds the key taken.
    """
    fields = [field for field in Reservation._meta.concrete_fields if not field.primary_key]
    rows = Reservation._base_manager._insert(
        [reservation],
        fields=fields,
        returning_fields=[Reservation._meta.pk],
        using=db.alias,
        on_conflict=OnConflict.IGNORE,
    )
    if not (rows and rows[0]):
        return False
    reservation.pk = rows[0][0]
    reservation._state.adding, reservation._state.db = False, db.alias
    return True


def _reserve_new(key: str, wanted: dict[str, int], now: datetime, ttl: timedelta):
    """
    Hold ``wanted`` under a key never used before; ``None`` when the key
    exists. No savepoint inside a caller's transaction: ``OutOfStock`` is
    raised once the block is left, having deleted the reservation's row, and
    any other exception leaves that transaction to be rolled back whole.
    """
    with db.atomic(savepoint=False):
        reservation = Reservation(key=key, created_at=now, expires_at=now + ttl)
        if not _inserted(reservation):
            return None
        variants = locked_variants(wanted)
        can_sell = _sellable_quantities(variants, now)
        shortages = _shortages(wanted, can_sell)
        if shortages:
            Reservation.objects.filter(pk=reservation.pk).delete()
        else:
            by_sku = {variant.sku: variant for variant in variants}
            ReservationLine.objects.bulk_create(
                ReservationLine(reservation=reservation, variant=by_sku[sku], quantity=quantity)
                for sku, quantity in wanted.items()
            )
            # A product stays in stock while each variant held has units left;
            # one whose last units this takes may now be out until a hold ends.
            listing.refresh(
                {v.product_id for v in variants if can_sell[v.sku] <= wanted[v.sku]}, now
            )
            catalog_changed()
            announcements.crossed(can_sell, wanted)
    if shortages:
        raise OutOfStock(shortages)
    return _info(reservation, wanted)


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
    if (new := _reserve_new(key, wanted, now, ttl)) is not None:
        return new
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
        can_sell = _sellable_quantities(variants, now)
        shortages = _shortages(wanted, can_sell)
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
        announcements.crossed(can_sell, wanted)
        return _info(reservation, wanted)


def commit_reservation(key: str, *, now=None) -> ReservationInfo:
    """
    Sell what ``key`` holds: stock on hand goes down by each line, recorded as
    a ``sale:<key>`` movement. A reservation that expired or was released is
    sold only if the stock is still free (checked under the same locks).

    An active reservation is marked committed first, by the ``UPDATE`` that
    locks its row, then its variants are locked with what it holds, and their
    stock and movements written: four statements however many lines. No
    savepoint: what it refuses (``ReservationNotFound``, ``OutOfStock``) it
    raises once its block is left, having written nothing (a reservation
    marked committed is marked active again), so a caller that catches the
    refusal (the order's completion) goes on with its own transaction.
    Selling what is held leaves availability as it was; selling a lapsed
    hold lowers it and may announce ``StockLow`` (no query more).
    """
    now = now or timezone.now()
    with db.atomic(savepoint=False):
        outcome = _commit(key, now)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _commit(key: str, now: datetime) -> ReservationInfo | Exception:
    reservation = _claim_active(key, now) if isinstance(key, str) else None
    claimed = reservation is not None
    if not claimed:
        reservation = _lock_reservation(key) if isinstance(key, str) else None
        if reservation is None:
            return ReservationNotFound(f"No stock reservation has the key {key!r}.", key=key)
        if reservation.status == Reservation.Status.COMMITTED:
            return _info(reservation, _held(reservation))
    variants = _locked_held_variants(reservation)
    held = {variant.sku: variant.held for variant in variants}
    still_held = claimed or (
        reservation.status == Reservation.Status.ACTIVE and reservation.expires_at > now
    )
    if still_held:
        can_sell = {variant.sku: variant.stock_on_hand for variant in variants}
    else:
        can_sell = _sellable_quantities(variants, now)
    shortages = _shortages(held, can_sell)
    if shortages:
        if claimed:
            Reservation.objects.filter(pk=reservation.pk).update(
                status=Reservation.Status.ACTIVE, closed_at=None
            )
        return OutOfStock(shortages)
    move_stocks(
        {variant: -variant.held for variant in variants},
        StockMovement.Reason.SALE,
        key=f"sale:{key}",
    )
    if not claimed:
        reservation.status = Reservation.Status.COMMITTED
        reservation.closed_at = now
        reservation.save(update_fields=["status", "closed_at"])
    if not still_held:
        # A lapsed hold sold anyway takes units that were for sale again.
        announcements.crossed(can_sell, held)
    # Selling what is still held leaves what can be sold as it was: only a
    # product that holds keep out of stock until one expires has a new moment.
    listing.refresh(
        {
            variant.product_id
            for variant in variants
            if not still_held
            or (variant.product_in_stock_from is not None and variant.product_in_stock_from > now)
        },
        now,
    )
    return _info(reservation, held)


def _claim_active(key: str, now: datetime) -> Reservation | None:
    """
    The reservation ``key`` marked committed if it is active and unexpired,
    in the one statement that also locks its row; ``None`` if it is not
    (unknown, closed or expired: ``_commit`` then locks it and looks).
    """
    rows = update_returning(
        Reservation.objects.filter(key=key, status=Reservation.Status.ACTIVE, expires_at__gt=now),
        ("id", "created_at", "expires_at"),
        status=Reservation.Status.COMMITTED,
        closed_at=now,
    )
    if not rows:
        return None
    ((pk, created_at, expires_at),) = rows
    return Reservation(
        pk=pk,
        key=key,
        status=Reservation.Status.COMMITTED,
        created_at=created_at,
        expires_at=expires_at,
        closed_at=now,
    )


def _locked_held_variants(reservation: Reservation) -> list[Variant]:
    """
    The variants ``reservation`` holds, locked in primary-key order, each with
    the quantity held (``held``) and its product's ``in_stock_from``: the lock
    and ``_held`` in one query.
    """
    return list(
        Variant.objects.select_for_update(of=("self",))
        .filter(reservation_lines__reservation=reservation)
        .annotate(
            held=F("reservation_lines__quantity"),
            product_in_stock_from=F("product__in_stock_from"),
        )
        .order_by("pk")
    )


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
            now = now or timezone.now()
            reservation.status = Reservation.Status.RELEASED
            reservation.closed_at = now
            reservation.save(update_fields=["status", "closed_at"])
            # Units coming back leave a product in stock now as it was (its prices
            # too): only one that holds kept out of stock gets a new moment.
            held_out = (
                Product.objects.filter(variants__reservation_lines__reservation=reservation)
                .exclude(in_stock_from__lte=now)
                .values_list("pk", flat=True)
            )
            listing.refresh(held_out, now)
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
