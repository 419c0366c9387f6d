"""
The cart service's interface for other apps: functions that take and return
plain data (``data.py``) and the exceptions they raise. Everything else in
shop.cart is private.

A cart is named by its owner: ``user_id`` for a signed-in customer, or
``cart_token`` (the ``X-Cart-Token`` value an anonymous API client holds).
A guest's checkout keeps the anonymous cart's ``cart_key`` instead of its
token (``cart_key``): it names the cart without being a credential for it.
"""

from collections.abc import Mapping, Sequence

from shop.core.interfaces import idempotent

from . import selectors as _selectors
from . import services as _services
from .data import CartInfo, CartLineInfo
from .errors import InvalidCartToken
from .owners import SESSION_KEY as _SESSION_KEY
from .tokens import token_key as _token_key

__all__ = [
    "CartInfo",
    "CartLineInfo",
    "InvalidCartToken",
    "cart_key",
    "clear_cart",
    "get_cart",
    "get_cart_lines",
    "get_voucher_code",
    "session_cart_token",
]


def _owner(
    user_id: int | None, cart_token: str | None, cart_key: str | None = None
) -> _services.Owner:
    if user_id is not None:
        return _services.Owner(user_id=user_id)
    if cart_key:
        return _services.Owner(token_key=cart_key)
    if cart_token is None:
        raise TypeError("Name the cart by user_id, cart_token or cart_key.")
    return _services.Owner(token_key=_token_key(cart_token))


@idempotent
def cart_key(cart_token: str) -> str:
    """
    The key an anonymous cart is stored under, for ``cart_token``: what a
    guest's checkout keeps to name the cart later (never the token itself,
    which is the credential). Raises ``InvalidCartToken`` for a token the shop
    did not issue.
    """
    return _token_key(cart_token)


@idempotent
def session_cart_token(session: Mapping[str, str | int | float | bool | None]) -> str | None:
    """
    The anonymous cart token a browser's session holds (the storefront keeps
    it there), or ``None``. Raises nothing.
    """
    token = session.get(_SESSION_KEY)
    return token if isinstance(token, str) and token else None


@idempotent
def get_cart_lines(
    *, user_id: int | None = None, cart_token: str | None = None, cart_key: str | None = None
) -> tuple[CartLineInfo, ...]:
    """
    The cart's lines in the order they were added; empty if there is no cart.

    Raises ``InvalidCartToken`` for a ``cart_token`` the shop did not issue.
    """
    return tuple(
        CartLineInfo(sku=line.sku, quantity=line.quantity)
        for line in _selectors.cart_lines(_owner(user_id, cart_token, cart_key))
    )


@idempotent
def get_cart(
    *, user_id: int | None = None, cart_token: str | None = None, cart_key: str | None = None
) -> CartInfo:
    """
    The cart's lines (as ``get_cart_lines``) and its voucher code (as
    ``get_voucher_code``) in one query; no lines and "" if there is no cart.
    Raises ``InvalidCartToken`` for a ``cart_token`` the shop did not issue.
    """
    lines = _selectors.cart_lines(_owner(user_id, cart_token, cart_key))
    return CartInfo(
        lines=tuple(CartLineInfo(sku=line.sku, quantity=line.quantity) for line in lines),
        voucher_code=lines[0].cart.voucher_code if lines else "",
    )


@idempotent
def get_voucher_code(
    *, user_id: int | None = None, cart_token: str | None = None, cart_key: str | None = None
) -> str:
    """
    The voucher code the customer entered in the cart (upper-case), ``""``
    without one or without a cart. One query. Raises ``InvalidCartToken``
    for a ``cart_token`` the shop did not issue.
    """
    return _selectors.voucher_code(_owner(user_id, cart_token, cart_key))


@idempotent
def clear_cart(
    *,
    key: str,
    user_id: int | None = None,
    cart_token: str | None = None,
    cart_key: str | None = None,
    lines: Sequence[CartLineInfo] | None = None,
) -> bool:
    """
    Take what was bought out of the cart: all of it (``lines=None``) or just
    ``lines`` (quantities subtracted, so what the customer added meanwhile
    stays). ``key`` names the purchase (the checkout id): a second call with
    the same key changes nothing and returns False.

    Raises ``InvalidCartToken`` for a ``cart_token`` the shop did not issue.
    """
    owner = _owner(user_id, cart_token, cart_key)
    bought = None if lines is None else [(line.sku, line.quantity) for line in lines]
    return _services.clear_cart(owner, key=key, lines=bought)
