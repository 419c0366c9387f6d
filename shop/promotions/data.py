"""
The plain data the promotions service's public functions take and return:
frozen dataclasses of the standard library's types only. Amounts are in the
store currency, to the cent.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class BasketLine:
    """
    One line of the caller's basket: the variant's ``sku``, its product's id
    and the ids of the product's categories (ancestors included, if the
    caller wants a voucher on a department to cover its subcategories), the
    ``unit_price`` as the catalog states it (gross or net) and the quantity.
    A line that is not ``discountable`` (a gift card bought: money) gets
    nothing off and does not count towards a voucher's minimum.
    """

    sku: str
    product_id: int
    category_ids: tuple[int, ...]
    unit_price: Decimal
    quantity: int
    discountable: bool = True


@dataclass(frozen=True)
class Basket:
    """The lines and the shipping cost (``0`` while no method is chosen)."""

    lines: tuple[BasketLine, ...]
    shipping: Decimal = Decimal("0.00")


@dataclass(frozen=True)
class LineDiscount:
    """What the voucher takes off one line (``0`` for a line it does not apply to)."""

    sku: str
    amount: Decimal


@dataclass(frozen=True)
class VoucherDiscount:
    """
    A voucher priced against a basket: ``kind`` is ``percent``, ``fixed`` or
    ``free_shipping``; ``lines`` holds one entry per basket line in the
    basket's order (``applies_to`` the SKUs it covers), ``shipping`` what it
    takes off shipping, ``total`` the sum.
    """

    code: str
    kind: str
    value: Decimal
    lines: tuple[LineDiscount, ...]
    shipping: Decimal
    total: Decimal
    applies_to: tuple[str, ...]


@dataclass(frozen=True)
class VoucherUseInfo:
    """A use of a voucher under the caller's ``key``: ``held``, ``committed`` or ``released``."""

    key: str
    code: str
    customer: str
    status: str
    expires_at: datetime
    discount: VoucherDiscount


@dataclass(frozen=True)
class GiftCardInfo:
    """
    What a code's holder may see of their card: the code masked to its last
    four characters (``••••ABCD``), the balance available now (held amounts
    already taken off) and when it expires (``None``: never).
    """

    masked_code: str
    balance: Decimal
    currency: str
    expires_at: datetime | None


@dataclass(frozen=True)
class GiftCardUseInfo:
    """
    An amount of a card held for, or spent by, the caller's ``key``: ``held``,
    ``committed`` or ``released``; ``amount`` is positive (what the card pays).
    """

    key: str
    masked_code: str
    amount: Decimal
    status: str
    expires_at: datetime | None


@dataclass(frozen=True)
class GiftCardCredit:
    """
    Money put back on a card (``refund_to_gift_card``) or taken off it for
    good (``void_gift_card``) under ``key``: ``amount`` is what moved (it
    may be less than asked, or 0), ``balance`` the card's balance after.
    """

    key: str
    masked_code: str
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class IssuedGiftCard:
    """
    A card made by ``issue_gift_card``: ``code`` in full (for its buyer or
    recipient only; show others ``masked_code``), the amount it was issued
    with, where it came from (``staff`` or ``order:<number>``).
    """

    key: str
    code: str
    masked_code: str
    amount: Decimal
    currency: str
    expires_at: datetime | None
    recipient_email: str
    source: str
