"""
The cart's voucher code in the checkout saga (decision 0028): priced by the
promotions service against the checkout's lines and delivery before anything
is held (a refusal holds nothing), one use held for the checkout in
promotions' own transaction beside the stock (key: the checkout's
``reservation_key``), committed when the order is placed and released
whenever the stock is.
"""

import logging
from dataclasses import dataclass
from decimal import Decimal

from shop.promotions import public as promotions

from ..models import Checkout

logger = logging.getLogger(__name__)


def customer_of(user_id: int | None, email: str) -> str:
    """Whose uses count: the account's, or a guest's address."""
    return promotions.customer_key(user_id, email)


def basket_of(lines, variants, shipping_price: Decimal) -> promotions.Basket:
    return promotions.Basket(
        lines=tuple(
            promotions.BasketLine(
                sku=line.sku,
                product_id=variants[line.sku].product_id,
                category_ids=tuple(variants[line.sku].category_ids),
                unit_price=variants[line.sku].price,
                quantity=line.quantity,
                discountable=not variants[line.sku].gift_card,
            )
            for line in lines
            if line.sku in variants  # the others are refused by the reservation
        ),
        shipping=shipping_price,
    )


def price(code: str, basket: promotions.Basket, customer: str):
    """
    The discount of ``code``, or ``None`` without a code (or nothing the
    catalog knows: the reservation refuses that). Raises the promotions
    refusal (409 ``voucher_used_up`` …, 422 ``voucher_expired`` …).
    """
    if not code or not basket.lines:
        return None
    return promotions.price_basket(code, basket, customer)


@dataclass(frozen=True)
class VoucherSummary:
    """The cart's code as the checkout page shows it: its saving, or why it does not apply."""

    code: str
    total: Decimal = Decimal("0.00")
    free_shipping: bool = False
    refusal: str = ""


def summary(code: str, lines, variants, user_id: int | None) -> VoucherSummary | None:
    """
    The cart's voucher priced for the checkout page before delivery is chosen
    (free shipping is named, its amount comes with the delivery); ``None``
    without a code. A guest's per-customer limit is checked on starting.
    """
    if not code:
        return None
    basket = basket_of(lines, variants, Decimal("0.00"))
    customer = promotions.customer_key(user_id) if user_id is not None else None
    try:
        discount = price(code, basket, customer)
    except promotions.VoucherRefused as refusal:
        return VoucherSummary(code=code, refusal=refusal.detail)
    if discount is None:
        return None
    return VoucherSummary(
        code=discount.code, total=discount.total, free_shipping=discount.kind == "free_shipping"
    )


def release(checkout: Checkout) -> None:
    """Give the checkout's held use back (nothing without a code). Call with its stock."""
    if checkout.voucher_code:
        promotions.release_voucher_use(checkout.reservation_key)


def let_go(key: str) -> None:
    """Release a use no checkout came of; if promotions cannot be told, the hold expires."""
    try:
        promotions.release_voucher_use(key)
    except Exception:
        logger.warning("Could not release voucher use %s; it expires by itself", key, exc_info=True)


def commit(checkout: Checkout) -> None:
    """
    Spend the checkout's use as its order is placed. The customer has paid the
    discounted price, so a late payment whose hold went to someone else
    meanwhile keeps its order; the extra use is logged for staff.
    """
    if not checkout.voucher_code:
        return
    try:
        promotions.commit_voucher_use(checkout.reservation_key)
    except promotions.VoucherRefused:
        # The checkout names its code for staff; a code can be a customer's own.
        logger.warning(
            "Checkout %s was paid with its voucher after the voucher's hold went to another; "
            "the order keeps the discount.",
            checkout.pk,
        )
