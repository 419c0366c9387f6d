"""
``ProductUpdated``: what staff changed about a product, announced once per
product per change. The admin, the staff API and the import gather the
products their saves touch (``gathered``) and announce each once at the end
of the block, inside its transaction, as it then stands; a save outside such
a block announces its product at once.

``StockLow``: a change that takes a variant's available units (on hand less
active holds) from above the threshold to it or below announces it, once
per crossing. A hold or a sale of a lapsed hold knows both numbers already
(``crossed``: no query). A save that lowers stock on hand (a stock count or
adjustment, the admin, an import: ``stock_lowered``, from the ``Variant``
signal) reads the holds of the variants that could have crossed in one
query at the end of the ``gathered`` block, or at once outside one; a save
that raises stock, or lowers it from the threshold or below, reads nothing.
"""

import threading
from contextlib import contextmanager

from django.utils import timezone

from shop.core.messaging import publish

from ..db import db
from ..events import ProductUpdated, StockLow, VariantState
from ..models import Product, Variant
from ..selectors import low_stock_threshold, reserved_quantity

# Variants per query when an import lowers the stock of thousands.
CHUNK = 1000

_pending = threading.local()


def product_changed(product_id: int) -> None:
    """Announce ``product_id`` now, or at the end of the surrounding ``gathered`` block."""
    ids = getattr(_pending, "ids", None)
    if ids is not None:
        ids.add(product_id)
    else:
        announce([product_id])


@contextmanager
def gathered():
    """
    Gather ``product_changed`` and ``stock_lowered`` calls inside the block;
    at its end announce each product once, and each variant whose stock fell
    across the threshold once (as it then stands).
    """
    if getattr(_pending, "ids", None) is not None:
        yield
        return
    _pending.ids, _pending.lowered = set(), {}
    try:
        yield
        ids, lowered = _pending.ids, _pending.lowered
    finally:
        _pending.ids = _pending.lowered = None
    announce(ids)
    fell(lowered)


def announce(product_ids) -> None:
    """Publish ``ProductUpdated`` for each product that still exists (two queries for all)."""
    if not product_ids:
        return
    with db.atomic():
        products = Product.objects.filter(pk__in=sorted(product_ids)).prefetch_related("variants")
        for product in products:
            publish(
                ProductUpdated(
                    product_id=product.pk,
                    slug=product.slug,
                    title=product.name,
                    is_active=product.is_active,
                    category_id=product.category_id,
                    variants=tuple(
                        VariantState(
                            sku=variant.sku,
                            price=variant.price,
                            compare_at_price=variant.compare_at_price,
                            is_active=variant.is_active,
                        )
                        for variant in sorted(
                            product.variants.all(), key=lambda v: (v.position, v.sku)
                        )
                    ),
                )
            )


def crossed(before: dict[str, int], taken: dict[str, int]) -> None:
    """
    Announce ``StockLow`` for each SKU whose availability ``before`` was above
    the threshold and is at or below it once ``taken`` is held (in the
    caller's transaction on catalog's database).
    """
    threshold = low_stock_threshold()
    for sku, quantity in taken.items():
        available = before.get(sku, 0)
        if available > threshold >= available - quantity:
            publish(StockLow(sku=sku, available=available - quantity, threshold=threshold))


def stock_lowered(variant_id: int, before: int, after: int) -> None:
    """
    Stock on hand of ``variant_id`` went from ``before`` to ``after``:
    announce ``StockLow`` if that took its availability across the threshold,
    now or at the end of the surrounding ``gathered`` block (against the first
    ``before`` the block saw).
    """
    if after >= before:
        return
    lowered = getattr(_pending, "lowered", None)
    if lowered is not None:
        lowered.setdefault(variant_id, before)
    else:
        fell({variant_id: before})


def fell(lowered: dict[int, int]) -> None:
    """
    Announce ``StockLow`` for each variant (id: stock on hand before) whose
    availability before was above the threshold and is at or below it now,
    counting the holds active now; only a variant for sale counts (as the
    low-stock list). No query unless some variant had more than the
    threshold on hand before, then one per ``CHUNK`` of them.
    """
    threshold = low_stock_threshold()
    candidates = sorted(pk for pk, before in lowered.items() if before > threshold)
    if not candidates:
        return
    now = timezone.now()
    with db.atomic(savepoint=False):
        for start in range(0, len(candidates), CHUNK):
            rows = (
                Variant.objects.filter(
                    pk__in=candidates[start : start + CHUNK],
                    is_active=True,
                    product__is_active=True,
                )
                .annotate(reserved=reserved_quantity(now))
                .order_by("sku")
                .values_list("pk", "sku", "stock_on_hand", "reserved")
            )
            for pk, sku, on_hand, reserved in rows:
                available = max(on_hand - reserved, 0)
                if max(lowered[pk] - reserved, 0) > threshold >= available:
                    publish(StockLow(sku=sku, available=available, threshold=threshold))
