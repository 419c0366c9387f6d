"""
The shipping service's interface for other apps: functions that take and
return plain data (``data.py``) and the exceptions they raise. Everything
else in shop.shipping is private.

Orders asks for the delivery methods of a country, priced for the order, when
a checkout page is shown and when a checkout starts, and freezes the chosen
one's code, name, price and carrier in the checkout: later changes to zones
and rates do not touch a checkout or an order.
"""

from decimal import Decimal

from shop.core.interfaces import idempotent

from . import selectors as _selectors
from .data import ShippingQuote
from .errors import ShippingUnavailable

__all__ = ["ShippingQuote", "ShippingUnavailable", "quote"]


@idempotent
def quote(country: str, subtotal: Decimal, weight_grams: int) -> tuple[ShippingQuote, ...]:
    """
    The delivery methods offered to ``country`` (ISO 3166-1 alpha-2, "DE") for
    an order of ``subtotal`` (store currency) weighing ``weight_grams``, each
    with its price for it, in the order staff gave them; never empty. Raises
    ``ShippingUnavailable`` (422, ``shipping_unavailable``) when no zone serves
    the country (or it is not a country), or none of its methods takes the
    order (heavier than every weight band).
    """
    return _selectors.quote(country, subtotal, weight_grams)
