"""What callers send, checked before anything is stored: texts and amounts of money."""

from decimal import Decimal, InvalidOperation

from shop.core.money import quantize

from ..errors import InvalidAmount, InvalidPaymentRequest
from ..models import MONEY

MAX_AMOUNT = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"])


def check_text(value, what: str, max_length: int, *, blank: bool = False) -> str:
    """``value`` if it is a string of at most ``max_length`` (non-blank unless ``blank``)."""
    if not isinstance(value, str) or (not blank and not value.strip()):
        kind = "a string" if blank else "a non-empty string"
        raise InvalidPaymentRequest(f"The {what} must be {kind}.")
    if len(value) > max_length:
        raise InvalidPaymentRequest(f"The {what} must be at most {max_length} characters.")
    return value


def check_amount(value) -> Decimal:
    """A positive amount with no more precision than the store currency's minor unit."""
    try:
        amount = Decimal(value) if isinstance(value, (Decimal, int, str)) else None
    except InvalidOperation:
        amount = None
    if isinstance(value, bool) or amount is None or not amount.is_finite():
        raise InvalidAmount(f"{value!r} is not an amount of money.")
    if amount <= 0 or amount >= MAX_AMOUNT or quantize(amount) != amount:
        raise InvalidAmount()
    return quantize(amount)
