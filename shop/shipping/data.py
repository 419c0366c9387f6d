"""
The plain data the shipping service's public functions return: frozen
dataclasses of the standard library's types only, so a client of the
shipping service can use them without Django.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ShippingQuote:
    """
    One delivery method offered for an order, priced for it. ``code`` is what
    a checkout names and an order keeps ("standard"); it is unique within the
    zone that serves the country, so the same code may cost differently to
    another country. ``carrier`` names the carrier that books its parcels
    (a key of ``SHIPPING_CARRIERS``), or is ``""`` for the shop's default
    carrier (``ORDERS_CARRIER``). ``free_from`` is the order value from which
    the method costs nothing (``None``: never free).
    """

    code: str
    name: str
    price: Decimal
    carrier: str
    zone: str
    free_from: Decimal | None = None
