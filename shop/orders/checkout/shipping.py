"""
The delivery methods a checkout offers, asked of the shipping service
(``shop.shipping.public.quote``): those of the zone serving the address's
country, priced for the order's value and weight. The checkout freezes the
chosen one's code, name, price and carrier; the shipping service's later
changes touch no checkout or order.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from shop.cart import public as cart
from shop.catalog import public as catalog
from shop.core.money import quantize
from shop.shipping import public as shipping

from ..errors import InvalidShippingMethod

ShippingOption = shipping.ShippingQuote
ShippingUnavailable = shipping.ShippingUnavailable


def goods_value(lines: Iterable, variants: Mapping[str, catalog.VariantInfo]) -> Decimal:
    """What ``(sku, quantity)`` lines cost at the catalog's prices (unknown SKUs: nothing)."""
    return quantize(
        sum(
            (variants[line.sku].price * line.quantity for line in lines if line.sku in variants),
            Decimal(0),
        )
    )


def cart_weight(lines: Iterable, variants: Mapping[str, catalog.VariantInfo]) -> int:
    """The grams of ``(sku, quantity)`` lines (cart or checkout lines), by the catalog's weights."""
    return sum(
        variants[line.sku].weight_grams * line.quantity for line in lines if line.sku in variants
    )


def shipping_options(
    country: str, subtotal: Decimal, weight_grams: int
) -> tuple[ShippingOption, ...]:
    """The methods offered to ``country`` for this order; raises ``ShippingUnavailable``."""
    return shipping.quote(country, subtotal, weight_grams)


def shipping_option(
    method: str, country: str, subtotal: Decimal, weight_grams: int
) -> ShippingOption:
    """
    The option ``method`` for this order; raises ``ShippingUnavailable`` (the
    country, or this order, is not served) or ``InvalidShippingMethod`` (not
    one of the methods offered there, which it names).
    """
    options = shipping_options(country, subtotal, weight_grams)
    for option in options:
        if option.code == method:
            return option
    choices = ", ".join(option.code for option in options)
    raise InvalidShippingMethod(
        f"Choose a shipping method offered for this address: {choices}.", choices=choices
    )


def options_for_cart(owner: dict, country: str) -> tuple[Decimal, int, tuple]:
    """
    ``(subtotal, weight, options)`` of the cart as it is now, to ``country``;
    ``owner`` names it (``{"user_id": …}`` or a guest's ``{"cart_key": …}``).
    """
    lines = cart.get_cart_lines(**owner)
    variants = catalog.get_variants(line.sku for line in lines)
    subtotal, weight = goods_value(lines, variants), cart_weight(lines, variants)
    return subtotal, weight, shipping_options(country, subtotal, weight)


def method_name(record) -> str:
    """A checkout's or order's method as its customer saw it ("Standard delivery …")."""
    return record.shipping_method_name or record.shipping_method
