"""The checks on what other apps pass in: keys, customers, baskets, times to live."""

from datetime import timedelta
from decimal import Decimal

from .data import Basket, BasketLine
from .errors import InvalidPromotionRequest

KEY_MAX_LENGTH = 100
CUSTOMER_MAX_LENGTH = 320


def check_key(key) -> str:
    if not isinstance(key, str) or not key.strip() or len(key) > KEY_MAX_LENGTH:
        raise InvalidPromotionRequest(
            f"A key must be a non-empty string of at most {KEY_MAX_LENGTH} characters."
        )
    return key


def check_customer(customer) -> str:
    if not isinstance(customer, str) or not customer.strip() or len(customer) > CUSTOMER_MAX_LENGTH:
        raise InvalidPromotionRequest("A customer must be a key from customer_key().")
    return customer


def check_ttl(ttl) -> timedelta:
    if not isinstance(ttl, timedelta) or ttl <= timedelta(0):
        raise InvalidPromotionRequest(
            f"The time to live must be a positive timedelta, not {ttl!r}."
        )
    return ttl


def _amount(value, what: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise InvalidPromotionRequest(f"{what} must be a Decimal of at least 0, not {value!r}.")
    return value


def check_amount(value, *, positive: bool = False) -> Decimal:
    """An amount to the cent; ``positive``: above 0."""
    _amount(value, "An amount")
    if value != value.quantize(Decimal("0.01")) or (positive and value <= 0):
        raise InvalidPromotionRequest(f"An amount must be positive and to the cent, not {value!r}.")
    return value


def check_email(value) -> str:
    if not isinstance(value, str) or len(value) > 254 or (value and "@" not in value):
        raise InvalidPromotionRequest(f"{value!r} is not an email address.")
    return value


def check_source(value) -> str:
    if not isinstance(value, str) or not value or len(value) > 60:
        raise InvalidPromotionRequest("A source is 'staff' or 'order:<number>'.")
    return value


def check_basket(basket) -> Basket:
    if not isinstance(basket, Basket) or not isinstance(basket.lines, tuple) or not basket.lines:
        raise InvalidPromotionRequest("A basket must be a Basket with at least one line.")
    _amount(basket.shipping, "The shipping cost")
    for line in basket.lines:
        if not isinstance(line, BasketLine) or not isinstance(line.sku, str) or not line.sku:
            raise InvalidPromotionRequest(f"A basket line must be a BasketLine, not {line!r}.")
        quantity = line.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidPromotionRequest(f"The quantity of {line.sku} must be at least 1.")
        _amount(line.unit_price, f"The unit price of {line.sku}")
    return basket
