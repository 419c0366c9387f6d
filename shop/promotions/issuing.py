"""
Making gift cards: staff in the admin or ``manage.py issue_gift_cards``, and
orders for cards bought in the shop (``public.issue_gift_card``). Each card
has a random 16-character code in groups of four from the voucher codes'
alphabet without look-alikes (about 79 bits: guessing one is hopeless at the
throttled rate), and its issue is the first entry of its ledger.
"""

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError

from shop.core.money import store_currency

from .data import IssuedGiftCard
from .db import db
from .generating import ALPHABET
from .giftcards import CODE_LENGTH, available, normalise_gift_card_code
from .models import GiftCard, GiftCardEntry, mask

ATTEMPTS = 5
CSV_COLUMNS = ("code", "amount", "currency", "expires_at", "recipient_email", "source", "note")


def random_gift_card_code() -> str:
    return normalise_gift_card_code("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))


def issued(card: GiftCard) -> IssuedGiftCard:
    return IssuedGiftCard(
        key=card.issue_key,
        code=card.code,
        masked_code=mask(card.code),
        amount=card.initial_amount,
        currency=card.currency,
        expires_at=card.expires_at,
        recipient_email=card.recipient_email,
        source=card.source,
    )


def issue(
    key: str,
    amount: Decimal,
    *,
    recipient_email: str = "",
    source: str = "staff",
    expires_at: datetime | None = None,
    note: str = "",
) -> GiftCard:
    """A new card under ``key`` with its issue entry; the same key again returns the same card."""
    existing = GiftCard.objects.filter(issue_key=key).first()
    if existing is not None:
        return existing
    for _attempt in range(ATTEMPTS):
        try:
            with db.atomic():
                card = GiftCard.objects.create(
                    code=random_gift_card_code(),
                    initial_amount=amount,
                    currency=store_currency(),
                    expires_at=expires_at,
                    source=source,
                    recipient_email=recipient_email,
                    note=note,
                    issue_key=key,
                )
                GiftCardEntry.objects.create(
                    card=card, key=f"issue:{key}", kind=GiftCardEntry.Kind.ISSUE, amount=amount
                )
                return card
        except IntegrityError:
            existing = GiftCard.objects.filter(issue_key=key).first()
            if existing is not None:  # issued concurrently under the same key
                return existing
            # Otherwise the random code was taken: draw another.
    raise RuntimeError(f"No free gift card code after {ATTEMPTS} attempts.")


def csv_rows(cards: Iterable[GiftCard]) -> Iterable[Sequence]:
    """One row per card (``CSV_COLUMNS``), the codes in full: the file is the cards."""
    for card in cards:
        yield (
            card.code,
            card.initial_amount,
            card.currency,
            card.expires_at.isoformat() if card.expires_at else "",
            card.recipient_email,
            card.source,
            card.note,
        )


def balance(card: GiftCard) -> Decimal:
    """The card's balance now (staff pages)."""
    return available(card)
