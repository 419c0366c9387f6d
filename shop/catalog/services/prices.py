"""Prices and compare-at prices of variants, in the store currency."""

from decimal import Decimal, InvalidOperation

from shop.core.money import quantize

from ..cache import catalog_changed
from ..db import db
from ..errors import InvalidPrice, VariantNotFound
from ..models import PRICE_DIGITS, Variant
from .locks import locked_variant

# "Leave the compare-at price as it is" (``None`` clears it).
UNSET = object()
MAX_PRICE = Decimal(10) ** (PRICE_DIGITS["max_digits"] - PRICE_DIGITS["decimal_places"])


def _money(value, field: str) -> Decimal:
    try:
        amount = quantize(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidPrice(f"The {field} must be an amount, not {value!r}.") from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_PRICE:
        raise InvalidPrice(
            f"The {field} must be between 0 and {MAX_PRICE - Decimal('0.01')}, not {value}."
        )
    return amount


def current_price(sku: str) -> Decimal:
    """The price of ``sku``, its row locked until the transaction ends; ``VariantNotFound``."""
    price = Variant.objects.select_for_update().filter(sku=sku).values_list("price", flat=True)
    if not price:
        raise VariantNotFound(f"No product variant has the SKU {sku!r}.", sku=sku)
    return price[0]


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
    with db.atomic():
        variant = locked_variant(sku)
        variant.price = price
        if compare_at_price is not UNSET:
            variant.compare_at_price = compare_at_price
        variant.save(update_fields=fields)
        catalog_changed()
        return variant
