"""
The voucher code a cart holds, priced by the promotions service against the
cart's lines that can be bought and the estimate's delivery. A code that does
not apply (any more) stays in the cart with the reason, so it applies again
once the basket qualifies; entering a code that does not apply is refused.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from shop.core.money import quantize
from shop.promotions import public as promotions

from .db import db
from .errors import InvalidVoucherCode, VoucherNeedsItems
from .models import Cart
from .selectors import CartContents, cart_contents

CODE_MAX_LENGTH = 40


@dataclass(frozen=True)
class CartVoucher:
    """
    The cart's code: ``discount`` when it applies, else ``refusal_code``,
    ``refusal_detail`` and ``refusal_extra`` (``minimum``) say why.
    """

    code: str
    discount: promotions.VoucherDiscount | None = None
    refusal_code: str = ""
    refusal_detail: str = ""
    refusal_extra: dict = field(default_factory=dict)

    @property
    def applied(self) -> bool:
        return self.discount is not None

    @property
    def total(self) -> Decimal:
        return self.discount.total if self.discount else quantize(0)

    @property
    def shipping(self) -> Decimal:
        return self.discount.shipping if self.discount else quantize(0)

    def line_amounts(self) -> dict[str, Decimal]:
        """The discount of each SKU it applies to."""
        if not self.discount:
            return {}
        return {line.sku: line.amount for line in self.discount.lines if line.amount}


def customer_of(user_id: int | None) -> str | None:
    """Whose uses the per-customer limit counts: a signed-in user's (a guest is not known yet)."""
    return promotions.customer_key(user_id) if user_id is not None else None


def basket_of(cart: CartContents, shipping: Decimal) -> promotions.Basket:
    return promotions.Basket(
        lines=tuple(
            promotions.BasketLine(
                sku=item.sku,
                product_id=item.product_id,
                category_ids=tuple(item.category_ids),
                unit_price=item.unit_price,
                quantity=item.quantity,
                discountable=not item.gift_card,
            )
            for item in cart.purchasable
        ),
        shipping=shipping,
    )


def check(cart: CartContents, code: str, customer: str | None) -> promotions.VoucherDiscount:
    """Price ``code`` for the cart as it is; the promotions refusal when it does not apply."""
    if cart is None or not cart.purchasable:
        raise VoucherNeedsItems()
    return promotions.price_basket(code, basket_of(cart, quantize(0)), customer)


def price(cart: CartContents, shipping: Decimal, customer: str | None) -> CartVoucher | None:
    """The cart's code priced against its lines and ``shipping``; ``None`` without a code."""
    if not cart.voucher_code or not cart.purchasable:
        return None
    try:
        discount = promotions.price_basket(cart.voucher_code, basket_of(cart, shipping), customer)
    except promotions.VoucherRefused as refusal:
        return CartVoucher(
            code=cart.voucher_code,
            refusal_code=refusal.code,
            refusal_detail=refusal.detail,
            refusal_extra=dict(refusal.extra),
        )
    return CartVoucher(code=discount.code, discount=discount)


def enter_code(owner, code, user_id: int | None) -> promotions.VoucherDiscount:
    """
    Keep ``code`` in ``owner``'s cart if it applies to the cart as it is;
    otherwise the promotions refusal (nothing stored).
    """
    code = code.strip() if isinstance(code, str) else ""
    if not code or len(code) > CODE_MAX_LENGTH:
        raise InvalidVoucherCode()
    contents = cart_contents(owner)
    discount = check(contents, code, customer_of(user_id))
    with db.atomic():
        Cart.objects.filter(**owner.lookup()).update(
            voucher_code=discount.code, updated_at=timezone.now()
        )
    return discount


def remove_code(owner) -> None:
    """Take the code out of ``owner``'s cart (nothing to do without one)."""
    if owner is not None:
        with db.atomic():
            Cart.objects.filter(**owner.lookup()).update(voucher_code="")
