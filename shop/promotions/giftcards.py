"""
Gift cards: a balance kept as a ledger (decision 0030). Checking a code,
holding an amount for a checkout, spending or releasing it, and putting
money back on the card a payment came from.

Locks: the card's row first, then the entry; every writer takes them in that
order, and the balance is summed in a statement after the lock is granted,
so on PostgreSQL two checkouts spending one card never both see the same
money (``tests/promotions/test_gift_card_concurrency.py``).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from .data import GiftCardCredit, GiftCardInfo, GiftCardUseInfo
from .db import db
from .errors import (
    GiftCardEmpty,
    GiftCardExpired,
    GiftCardRestTooSmall,
    GiftCardUnknown,
    GiftCardUseCommitted,
    GiftCardUseNotFound,
    InvalidPromotionRequest,
)
from .models import GiftCard, GiftCardEntry, mask

Kind = GiftCardEntry.Kind
Status = GiftCardEntry.Status
CODE_LENGTH = 16
GROUP = 4
ZERO = Decimal("0.00")


def normalise_gift_card_code(code) -> str:
    """
    ``abcd efgh-jkmn pqrs`` -> ``ABCD-EFGH-JKMN-PQRS`` (how codes are stored);
    "" for anything that cannot be a card's code.
    """
    if not isinstance(code, str):
        return ""
    chars = "".join(char for char in code.upper() if char.isalnum())
    if len(chars) != CODE_LENGTH:
        return ""
    return "-".join(chars[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def _card(code, *, lock: bool) -> GiftCard:
    """The card with ``code``: switched off counts as unknown (``GiftCardUnknown``)."""
    code = normalise_gift_card_code(code)
    queryset = GiftCard.objects.select_for_update() if lock else GiftCard.objects
    card = queryset.filter(code=code).first() if code else None
    if card is None or not card.active:
        raise GiftCardUnknown()
    return card


def _check_valid(card: GiftCard, now: datetime) -> None:
    if card.expires_at is not None and now >= card.expires_at:
        raise GiftCardExpired()


def _counting(now: datetime) -> Q:
    return Q(status=Status.COMMITTED) | Q(status=Status.HELD, expires_at__gt=now)


def available(card: GiftCard, now: datetime | None = None, *, but: str = "") -> Decimal:
    """
    Issued + refunded - spent - voided - held (not expired), not counting the
    entry ``but``. Lock the card first where the answer decides a write.
    """
    entries = card.entries.filter(_counting(now or timezone.now()))
    if but:
        entries = entries.exclude(key=but)
    # To the cent: SQLite sums decimals as floats (25.00 - 24.90 = 0.100000000000001).
    return (entries.aggregate(total=Sum("amount"))["total"] or ZERO).quantize(ZERO)


def check_gift_card(code, *, now=None) -> GiftCardInfo:
    """See ``public.check_gift_card``."""
    now = now or timezone.now()
    card = _card(code, lock=False)
    _check_valid(card, now)
    return GiftCardInfo(
        masked_code=mask(card.code),
        balance=max(available(card, now), ZERO),
        currency=card.currency,
        expires_at=card.expires_at,
    )


def _info(entry: GiftCardEntry, card: GiftCard) -> GiftCardUseInfo:
    return GiftCardUseInfo(
        key=entry.key,
        masked_code=mask(card.code),
        amount=-entry.amount,
        status=entry.status,
        expires_at=entry.expires_at,
    )


def _lock_entry(key: str) -> GiftCardEntry | None:
    return GiftCardEntry.objects.select_for_update().filter(key=key).first()


def _spend(key: str) -> GiftCardEntry:
    entry = GiftCardEntry.objects.filter(key=key).first()
    if entry is None or entry.kind != Kind.SPEND:
        raise GiftCardUseNotFound(f"No gift card use has the key {key!r}.", key=key)
    return entry


def _hold_amount(amount: Decimal, free: Decimal, minimum_rest: Decimal) -> Decimal:
    """
    ``min(amount, free)``, lowered so that what is left of ``amount`` to pay
    otherwise is 0 or at least ``minimum_rest``.
    """
    hold = min(amount, free)
    rest = amount - hold
    if ZERO < rest < minimum_rest:
        hold = amount - minimum_rest
        if hold <= 0:
            raise GiftCardRestTooSmall(minimum=str(minimum_rest))
    return hold


def reserve_gift_card(
    key: str,
    code,
    amount: Decimal,
    ttl: timedelta,
    *,
    minimum_rest: Decimal = ZERO,
    now=None,
) -> GiftCardUseInfo:
    """See ``public.reserve_gift_card``."""
    now = now or timezone.now()
    with db.atomic():
        card = _card(code, lock=True)
        entry = _lock_entry(key)
        if entry is not None and (entry.kind != Kind.SPEND or entry.status == Status.COMMITTED):
            if entry.kind == Kind.SPEND and entry.card_id == card.pk:
                return _info(entry, card)
            raise GiftCardUseCommitted(f"The gift card use {key!r} is spent already.", key=key)
        _check_valid(card, now)
        free = available(card, now, but=key)
        if free <= 0:
            raise GiftCardEmpty()
        hold = _hold_amount(amount, free, minimum_rest)
        values = {
            "card": card,
            "kind": Kind.SPEND,
            "amount": -hold,
            "status": Status.HELD,
            "expires_at": now + ttl,
            "closed_at": None,
        }
        if entry is None:
            entry = GiftCardEntry.objects.create(key=key, **values)
        else:
            for field, value in values.items():
                setattr(entry, field, value)
            entry.save()
        return _info(entry, card)


def commit_gift_card_use(key: str, *, now=None) -> GiftCardUseInfo:
    """See ``public.commit_gift_card_use``."""
    now = now or timezone.now()
    with db.atomic():
        card = GiftCard.objects.select_for_update().get(pk=_spend(key).card_id)
        entry = _lock_entry(key)
        if entry.status == Status.COMMITTED:
            return _info(entry, card)
        lapsed = entry.status != Status.HELD or entry.expires_at <= now
        # A lapsed hold's money may have gone to another checkout since.
        if lapsed and available(card, now, but=key) < -entry.amount:
            raise GiftCardEmpty()
        entry.status = Status.COMMITTED
        entry.closed_at = now
        entry.save(update_fields=["status", "closed_at"])
        return _info(entry, card)


def release_gift_card_use(key: str, *, now=None) -> GiftCardUseInfo | None:
    """See ``public.release_gift_card_use``."""
    with db.atomic():
        entry = _lock_entry(key)
        if entry is None:
            return None
        if entry.kind != Kind.SPEND or entry.status == Status.COMMITTED:
            raise GiftCardUseCommitted(f"The gift card use {key!r} was spent.", key=key)
        if entry.status == Status.HELD:
            entry.status = Status.RELEASED
            entry.closed_at = now or timezone.now()
            entry.save(update_fields=["status", "closed_at"])
        return _info(entry, entry.card)


def refund_to_gift_card(key: str, refund_key: str, amount: Decimal, *, now=None) -> GiftCardCredit:
    """See ``public.refund_to_gift_card``."""
    now = now or timezone.now()
    with db.atomic():
        card = GiftCard.objects.select_for_update().get(pk=_spend(key).card_id)
        spend = GiftCardEntry.objects.get(key=key)
        done = GiftCardEntry.objects.filter(key=refund_key).first()
        if done is not None:
            if done.kind != Kind.REFUND or done.spend_key != key:
                raise InvalidPromotionRequest(f"The key {refund_key!r} names another entry.")
            return GiftCardCredit(refund_key, mask(card.code), done.amount, available(card, now))
        if spend.status != Status.COMMITTED:
            raise GiftCardUseNotFound(f"Nothing was spent under the key {key!r}.", key=key)
        given = (
            GiftCardEntry.objects.filter(kind=Kind.REFUND, spend_key=key).aggregate(
                total=Sum("amount")
            )["total"]
            or ZERO
        )
        credit = max(min(amount, -spend.amount - given), ZERO)
        GiftCardEntry.objects.create(
            card=card,
            key=refund_key,
            kind=Kind.REFUND,
            amount=credit,
            spend_key=key,
            closed_at=now,
        )
        return GiftCardCredit(refund_key, mask(card.code), credit, available(card, now))


def void_gift_card(issue_key: str, void_key: str, *, now=None) -> GiftCardCredit:
    """See ``public.void_gift_card``."""
    now = now or timezone.now()
    with db.atomic():
        card = GiftCard.objects.select_for_update().filter(issue_key=issue_key).first()
        if card is None:
            raise GiftCardUseNotFound(
                f"No gift card was issued under {issue_key!r}.", key=issue_key
            )
        done = GiftCardEntry.objects.filter(key=void_key).first()
        if done is not None:
            if done.kind != Kind.VOID or done.card_id != card.pk:
                raise InvalidPromotionRequest(f"The key {void_key!r} names another entry.")
            return GiftCardCredit(void_key, mask(card.code), -done.amount, available(card, now))
        left = max(available(card, now), ZERO)
        GiftCardEntry.objects.create(
            card=card, key=void_key, kind=Kind.VOID, amount=-left, closed_at=now
        )
        if card.active:
            card.active = False
            card.save(update_fields=["active"])
        return GiftCardCredit(void_key, mask(card.code), left, available(card, now))


def release_expired_gift_card_holds(now=None) -> int:
    """Close held amounts past their expiry (they stopped counting then); returns how many."""
    now = now or timezone.now()
    with db.atomic():
        return GiftCardEntry.objects.filter(status=Status.HELD, expires_at__lte=now).update(
            status=Status.RELEASED, closed_at=now
        )
