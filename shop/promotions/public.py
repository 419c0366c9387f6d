"""
The promotions service's interface for other apps: functions that take and
return plain data (``data.py``) and the exceptions they raise. Everything else
in shop.promotions is private.

Callers pass the facts (``Basket``: each line's SKU, product and category ids,
unit price and quantity; the shipping cost) and the customer's key
(``customer_key``), so promotions asks no other service anything.
"""

from datetime import timedelta

from shop.core.interfaces import idempotent

from . import vouchers as _vouchers
from .data import Basket, BasketLine, LineDiscount, VoucherDiscount, VoucherUseInfo
from .errors import (
    InvalidPromotionRequest,
    VoucherAlreadyUsed,
    VoucherExpired,
    VoucherMinimumNotReached,
    VoucherNotApplicable,
    VoucherRefused,
    VoucherUnknown,
    VoucherUseCommitted,
    VoucherUsedUp,
    VoucherUseNotFound,
)
from .input import check_basket, check_customer, check_key, check_ttl

__all__ = [
    "Basket",
    "BasketLine",
    "InvalidPromotionRequest",
    "LineDiscount",
    "VoucherAlreadyUsed",
    "VoucherDiscount",
    "VoucherExpired",
    "VoucherMinimumNotReached",
    "VoucherNotApplicable",
    "VoucherRefused",
    "VoucherUnknown",
    "VoucherUseCommitted",
    "VoucherUseInfo",
    "VoucherUseNotFound",
    "VoucherUsedUp",
    "commit_voucher_use",
    "customer_key",
    "price_basket",
    "release_voucher_use",
    "reserve_voucher",
]


@idempotent
def customer_key(user_id: int | None, email: str | None = None) -> str:
    """
    The key a customer's uses are counted under: ``user:<id>`` when signed
    in, else ``email:<the guest's address, lower-cased>``.
    """
    if user_id is None and not (isinstance(email, str) and email.strip()):
        raise InvalidPromotionRequest("A customer is a user id or a guest's email address.")
    return _vouchers.customer_key(user_id, email)


@idempotent
def price_basket(code: str, basket: Basket, customer: str | None = None) -> VoucherDiscount:
    """
    What the voucher ``code`` (any case) takes off ``basket``: per line
    (largest remainder to the cent, never more than a line's price) and off
    shipping, with the SKUs it applies to. Holds nothing. Refusals:
    ``VoucherUnknown``, ``VoucherExpired`` (also not yet valid, or switched
    off), ``VoucherUsedUp``, ``VoucherAlreadyUsed`` (when ``customer`` is
    given and has used it up), ``VoucherMinimumNotReached`` (``minimum``),
    ``VoucherNotApplicable``; a malformed basket ``InvalidPromotionRequest``.
    """
    check_basket(basket)
    if customer is not None:
        check_customer(customer)
    return _vouchers.price_basket(code, basket, customer)


@idempotent
def reserve_voucher(
    key: str, code: str, customer: str, basket: Basket, ttl: timedelta
) -> VoucherUseInfo:
    """
    Price ``code`` against ``basket`` and hold one use of it for ``key`` (the
    caller's, e.g. the checkout's) until ``ttl`` from now, under a row lock on
    the voucher: held and committed uses count against ``max_uses`` and
    ``max_uses_per_customer``, so a single-use code is never held twice. The
    same refusals as ``price_basket``. The same key again re-prices and
    holds afresh (its own use not counted), or returns a committed use of the
    same code unchanged (``VoucherUseCommitted`` for another code).
    """
    check_key(key)
    check_customer(customer)
    check_basket(basket)
    check_ttl(ttl)
    return _vouchers.reserve_voucher(key, code, customer, basket, ttl)


@idempotent
def commit_voucher_use(key: str) -> VoucherUseInfo:
    """
    Spend the use held for ``key`` (the order was placed). Committing again
    returns it. A use that expired or was released is committed if the
    voucher's limits still allow it, else ``VoucherUsedUp`` /
    ``VoucherAlreadyUsed``; an unknown key raises ``VoucherUseNotFound``.
    """
    check_key(key)
    return _vouchers.commit_voucher_use(key)


@idempotent
def release_voucher_use(key: str) -> VoucherUseInfo | None:
    """
    Give the use held for ``key`` back. Releasing again or an unknown key
    changes nothing (``None`` for the latter); a committed use raises
    ``VoucherUseCommitted``.
    """
    check_key(key)
    return _vouchers.release_voucher_use(key)
