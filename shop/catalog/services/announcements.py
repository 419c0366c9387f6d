"""
``ProductUpdated``: what staff changed about a product, announced once per
product per change. The admin, the staff API and the import gather the
products their saves touch (``gathered``) and announce each once at the end
of the block, inside its transaction, as it then stands; a save outside such
a block announces its product at once.

``StockLow``: a hold that takes a variant's available units from above the
threshold to it or below announces it (``crossed``); holds that leave it
where it was announce nothing and cost nothing.
"""

import threading
from contextlib import contextmanager

from shop.core.messaging import publish

from ..db import db
from ..events import ProductUpdated, StockLow, VariantState
from ..models import Product
from ..selectors import low_stock_threshold

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
    """Gather ``product_changed`` calls inside the block; announce each product once at its end."""
    if getattr(_pending, "ids", None) is not None:
        yield
        return
    _pending.ids = set()
    try:
        yield
        ids = _pending.ids
    finally:
        _pending.ids = None
    announce(ids)


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
