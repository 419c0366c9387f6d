"""
Gift cards bought as a product (decision 0030). When the order is placed,
the ``orders.issue_gift_cards`` consumer asks promotions for one card per
unit of each gift card line, under ``order:<number>:<line id>:<unit>`` (so a
consumer run twice issues nothing twice), worth what that unit was paid, and
mails the codes to the buyer in one email. Orders keeps each code
(``BoughtGiftCard``) for the buyer's order page.

Refunding such a line voids what is left on its cards and gives back at most
that; a line whose cards are all spent is refused (``GiftCardSpent``).
Cancelling the order voids its cards first, and is refused if one was used.
"""

from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from shop.promotions import public as promotions

from ..db import db
from ..errors import GiftCardSpent
from ..models import BoughtGiftCard, Order, OrderLine

CENT = Decimal("0.01")


def unit_amounts(line: OrderLine) -> list[Decimal]:
    """What each unit of ``line`` was paid: its total to the cent, the odd cents on the first."""
    total, quantity = line.line_total, line.quantity
    each = (total / quantity).quantize(CENT, ROUND_DOWN)
    odd = int((total - each * quantity) / CENT)
    return [each + (CENT if unit < odd else 0) for unit in range(quantity)]


def card_key(order: Order, line: OrderLine, unit: int) -> str:
    return f"order:{order.number}:{line.pk}:{unit}"


def issue_cards(number: str) -> list[BoughtGiftCard]:
    """
    The order's bought cards, issued now or before (promotions is idempotent
    by key, and so are the rows here), under a lock on the order.
    """
    if not OrderLine.objects.filter(order__number=number, gift_card=True).exists():
        return []  # most orders: no transaction, no lock
    with db.atomic():
        order = Order.objects.select_for_update().filter(number=number).first()
        if order is None or order.status in (Order.Status.CANCELLED, Order.Status.REFUNDED):
            return []
        known = {card.key: card for card in order.gift_cards.all()}
        cards = []
        for line in order.lines.filter(gift_card=True):
            for unit, amount in enumerate(unit_amounts(line), start=1):
                key = card_key(order, line, unit)
                if key not in known:
                    issued = promotions.issue_gift_card(
                        key, amount, recipient_email=order.email, source=f"order:{order.number}"
                    )
                    known[key] = BoughtGiftCard.objects.create(
                        order=order, line=line, unit=unit, key=key, code=issued.code, amount=amount
                    )
                cards.append(known[key])
        return cards


def _void(card: BoughtGiftCard) -> Decimal:
    """Void what is left on ``card`` (once: its void key is the card's)."""
    if card.voided_at is not None:
        return card.voided_amount
    left = promotions.void_gift_card(card.key, f"void:{card.key}").amount
    card.voided_at, card.voided_amount = timezone.now(), left
    card.save(update_fields=["voided_at", "voided_amount"])
    return left


def void_line(number: str, line_id: int) -> Decimal:
    """
    Void the cards of gift card line ``line_id`` (issued first if the
    consumer has not yet); what was left on them, 0 when all was spent.
    """
    issue_cards(number)
    with db.atomic():
        Order.objects.select_for_update().get(number=number)
        cards = BoughtGiftCard.objects.filter(order__number=number, line_id=line_id)
        return sum((_void(card) for card in cards), Decimal(0))


def void_for_cancel(order: Order) -> None:
    """
    Before the locked ``order`` is cancelled: void its bought cards, refused
    (``GiftCardSpent``, nothing voided) if any was used; the cancellation
    refunds the whole order, so no card may stay with money on it.
    """
    cards = [card for card in order.gift_cards.all() if card.voided_at is None]
    for card in cards:
        try:
            balance = promotions.check_gift_card(card.code).balance
        except promotions.GiftCardRefused:
            balance = Decimal(0)
        if balance < card.amount:
            raise GiftCardSpent(
                "A gift card bought on this order has been used: refund the unused ones instead."
            )
    for card in cards:
        _void(card)
