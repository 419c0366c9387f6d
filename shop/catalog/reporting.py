"""
The catalog's part of the sales dashboard: where each SKU sold sits (its
product and category, to add sales up by product and category) and the
variants running low. A constant number of queries: the SKUs travel as one
parameter (an array on PostgreSQL, a JSON list on SQLite), however many a
year of sales names.
"""

import json

from django.db.models import F
from django.db.models.expressions import RawSQL

from .data import LowStock, LowStockVariant, SkuPlace
from .db import db
from .models import Variant
from .selectors import low_stock_threshold, sellable_variants, with_availability

PATH_SEPARATOR = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "


def one_parameter(values: list[str]) -> RawSQL:
    """``values`` as a subquery of one parameter, for ``<column>__in``."""
    if db.connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", [values])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(values)])


# The product's category and the two above it, read in the same row as the SKU.
_LEVELS = ("product__category", "product__category__parent", "product__category__parent__parent")


def sku_places(skus: list[str]) -> dict[str, SkuPlace]:
    wanted = sorted(set(skus))
    if not wanted:
        return {}
    rows = (
        Variant.objects.filter(sku__in=one_parameter(wanted))
        .order_by()
        .values(
            "sku",
            "product_id",
            "product__name",
            *(f"{level}__{field}" for level in _LEVELS for field in ("id", "name")),
            f"{_LEVELS[-1]}__parent_id",
        )
    )
    return {row["sku"]: _place(row) for row in rows}


def _place(row: dict) -> SkuPlace:
    names = [row[f"{level}__name"] for level in _LEVELS if row[f"{level}__id"] is not None]
    if row[f"{_LEVELS[-1]}__parent_id"] is not None:
        names.append("…")
    return SkuPlace(
        sku=row["sku"],
        product_id=row["product_id"],
        product_name=row["product__name"],
        category_id=row[f"{_LEVELS[0]}__id"],
        category=PATH_SEPARATOR.join(reversed(names)),
    )


def low_stock(limit: int) -> LowStock:
    threshold = low_stock_threshold()
    low = with_availability(sellable_variants()).filter(available__lte=threshold)
    listed = low.select_related("product").order_by("available", F("stock_on_hand").asc(), "sku")[
        : max(0, min(limit, 500))
    ]
    return LowStock(
        threshold=threshold,
        count=low.count(),
        variants=tuple(
            LowStockVariant(
                sku=variant.sku,
                name=_variant_name(variant),
                available=variant.available,
                stock_on_hand=variant.stock_on_hand,
                reserved=variant.reserved,
            )
            for variant in listed
        ),
    )


def _variant_name(variant: Variant) -> str:
    return f"{variant.product.name} — {variant.label}" if variant.label else variant.product.name
