"""
The listing columns of a product (``Product.list_*`` and ``in_stock_from``):
what the storefront's lists and the products API sort, filter and show,
stored so a page is an index scan instead of a subquery per product over its
variants, sale prices and reservations (decision 0034).

Every write that changes what they are computed from refreshes the products
it touched: a variant saved or deleted (``signals``: prices, stock on hand,
active flags, a new variant), the sale prices (``services.sales``) and the
holds (``services.reservations``). What changes by time alone is stored
with its moment, so no job has to run at that instant:

- ``in_stock_from`` is when the product is in stock (long past when it is
  now; when a hold expires if only holds keep it out; empty if only a stock
  change can bring it back), so "in stock at ``now``" is ``in_stock_from <=
  now``, exact at any instant;
- the prices hold until ``list_valid_until``, the next start or end of a sale
  on one of its variants. A listing computes the rows past it afresh
  (``selectors.product_listing``), and ``refresh_due`` (a periodic task)
  stores them again, which only makes those listings fast again.

Inside ``deferred()`` the refreshes of a block are gathered and run once at
its end (an import or a commit of many lines).
"""

from collections.abc import Iterable
from contextlib import contextmanager
from datetime import datetime
from threading import local

from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from ..db import db
from ..models import Product, Reservation, ReservationLine, Variant, VariantSalePrice
from ..selectors import LONG_AGO, listing_values, regular_listing_values

# From this many products on, a refresh prices those without a sale price apart.
MANY = 50

_pending = local()


def _next_boundary(now: datetime) -> Subquery:
    """The first sale start or end after ``now`` among the product's active variants."""
    at = Case(
        When(starts_at__gt=now, then=F("starts_at")),
        default=F("ends_at"),
        output_field=DateTimeField(),
    )
    rows = (
        VariantSalePrice.objects.filter(variant__product=OuterRef("pk"), variant__is_active=True)
        .annotate(at=at)
        .filter(at__gt=now)
        .order_by("at")
    )
    return Subquery(rows.values("at")[:1])


def _available_now(now: datetime) -> Exists:
    held = (
        ReservationLine.objects.filter(
            variant=OuterRef("pk"),
            reservation__status=Reservation.Status.ACTIVE,
            reservation__expires_at__gt=now,
        )
        .order_by()
        .values("variant")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    available = Greatest(
        F("stock_on_hand") - Coalesce(Subquery(held, output_field=IntegerField()), Value(0)),
        Value(0),
    )
    return Exists(
        Variant.objects.filter(product=OuterRef("pk"), is_active=True, stock_on_hand__gt=0)
        .annotate(available=available)
        .filter(available__gt=0)
    )


def _back_in_stock(now: datetime) -> Subquery:
    """
    For a product out of stock at ``now`` only because of holds: the expiry of
    the first hold whose end leaves a unit free (stock on hand above the holds
    still running after it). A hold stops counting at its expiry.
    """
    still_held = (
        ReservationLine.objects.filter(
            variant=OuterRef("variant"),
            reservation__status=Reservation.Status.ACTIVE,
            reservation__expires_at__gt=OuterRef("reservation__expires_at"),
        )
        .order_by()
        .values("variant")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    freeing = (
        ReservationLine.objects.filter(
            variant__product=OuterRef("pk"),
            variant__is_active=True,
            variant__stock_on_hand__gt=0,
            reservation__status=Reservation.Status.ACTIVE,
            reservation__expires_at__gt=now,
        )
        .annotate(still_held=Coalesce(Subquery(still_held, output_field=IntegerField()), Value(0)))
        .filter(variant__stock_on_hand__gt=F("still_held"))
        .order_by("reservation__expires_at")
    )
    return Subquery(freeing.values("reservation__expires_at")[:1])


def refresh(product_ids: Iterable[int] | None = None, now: datetime | None = None) -> None:
    """
    Store the listing columns of these products (all of them with ``None``) as
    they are at ``now``: one ``UPDATE`` (two for more than ``MANY``).
    """
    ids = None if product_ids is None else set(product_ids)
    if ids is not None and not ids:
        return
    if ids is not None and getattr(_pending, "ids", None) is not None:
        _pending.ids.update(ids)
        return
    now = now or timezone.now()
    products = Product.objects.all() if ids is None else Product.objects.filter(pk__in=ids)
    in_stock_from = Case(
        When(_available_now(now), then=Value(LONG_AGO)),
        default=_back_in_stock(now),
        output_field=DateTimeField(),
    )
    priced = {
        **listing_values(now),
        "list_valid_until": _next_boundary(now),
        "in_stock_from": in_stock_from,
    }
    if ids is not None and len(ids) <= MANY:
        products.update(**priced)
        return
    # Most products of a big batch have no sale price: the plain prices are cheaper.
    on_sale = Exists(VariantSalePrice.objects.filter(variant__product=OuterRef("pk")))
    with db.atomic():
        products.exclude(on_sale).update(
            **regular_listing_values(), list_valid_until=None, in_stock_from=in_stock_from
        )
        products.filter(on_sale).update(**priced)


def refresh_due(now: datetime | None = None, *, batch_size: int = 2000) -> int:
    """Store again the products whose prices a sale start or end has overtaken; how many."""
    now = now or timezone.now()
    total = 0
    while True:
        due = list(
            Product.objects.filter(list_valid_until__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        refresh(due, now)
        total += len(due)
        if len(due) < batch_size:
            return total


def refresh_variants(variant_ids: Iterable[int]) -> None:
    """Refresh the products of these variants."""
    ids = list(variant_ids)
    if ids:
        refresh(Variant.objects.filter(pk__in=ids).values_list("product_id", flat=True))


@contextmanager
def deferred(*, discard: bool = False):
    """
    Gather the refreshes asked for inside the block and run them once at its
    end; with ``discard``, drop them (the block deletes those products).
    """
    if getattr(_pending, "ids", None) is not None:
        yield
        return
    _pending.ids = set()
    try:
        yield
        ids = _pending.ids
    finally:
        _pending.ids = None
    if not discard:
        refresh(ids)
