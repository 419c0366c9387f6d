"""
The catalog's read on every cart and checkout step, compiled once.

``variant_infos`` answers from one query that joins the product and its
category chain and carries five subqueries (availability, three of the sale
price, the first image). PostgreSQL answers it in well under a millisecond;
building and compiling it in the ORM cost a web process several times that
on every call. So ``shop.core.prepared`` has the ORM build and compile it once
per thread, database and number of SKUs, and each call runs that SQL again
with its own SKUs and instant (decisions 0039, 0042).
``selectors.variants_with_first_image`` stays the one definition of the
query: a test checks both answer the same. A listing's count
(``listed_count``, decision 0044) is compiled once per filter shape too.
"""

from collections.abc import Iterable
from functools import partial

from shop.core import prepared

from .db import db


def variant_info_rows(skus: Iterable[str], now=None) -> list[dict]:
    """``variants_with_first_image(skus, now).values(*VARIANT_INFO_VALUES)``, ordered by SKU."""
    from django.utils import timezone

    wanted = sorted(set(skus))
    if not wanted:
        return []
    return prepared.read(
        "catalog.variant_infos", _variant_infos, *wanted, now or timezone.now(), using=db.alias
    )


def _variant_infos(*values):
    from .selectors import VARIANT_INFO_VALUES, variants_with_first_image

    *skus, now = values
    return variants_with_first_image(skus, now).values(*VARIANT_INFO_VALUES)


def sellable_rows(variant_ids: Iterable[int], now) -> list[dict]:
    """
    ``sku``, ``available``, ``is_active`` and ``product__is_active`` of the
    variants ``variant_ids`` at ``now`` (``selectors.with_availability``), as
    every hold of stock reads them right after locking them.
    """
    ids = sorted(set(variant_ids))
    if not ids:
        return []
    return prepared.read("catalog.sellable", _sellable, now, *ids, using=db.alias)


def _sellable(now, *ids):
    from .models import Variant
    from .selectors import with_availability

    return with_availability(Variant.objects.filter(pk__in=ids), now).values(
        "sku", "available", "is_active", "product__is_active"
    )


def listed_count(category_ids: Iterable[int] | None, in_stock: bool, now) -> int:
    """
    ``selectors.listing_count`` for a listing of ``category_ids`` (None:
    every category), only what is in stock at ``now`` if ``in_stock``.
    """
    from .selectors import listed_count_query

    by_category = category_ids is not None
    values = [*([now] if in_stock else []), *sorted(set(category_ids or ()))]
    build = partial(listed_count_query, in_stock, by_category)
    key = ("catalog.listed_count", in_stock, by_category)
    rows = prepared.read(key, build, *values, using=db.alias)
    # No row at all: nothing was ever listed.
    return rows[0]["listed"] if rows else 0


def overtaken_listing(now) -> bool:
    """Whether some product's stored listing prices are past their moment at ``now``."""
    return bool(prepared.read("catalog.overtaken", _overtaken, now, using=db.alias))


def _overtaken(now):
    from .models import Product

    return Product.objects.filter(list_valid_until__lte=now).order_by().values("pk")[:1]


def first_listing_rows(filters, now, size: int) -> list:
    """
    ``list(selectors.product_listing(filters, now)[:size])`` for ``filters``
    of categories, stock and ordering alone (no search, no price range).
    """
    if filters.category_ids == ():
        return []
    overtaken = overtaken_listing(now)
    by_category = filters.category_ids is not None
    shape = (filters.ordering, filters.in_stock, by_category, overtaken, size)
    build = partial(_first_listing_rows, *shape)
    ids = sorted(set(filters.category_ids or ()))
    return prepared.read(("catalog.first_listing_rows", *shape), build, now, *ids, using=db.alias)


def _first_listing_rows(ordering, in_stock, by_category, overtaken, size, now, *ids):
    from .selectors import ProductFilters, product_listing

    filters = ProductFilters(
        category_ids=tuple(ids) if by_category else None, in_stock=in_stock, ordering=ordering
    )
    return product_listing(filters, now, overtaken=overtaken)[:size]
