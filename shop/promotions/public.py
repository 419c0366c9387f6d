"""
The promotions service's interface for other apps: functions that take and
return plain data (``data.py``) and the exceptions they raise. Everything else
in shop.promotions is private.

Callers pass the facts (``Basket``: each line's SKU, product and category ids,
unit price and quantity; the shipping cost) and the customer's key
(``customer_key``), so promotions asks no other service anything.
"""

from datetime import timedelta
from decimal import Decimal

from shop.core.interfaces import idempotent

from . import giftcards as _giftcards
from . import issuing as _issuing
from . import vouchers as _vouchers
from .data import (
    Basket,
    BasketLine,
    GiftCardCredit,
    GiftCardInfo,
    GiftCardUseInfo,
    IssuedGiftCard,
    LineDiscount,
    VoucherDiscount,
    VoucherUseInfo,
)
from .errors import (
    GiftCardEmpty,
    GiftCardExpired,
    GiftCardRefused,
    GiftCardRestTooSmall,
    GiftCardUnknown,
    GiftCardUseCommitted,
    GiftCardUseNotFound,
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
from .input import (
    check_amount,
    check_basket,
    check_customer,
    check_email,
    check_key,
    check_source,
    check_ttl,
)

__all__ = [
    "Basket",
    "BasketLine",
    "GiftCardCredit",
    "GiftCardEmpty",
    "GiftCardExpired",
    "GiftCardInfo",
    "GiftCardRefused",
    "GiftCardRestTooSmall",
    "GiftCardUnknown",
    "GiftCardUseCommitted",
    "GiftCardUseInfo",
    "GiftCardUseNotFound",
    "InvalidPromotionRequest",
    "IssuedGiftCard",
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
    "check_gift_card",
    "commit_gift_card_use",
    "commit_voucher_use",
    "customer_key",
    "issue_gift_card",
    "price_basket",
    "refund_to_gift_card",
    "release_gift_card_use",
    "release_voucher_use",
    "reserve_gift_card",
    "reserve_voucher",
    "void_gift_card",
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


@idempotent
def check_gift_card(code: str) -> GiftCardInfo:
    """
    The card with ``code`` (any case, spaces and dashes ignored): its code
    masked to the last four characters, the balance available now and its
    expiry. Holds nothing. Refusals: ``GiftCardUnknown`` (no such card, or
    switched off: not told apart), ``GiftCardExpired``. Callers facing the
    public throttle it per client address: a code is a bearer's money.
    """
    return _giftcards.check_gift_card(code)


@idempotent
def reserve_gift_card(
    key: str,
    code: str,
    amount: Decimal,
    ttl: timedelta,
    minimum_rest: Decimal = Decimal("0.00"),
) -> GiftCardUseInfo:
    """
    Hold ``min(amount, balance)`` of the card for ``key`` (the caller's, e.g.
    the checkout's) until ``ttl`` from now, under a row lock on the card, so
    two checkouts never hold the same money. If that leaves a rest of
    ``amount`` below ``minimum_rest`` (a payment provider's minimum charge),
    less is held so the rest is ``minimum_rest``. The same key again holds
    afresh (its own hold not counted), or returns a committed use of the same
    card unchanged (``GiftCardUseCommitted`` for another card). Refusals:
    ``GiftCardUnknown``, ``GiftCardExpired``, ``GiftCardEmpty`` (nothing
    left, or all of it held), ``GiftCardRestTooSmall``.
    """
    check_key(key)
    check_amount(amount, positive=True)
    check_amount(minimum_rest)
    check_ttl(ttl)
    return _giftcards.reserve_gift_card(key, code, amount, ttl, minimum_rest=minimum_rest)


@idempotent
def commit_gift_card_use(key: str) -> GiftCardUseInfo:
    """
    Spend the amount held for ``key`` (the order was placed); again returns
    it. A hold that expired or was released is spent if the card still has
    the amount, else ``GiftCardEmpty``; an unknown key raises
    ``GiftCardUseNotFound``.
    """
    check_key(key)
    return _giftcards.commit_gift_card_use(key)


@idempotent
def release_gift_card_use(key: str) -> GiftCardUseInfo | None:
    """
    Give the amount held for ``key`` back to the card. Again, or an unknown
    key, changes nothing (``None`` for the latter); a spent one raises
    ``GiftCardUseCommitted`` (give money back with ``refund_to_gift_card``).
    """
    check_key(key)
    return _giftcards.release_gift_card_use(key)


@idempotent
def refund_to_gift_card(key: str, refund_key: str, amount: Decimal) -> GiftCardCredit:
    """
    Put up to ``amount`` back on the card that paid under ``key``: never more
    than was spent there minus what earlier refunds gave back (the answer's
    ``amount`` is what went back, maybe less, maybe 0). The same
    ``refund_key`` again changes nothing and returns the first answer. A key
    that spent nothing (held, released, unknown) raises ``GiftCardUseNotFound``.
    The card takes the money even if it has expired since (staff can extend it).
    """
    check_key(key)
    check_key(refund_key)
    check_amount(amount, positive=True)
    return _giftcards.refund_to_gift_card(key, refund_key, amount)


@idempotent
def issue_gift_card(
    key: str, amount: Decimal, recipient_email: str = "", source: str = "staff"
) -> IssuedGiftCard:
    """
    A new card worth ``amount`` in the store currency with a random code,
    under ``key`` (orders: one per bought unit): the same key again returns
    the same card, so a repeated call never issues two. ``source`` is
    ``staff`` or ``order:<number>``.
    """
    check_key(key)
    check_amount(amount, positive=True)
    check_email(recipient_email)
    check_source(source)
    card = _issuing.issue(key, amount, recipient_email=recipient_email, source=source)
    return _issuing.issued(card)


@idempotent
def void_gift_card(issue_key: str, void_key: str) -> GiftCardCredit:
    """
    Take what is left on the card issued under ``issue_key`` off it for good
    (a ``void`` entry) and switch the card off: a bought card refunded or its
    order cancelled. The answer's ``amount`` is what was left (0 when it was
    all spent or held: the caller refuses its refund then). The same
    ``void_key`` again changes nothing and returns the first answer. No card
    issued under the key: ``GiftCardUseNotFound``.
    """
    check_key(issue_key)
    check_key(void_key)
    return _giftcards.void_gift_card(issue_key, void_key)
