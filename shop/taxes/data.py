"""
The plain data the taxes service's public functions take and return: frozen
dataclasses of the standard library's types only. Rates are percentages
(``Decimal("19.00")`` is 19 %); amounts are in the store currency.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class TaxClassInfo:
    """A tax class products are sold under: ``standard``, ``reduced``, ``zero`` …"""

    code: str
    name: str


@dataclass(frozen=True)
class TaxRateInfo:
    """The rate of a class in a country from ``valid_from`` to ``valid_until`` (inclusive)."""

    country: str
    tax_class: str
    rate: Decimal
    valid_from: date
    valid_until: date | None


@dataclass(frozen=True)
class TaxableLine:
    """
    One line to tax: ``key`` is the caller's (orders uses the SKU), ``amount``
    the line's price (unit price * quantity) as the catalog states it, gross or
    net according to ``prices_include_tax``.
    """

    key: str
    tax_class: str
    amount: Decimal


@dataclass(frozen=True)
class TaxedLine:
    """A line taxed: ``net + tax == gross`` to the cent; ``rate`` in percent (0 when untaxed)."""

    key: str
    tax_class: str
    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True)
class RateTotal:
    """The lines (and shipping) taxed at one ``rate``, added up."""

    rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal


@dataclass(frozen=True)
class TaxedBasket:
    """
    The tax of a basket shipped to ``country``. ``taxed`` is false when the
    country has no rates in force (outside the shop's tax zone: no tax
    charged, and gross catalog prices drop to their net at the home rate).
    ``totals`` has one entry per rate, highest first; ``net + tax == gross``
    and each is the sum of the lines' and the shipping's, to the cent.
    """

    country: str
    prices_include_tax: bool
    taxed: bool
    lines: tuple[TaxedLine, ...]
    shipping: TaxedLine
    totals: tuple[RateTotal, ...]
    net: Decimal
    tax: Decimal
    gross: Decimal
