"""
Reading sale prices: catalog's read model of promotions' sales
(``VariantSalePrice``, kept by ``services.sales``).

A variant's price at ``now`` is the lowest of its own price and the prices of
its rows that have started and not ended at ``now``, computed in the query
(``with_sale_price``), so listings sort and filter by it and nothing has to
run when a sale starts or ends. What changes by time alone is bounded by
``next_boundary``: the cached pages never outlive it (``cache.py``).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from shop.core import prepared
from shop.core.money import quantize

from .db import db
from .models import VariantSalePrice


def reduced_price(price: Decimal, kind: str, value: Decimal) -> Decimal:
    """``price`` less a sale's reduction, half up to the cent, never below 0."""
    if kind == "percent":
        reduced = price * (Decimal(100) - value) / Decimal(100)
    elif kind == "fixed":
        reduced = price - value
    else:
        return price
    return max(quantize(reduced), quantize(0))


def _running(now) -> Q:
    return Q(starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def with_sale_price(variants: QuerySet, now=None) -> QuerySet:
    """
    Annotate ``current_price`` (the price charged at ``now``) and, from the
    cheapest sale running then, ``sale_name`` and ``sale_ends_at`` (None when
    no sale lowers the price).
    """
    now = now or timezone.now()
    best = (
        VariantSalePrice.objects.filter(_running(now), variant=OuterRef("pk"))
        .filter(price__lt=OuterRef("price"))
        .order_by("price", "sale_id")
    )
    return variants.annotate(
        sale_price=Subquery(best.values("price")[:1]),
        sale_name=Subquery(best.values("sale_name")[:1]),
        sale_ends_at=Subquery(best.values("ends_at")[:1]),
    ).annotate(current_price=Least(F("price"), Coalesce(F("sale_price"), F("price"))))


@dataclass(frozen=True)
class Pricing:
    """
    What a variant costs now and what the storefront shows beside it:
    ``compare_at_price`` is the higher of the staff's compare-at price and
    the regular price while a sale lowers it.
    """

    price: Decimal
    regular_price: Decimal
    compare_at_price: Decimal | None
    sale_name: str | None = None
    sale_ends_at: datetime | None = None

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price


def pricing(
    regular: Decimal,
    compare_at: Decimal | None,
    current: Decimal | None = None,
    sale_name: str | None = None,
    sale_ends_at: datetime | None = None,
) -> Pricing:
    if current is None or current >= regular or not sale_name:
        return Pricing(price=regular, regular_price=regular, compare_at_price=compare_at)
    return Pricing(
        price=current,
        regular_price=regular,
        compare_at_price=max(regular, compare_at or regular),
        sale_name=sale_name,
        sale_ends_at=sale_ends_at,
    )


def variant_pricing(variant) -> Pricing:
    """The ``Pricing`` of a variant annotated by ``with_sale_price``."""
    return pricing(
        variant.price,
        variant.compare_at_price,
        getattr(variant, "current_price", None),
        getattr(variant, "sale_name", None),
        getattr(variant, "sale_ends_at", None),
    )


def next_boundary(now=None) -> datetime | None:
    """
    The first instant after ``now`` at which some variant's sale starts or
    ends: two index probes in one query, whatever the number of rows,
    compiled once per thread (``shop.core.prepared``).
    """
    now = now or timezone.now()
    rows = prepared.read("catalog.sale_boundary", _boundaries, now, using=db.alias)
    found = (rows[0]["starts"], rows[0]["ends"]) if rows else ()
    return min((at for at in found if at is not None), default=None)


def _boundaries(now) -> QuerySet:
    """
    The next start and end after ``now`` as two subqueries on any one row of
    the table (none: no sale price at all, so no boundary), unordered: the
    row only carries them.
    """

    def first(field: str) -> Subquery:
        later = VariantSalePrice.objects.filter(**{f"{field}__gt": now}).order_by(field)
        return Subquery(later.values(field)[:1])

    return (
        VariantSalePrice.objects.order_by()
        .annotate(starts=first("starts_at"), ends=first("ends_at"))
        .values("starts", "ends")[:1]
    )
