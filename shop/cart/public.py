"""
The cart service's interface for other apps: functions that take and return
plain data (ids, str, int, Decimal, datetimes, frozen dataclasses) and the
exceptions they raise. Everything else in shop.cart is private.

A cart is named by its owner: ``user_id`` for a signed-in customer, or
``cart_token`` (the ``X-Cart-Token`` value an anonymous API client holds).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from . import selectors, services
from .errors import (
    CartFull,
    CartLineNotFound,
    InvalidCartToken,
    InvalidQuantity,
    NotEnoughStock,
    SkuUnavailable,
    UnknownSku,
)
from .tokens import token_key

__all__ = [
    "CartFull",
    "CartLineInfo",
    "CartLineNotFound",
    "InvalidCartToken",
    "InvalidQuantity",
    "NotEnoughStock",
    "SkuUnavailable",
    "UnknownSku",
    "clear_cart",
    "get_cart_lines",
]


@dataclass(frozen=True)
class CartLineInfo:
    sku: str
    quantity: int


def _owner(user_id: int | None, cart_token: str | None) -> services.Owner:
    if user_id is not None:
        return services.Owner(user_id=user_id)
    if cart_token is None:
        raise TypeError("Name the cart by user_id or cart_token.")
    return services.Owner(token_key=token_key(cart_token))


def get_cart_lines(
    *, user_id: int | None = None, cart_token: str | None = None
) -> tuple[CartLineInfo, ...]:
    """The cart's lines in the order they were added; empty if there is no cart."""
    return tuple(
        CartLineInfo(sku=line.sku, quantity=line.quantity)
        for line in selectors.cart_lines(_owner(user_id, cart_token))
    )


def clear_cart(
    *,
    key: str,
    user_id: int | None = None,
    cart_token: str | None = None,
    lines: Sequence[CartLineInfo] | None = None,
) -> bool:
    """
    Take what was bought out of the cart: all of it (``lines=None``) or just
    ``lines`` (quantities subtracted, so what the customer added meanwhile
    stays). ``key`` names the purchase (the checkout id): a second call with
    the same key changes nothing and returns False.
    """
    owner = _owner(user_id, cart_token)
    bought = None if lines is None else [(line.sku, line.quantity) for line in lines]
    return services.clear_cart(owner, key=key, lines=bought)
