"""
Money back for an order. Orders asks payments for a refund under a key of its
own (``RefundRequest``: the same key never refunds twice), and learns what
actually went back from ``payments.PaymentRefunded`` (``record_refund``),
which moves the order's refunded total and, once all of it is back, its
status to ``refunded``.

Calls to the payment gateway are made without holding the order's lock:
payments makes them idempotent by key, so a retry after a timeout is safe,
and a slow gateway never blocks the order for staff or customers.

An order a gift card paid for (decision 0030) gets its refunds back on the
card first, up to what the card paid less what went back to it already, and
only the rest through payments; one the card paid in full never calls
payments. The card's part is recorded at once (``RefundRequest.to_gift_card``,
``Order.gift_card_refunded``) and announced with ``orders.OrderRefunded``
like a payment's.

A refund of items (``line_refunds.refund_lines``) passes what it gives back
per tax rate (``ItemRefund``): each part, card and payment, records its
share of those rates, so its tax and its credit note follow the items'
rates rather than the whole order's.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from shop.core.messaging import publish
from shop.core.money import format_money, quantize
from shop.payments import public as payments

from ..actors import SYSTEM
from ..checkout import giftcards
from ..db import db
from ..errors import GiftCardSpent, InvalidRefund, InvalidTransition
from ..events import OrderRefunded
from ..models import Order, RefundRequest
from ..refund_taxes import share
from . import bought_cards
from .lifecycle import TRANSITIONS, lock_order, record, transition

Status = Order.Status


@dataclass(frozen=True)
class ItemRefund:
    """
    What a refund of items gives back: ``rates`` [{"rate", "gross", "tax"}]
    adding up to the refund's amount, and the ``lines`` returned (for the
    record and the credit note).
    """

    rates: tuple[dict, ...]
    lines: tuple[dict, ...] = field(default=())

    def part(self, amount: Decimal, whole: Decimal, currency: str) -> "ItemRefund":
        """The share of ``amount`` out of ``whole`` (the card's part of a refund), per rate."""
        if amount == whole:
            return self
        tax = sum((Decimal(rate["tax"]) for rate in self.rates), Decimal(0))
        grosses = share(amount, [Decimal(rate["gross"]) for rate in self.rates], currency)
        taxes = share(
            quantize(tax * amount / whole, currency),
            [Decimal(rate["tax"]) for rate in self.rates],
            currency,
        )
        rates = tuple(
            {"rate": rate["rate"], "gross": str(gross), "tax": str(part)}
            for rate, gross, part in zip(self.rates, grosses, taxes, strict=True)
            if gross or part
        )
        return ItemRefund(rates=rates, lines=self.lines)

    def minus(self, other: "ItemRefund | None") -> "ItemRefund":
        """What is left per rate once ``other`` (a part) is taken off."""
        if other is None:
            return self
        taken = {rate["rate"]: rate for rate in other.rates}
        rates = []
        for rate in self.rates:
            gone = taken.get(rate["rate"], {"gross": "0", "tax": "0"})
            gross = Decimal(rate["gross"]) - Decimal(gone["gross"])
            tax = Decimal(rate["tax"]) - Decimal(gone["tax"])
            if gross or tax:
                rates.append({"rate": rate["rate"], "gross": str(gross), "tax": str(tax)})
        return ItemRefund(rates=tuple(rates), lines=self.lines)

    @property
    def tax(self) -> Decimal:
        return sum((Decimal(rate["tax"]) for rate in self.rates), Decimal(0))

    def fields(self) -> dict:
        return {"rates": list(self.rates), "lines": list(self.lines)}


def _refund_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidRefund(f"{amount!r} is not an amount.") from None
    if not value.is_finite() or value <= 0 or quantize(value) != value:
        raise InvalidRefund()
    return value


def refund_order(
    number: str,
    amount,
    *,
    actor: str,
    key: str,
    reason: str = "",
    items: ItemRefund | None = None,
) -> RefundRequest:
    """
    Give back ``amount`` of the order's payment (staff: a partial refund, or
    the rest after a return). ``key`` names the request: the same key again
    returns the first request and never refunds twice. The order's figures
    change when payments reports the refund (``record_refund``).

    Raises ``InvalidRefund`` for an amount that is not positive or more than
    is left, ``InvalidTransition`` for an order already refunded in full,
    and payments' ``RefundNotAllowed`` or ``GatewayUnavailable``. After
    ``GatewayUnavailable`` the request is kept as pending: payments sends it
    again by itself, and calling again with the same key resumes it.
    ``items``: what a refund of items gives back per rate (``refund_lines``).
    """
    amount = _refund_amount(amount)
    card_items = None
    refund_key = f"order:{number}:refund:{key}"
    with db.atomic():
        order = lock_order(number)
        existing = RefundRequest.objects.filter(key=refund_key).first()
        if existing is not None and existing.refund_id:
            return existing
        on_card = RefundRequest.objects.filter(key=card_key(refund_key)).first()
        if existing is None and on_card is None:
            if order.status == Status.REFUNDED:
                raise InvalidTransition(
                    f"Order {order.number} is already refunded in full.", status=order.status
                )
            left = order.total - order.refunded_amount
            if amount > left:
                raise InvalidRefund(
                    f"At most {format_money(left, order.currency)} is left to refund.",
                    left=str(left),
                )
            card_part = min(amount, order.gift_card_amount - order.gift_card_refunded)
            if items is not None and card_part > 0:
                card_items = items.part(card_part, amount, order.currency)
            on_card = _refund_to_card(
                order, refund_key, card_part, actor=actor, reason=reason, items=card_items
            )
    if on_card is not None:
        if items is not None:
            card_items = ItemRefund(rates=tuple(on_card.rates), lines=tuple(on_card.lines))
        amount -= on_card.amount
        if amount <= 0:
            return on_card
    request = {"actor": actor, "amount": amount, "reason": reason}
    if items is not None:
        request["items"] = items.minus(card_items)
    try:
        refund = payments.refund_payment(
            reference=order.payment_reference, key=refund_key, amount=amount, reason=reason
        )
    except payments.GatewayUnavailable:
        _record_request(number, refund_key, refund_id="", status="pending", **request)
        raise
    return _record_request(number, refund_key, refund_id=refund.id, status=refund.status, **request)


def refund_gift_card_line(
    number: str, line_id: int, *, actor: str, key: str, reason: str = ""
) -> RefundRequest:
    """
    Refund a gift card line (decision 0030): its cards are voided (what is
    left on them taken off for good, ``bought_cards.void_line``) and that
    much, never more, is refunded like any amount under ``key``. A line
    whose cards hold nothing any more is refused with ``GiftCardSpent``
    (409 ``gift_card_spent``). Again with the same key: the same refund.
    """
    order = Order.objects.filter(number=number).first()
    line = order.lines.filter(pk=line_id, gift_card=True).first() if order else None
    if line is None:
        raise InvalidRefund(f"Order {number} has no gift card line {line_id}.")
    left = bought_cards.void_line(number, line_id)
    if left <= 0:
        raise GiftCardSpent()
    return refund_order(
        number,
        left,
        actor=actor,
        key=f"gift-cards:{line_id}:{key}",
        reason=reason or f"Gift cards of {line.name} voided",
    )


def refund_cancelled_order(number: str) -> RefundRequest | None:
    """
    Refund everything left of a cancelled order's payment (the consumer of
    ``orders.OrderCancelled``). Payments' ``GatewayUnavailable`` propagates so
    the task is retried; nothing left to refund is noted and is not an error.
    """
    key = f"order:{number}:cancel"
    reason = "Order cancelled"
    with db.atomic():
        order = lock_order(number)
        on_card = RefundRequest.objects.filter(key=card_key(key)).first()
        if on_card is None:
            card_part = order.gift_card_amount - order.gift_card_refunded
            on_card = _refund_to_card(order, key, card_part, actor=SYSTEM, reason=reason)
    if not order.card_payment:
        return on_card
    try:
        refund = payments.refund_payment(reference=order.payment_reference, key=key, reason=reason)
    except payments.RefundNotAllowed:
        with db.atomic():
            order = lock_order(number)
            record(order, order.status, SYSTEM, "Nothing was left to refund.", internal=True)
        return None
    return _record_request(
        number, key, refund_id=refund.id, status=refund.status, actor=SYSTEM, reason=reason
    )


def card_key(refund_key: str) -> str:
    return f"{refund_key}:gift_card"


def _refund_to_card(
    order: Order,
    refund_key: str,
    amount: Decimal,
    *,
    actor: str,
    reason: str,
    items: ItemRefund | None = None,
) -> RefundRequest | None:
    """
    Put ``amount`` back on the gift card that paid the locked ``order`` (at
    most what the card paid less what went back already: promotions caps it
    too), record it and announce it; ``None`` when nothing went back.
    """
    if amount <= 0 or not order.gift_card_amount:
        return None
    back = giftcards.refund(order.checkout, card_key(refund_key), amount)
    if back <= 0:
        return None
    if items is not None and back != amount:
        items = items.part(back, amount, order.currency)
    request = RefundRequest.objects.create(
        order=order,
        key=card_key(refund_key),
        amount=back,
        tax=items.tax if items is not None else refunded_tax(order, back),
        status="succeeded",
        actor=actor,
        reason=reason,
        to_gift_card=True,
        **(items.fields() if items is not None else {}),
    )
    request.refund_id = f"gift-card-{request.pk}"
    request.save(update_fields=["refund_id"])
    order.gift_card_refunded += back
    order.refunded_amount = min(order.refunded_amount + back, order.total)
    order.save(update_fields=["gift_card_refunded", "refunded_amount", "updated_at"])
    note = f"{format_money(back, order.currency)} put back on gift card {order.gift_card_code}" + (
        f": {reason}" if reason else "."
    )
    _announce(order, request.refund_id, back, note)
    return request


def _announce(
    order: Order, refund_id: str, amount: Decimal, note: str, *, fully: bool | None = None
) -> None:
    """Record money that went back on the locked order and tell the customer (``OrderRefunded``)."""
    fully = order.fully_refunded if fully is None else fully
    if fully and Status.REFUNDED in TRANSITIONS[order.status]:
        transition(order, Status.REFUNDED, SYSTEM, note)
    else:
        record(order, order.status, SYSTEM, note)
    publish(
        OrderRefunded(
            number=order.number,
            user_id=order.user_id,
            refund_id=refund_id,
            amount=quantize(amount, order.currency),
            refunded_total=order.refunded_amount,
            currency=order.currency,
            fully_refunded=fully,
        )
    )


def refunded_tax(order: Order, amount: Decimal | None) -> Decimal:
    """
    The tax inside a refund (decision 0021): a refund of part of the order
    gives back its share of the order's tax, ``amount * tax_total / total``
    rounded to the cent; a refund of "the rest" (no amount) gives back what tax
    the order's earlier refunds left.
    """
    if not order.tax_total or not order.total:
        return quantize(Decimal(0), order.currency)
    if amount is None:
        earlier = order.refund_requests.exclude(status="failed").exclude(tax=None)
        given = sum((r.tax for r in earlier), Decimal(0))
        return max(quantize(order.tax_total - given, order.currency), Decimal(0))
    share = min(Decimal(amount), order.total) * order.tax_total / order.total
    return quantize(share, order.currency)


def _record_request(
    number: str,
    key: str,
    *,
    refund_id: str,
    status: str,
    actor: str,
    amount: Decimal | None = None,
    reason: str = "",
    items: ItemRefund | None = None,
) -> RefundRequest:
    """Remember a refund asked of payments, once per key; a pending one learns its refund id."""
    with db.atomic():
        order = lock_order(number)
        request = RefundRequest.objects.filter(key=key).first()
        if request is not None:
            if refund_id and not request.refund_id:
                request.refund_id, request.status = refund_id, status
                request.save(update_fields=["refund_id", "status"])
            return request
        request = RefundRequest.objects.create(
            order=order,
            key=key,
            amount=amount,
            tax=items.tax if items is not None else refunded_tax(order, amount),
            refund_id=refund_id,
            status=status,
            actor=actor,
            reason=reason,
            **(items.fields() if items is not None else {}),
        )
        what = format_money(amount, order.currency) if amount is not None else "the rest"
        if request.tax:
            what += f" (incl. {format_money(request.tax, order.currency)} tax)"
        note = f"Refund of {what} requested" + (f": {reason}" if reason else ".")
        if status == "failed":
            note += " The payment provider refused it: refund the customer another way."
        elif status == "pending" and not refund_id:
            note += " The payment provider did not answer; payments sends it again."
        record(order, order.status, actor, note, internal=True)
    return request


def record_refund(
    *,
    reference: str,
    refund_id: str,
    amount: Decimal,
    refunded_total: Decimal,
    fully_refunded: bool,
) -> Order | None:
    """
    Payments gave money back (``payments.PaymentRefunded``): the order takes
    the payment's refunded total (the highest reported, since events arrive
    in any order), a paid or cancelled order refunded in full becomes
    ``refunded``, and ``orders.OrderRefunded`` tells the customer. A refund of
    a payment that never became an order (a late payment refunded by the
    checkout) changes nothing here.
    """
    with db.atomic():
        order = Order.objects.select_for_update().filter(payment_reference=reference).first()
        if order is None:
            return None
        RefundRequest.objects.filter(order=order, refund_id=refund_id).update(status="succeeded")
        # Payments knows its own part; the gift card's went back here.
        refunded_total = quantize(refunded_total, order.currency) + order.gift_card_refunded
        if refunded_total > order.refunded_amount:
            order.refunded_amount = min(refunded_total, order.total)
            order.save(update_fields=["refunded_amount", "updated_at"])
        note = f"{format_money(amount, order.currency)} refunded (refund {refund_id})."
        # Payments' "fully" is of its own part: the whole order when no card paid.
        fully = order.fully_refunded or (fully_refunded and not order.gift_card_amount)
        _announce(order, refund_id, amount, note, fully=fully)
    return order
