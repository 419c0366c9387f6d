"""
The delivery methods a checkout offers (``ORDERS_SHIPPING_METHODS``) and what
each costs for an order's subtotal: standard is free from
``ORDERS_FREE_SHIPPING_THRESHOLD``.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from shop.core.money import quantize

from ..errors import InvalidShippingMethod


@dataclass(frozen=True)
class ShippingOption:
    code: str
    name: str
    price: Decimal


def shipping_options(subtotal: Decimal) -> tuple[ShippingOption, ...]:
    """The methods offered for an order of ``subtotal``, with their price for it."""
    threshold = Decimal(settings.ORDERS_FREE_SHIPPING_THRESHOLD)
    options = []
    for code, method in settings.ORDERS_SHIPPING_METHODS.items():
        price = quantize(Decimal(method["price"]))
        if method.get("free_over_threshold") and subtotal >= threshold:
            price = quantize(Decimal(0))
        options.append(ShippingOption(code=code, name=method["name"], price=price))
    return tuple(options)


def shipping_option(method: str, subtotal: Decimal) -> ShippingOption:
    """The option ``method`` for ``subtotal``; raises ``InvalidShippingMethod``."""
    for option in shipping_options(subtotal):
        if option.code == method:
            return option
    choices = ", ".join(settings.ORDERS_SHIPPING_METHODS)
    raise InvalidShippingMethod(f"Choose a shipping method: {choices}.", choices=choices)


def method_name(code: str) -> str:
    """ "Standard delivery" for "standard"; the code itself for a method no longer offered."""
    method = settings.ORDERS_SHIPPING_METHODS.get(code)
    return method["name"] if method else code
