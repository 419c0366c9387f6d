"""
The gift card in the checkout saga (decision 0030): a means of payment, not a
discount, so it is applied after tax and the checkout's totals do not move.
Its code is checked before anything is held (a refusal holds nothing);
``min(balance, total)`` is held in promotions' own transaction next to the
voucher's use (key: the checkout's ``reservation_key``), less if the rest
would be below the payment provider's minimum charge
(``ORDERS_MINIMUM_CHARGE``); the payment is created for the rest, or not at
all when the card pays everything. Committed when the order is placed,
released whenever the stock is. Only the code's last four characters are
kept.
"""

import logging
from decimal import Decimal

from django.conf import settings

from shop.promotions import public as promotions

from ..models import Checkout

logger = logging.getLogger(__name__)


def check(code: str) -> str:
    """
    The code as typed ("" without one), if it names a card that is valid now:
    422 ``gift_card_unknown`` or ``gift_card_expired`` otherwise. Whether
    money is left is decided by the hold (409 ``gift_card_empty``), after
    the customer's earlier checkout has given its own hold back.
    """
    code = (code or "").strip()
    if code:
        promotions.check_gift_card(code)
    return code


def hold(checkout: Checkout, code: str, ttl) -> promotions.GiftCardUseInfo:
    """Hold what the card pays of ``checkout.total`` (``GiftCardEmpty`` … when it pays nothing)."""
    return promotions.reserve_gift_card(
        checkout.reservation_key,
        code,
        checkout.total,
        ttl,
        Decimal(str(settings.ORDERS_MINIMUM_CHARGE)),
    )


def release(checkout: Checkout) -> None:
    """Give the checkout's held amount back (nothing without a card). Call with its stock."""
    if checkout.gift_card_amount:
        promotions.release_gift_card_use(checkout.reservation_key)


def let_go(key: str) -> None:
    """Release a hold no checkout came of; if promotions cannot be told, the hold expires."""
    try:
        promotions.release_gift_card_use(key)
    except Exception:
        logger.warning(
            "Could not release gift card hold %s; it expires by itself", key, exc_info=True
        )


def commit(checkout: Checkout) -> None:
    """
    Spend the checkout's held amount as its order is placed. ``GiftCardEmpty``
    when the hold had lapsed and the money went to another checkout: the
    customer has not paid all, so the caller gives everything back.
    """
    if checkout.gift_card_amount:
        promotions.commit_gift_card_use(checkout.reservation_key)


def refund(checkout: Checkout, refund_key: str, amount: Decimal) -> Decimal:
    """Put up to ``amount`` back on the card that paid ``checkout``; returns what went back."""
    if not checkout.gift_card_amount or amount <= 0:
        return Decimal("0.00")
    return promotions.refund_to_gift_card(checkout.reservation_key, refund_key, amount).amount
