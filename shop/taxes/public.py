"""
The taxes service's interface for other apps: functions that take and return
plain data (``data.py``) and the exceptions they raise. Everything else in
shop.taxes is private.

``calculate`` is what orders asks when a checkout starts (the shipping
address's country is known then) and what the cart's estimate uses; it
freezes nothing itself: the caller stores the ``TaxedBasket`` it gets.
"""

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone

from shop.core.interfaces import idempotent
from shop.core.money import quantize

from . import calculation as _calculation
from . import selectors as _selectors
from .data import RateTotal, TaxableLine, TaxClassInfo, TaxedBasket, TaxedLine, TaxRateInfo
from .errors import InvalidTaxRequest

__all__ = [
    "InvalidTaxRequest",
    "RateTotal",
    "TaxClassInfo",
    "TaxRateInfo",
    "TaxableLine",
    "TaxedBasket",
    "TaxedLine",
    "calculate",
    "home_country",
    "prices_include_tax",
    "rates",
    "tax_classes",
]

_COUNTRY = re.compile(r"^[A-Z]{2}$")


@idempotent
def tax_classes() -> tuple[TaxClassInfo, ...]:
    """Every tax class, by code (``standard``, ``reduced``, ``zero`` at least)."""
    return _selectors.tax_classes()


@idempotent
def rates(country: str | None = None) -> tuple[TaxRateInfo, ...]:
    """The rates staff set up (of ``country``, or all), past and future ones included."""
    return _selectors.rates(country.upper() if country else None)


@idempotent
def prices_include_tax() -> bool:
    """Whether catalog prices are gross (``TAXES_PRICES_INCLUDE_TAX``, EU style) or net."""
    return settings.TAXES_PRICES_INCLUDE_TAX


@idempotent
def home_country() -> str:
    """The shop's own country (``TAXES_HOME_COUNTRY``): its rates make gross prices' net."""
    return settings.TAXES_HOME_COUNTRY


@idempotent
def calculate(
    country: str,
    lines: Sequence[TaxableLine],
    shipping: Decimal,
    prices_include_tax: bool | None = None,
    on: date | None = None,
) -> TaxedBasket:
    """
    The tax of ``lines`` and ``shipping`` shipped to ``country`` at the rates
    in force ``on`` (today). ``prices_include_tax`` says whether the amounts
    are gross (default: the setting). Per-line rounding and the rules are in
    ``calculation``'s docstring. Refused with ``InvalidTaxRequest`` (400) for
    a country that is not two letters or an amount that is negative or not in
    the currency's minor unit.
    """
    country = (country or "").strip().upper()
    if not _COUNTRY.match(country):
        raise InvalidTaxRequest("The country must be two letters (ISO 3166-1).")
    for amount in (shipping, *(line.amount for line in lines)):
        _check_amount(amount)
    if prices_include_tax is None:
        prices_include_tax = settings.TAXES_PRICES_INCLUDE_TAX
    on = on or timezone.localdate()
    return _calculation.tax_basket(
        country,
        tuple(lines),
        shipping,
        rates=_selectors.rates_in_force(country, on),
        home_rates=_selectors.rates_in_force(settings.TAXES_HOME_COUNTRY, on),
        prices_include_tax=prices_include_tax,
    )


def _check_amount(amount: Decimal) -> None:
    try:
        exact = Decimal(amount).is_finite() and quantize(amount) == amount
    except (InvalidOperation, TypeError, ValueError):
        exact = False
    if not exact or amount < 0:
        raise InvalidTaxRequest(f"{amount} is not an amount in the store currency.")
