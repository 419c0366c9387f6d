"""
Money is a ``Decimal`` quantized to the store currency's minor unit
(``SHOP_CURRENCY``). Gateways such as Stripe count in minor units (cents).
``format_money`` is how every page, email, note and admin message writes an
amount (templates: ``{% load money %}{{ amount|money }}``).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings

# ISO 4217 currencies whose minor unit is not 1/100.
_MINOR_UNIT_EXPONENTS = {
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
    "PYG": 0, "RWF": 0, "UGX": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    "BHD": 3, "JOD": 3, "KWD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}


def store_currency() -> str:
    return settings.SHOP_CURRENCY


def minor_unit_exponent(currency: str | None = None) -> int:
    return _MINOR_UNIT_EXPONENTS.get((currency or store_currency()).upper(), 2)


def quantize(amount, currency: str | None = None) -> Decimal:
    """Round ``amount`` half-up to the currency's minor unit."""
    step = Decimal(1).scaleb(-minor_unit_exponent(currency))
    return Decimal(amount).quantize(step, rounding=ROUND_HALF_UP)


def to_minor_units(amount: Decimal, currency: str | None = None) -> int:
    """12.34 EUR -> 1234."""
    return int(quantize(amount, currency).scaleb(minor_unit_exponent(currency)))


def from_minor_units(units: int, currency: str | None = None) -> Decimal:
    """1234 -> Decimal("12.34") for EUR."""
    return quantize(Decimal(units).scaleb(-minor_unit_exponent(currency)), currency)


def format_money(amount, currency: str | None = None) -> str:
    """
    ``Decimal("1234.5")`` -> ``"€1,234.50"`` (``"1,234.50 CHF"`` for a currency
    without a symbol here); ``""`` for no amount or something that is not one.
    """
    if amount is None or amount == "":
        return ""
    currency = (currency or store_currency()).upper()
    try:
        value = quantize(Decimal(str(amount)), currency)
    except (InvalidOperation, ValueError, TypeError):
        return ""
    number = f"{abs(value):,.{minor_unit_exponent(currency)}f}"
    sign = "-" if value < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"
