"""
The status machine: applying what a gateway reports to a payment, forward
only, publishing the event of each transition, and the payment's log.

``apply_update`` is the one place a payment's status changes. ``count_refund``
is the move a succeeded refund makes (towards ``refunded``), whether we asked
for the refund or the gateway reports one made in its dashboard.
"""

import logging

from django.utils import timezone

from shop.core.messaging import publish
from shop.core.money import format_money, from_minor_units, to_minor_units

from .. import metrics, selectors
from ..db import db
from ..events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from ..gateways import PaymentUpdate
from ..models import Payment, PaymentLogEntry, Refund

logger = logging.getLogger(__name__)

Status = Payment.Status


def log(payment: Payment, source: str, message: str) -> None:
    """Add a line to the payment's log, with the status it has now."""
    PaymentLogEntry.objects.create(
        payment=payment, source=source[:50], message=message, status=payment.status
    )


def locked(payment_pk) -> Payment:
    """The payment, its row locked until the transaction ends."""
    return Payment.objects.select_for_update().get(pk=payment_pk)


def apply_update(payment_pk, update: PaymentUpdate, *, source: str) -> Payment:
    """
    Apply what the gateway says about a payment, forward only: a payment that
    left pending never goes back, a late "failed" after "succeeded" changes
    nothing, and money the status cannot account for (paid after a cancel, a
    different amount) flags the payment for staff instead.
    """
    # No savepoint: nothing catches what this raises and goes on with the transaction.
    with db.atomic(savepoint=False):
        return apply_update_locked(locked(payment_pk), update, source=source)


def apply_update_locked(payment: Payment, update: PaymentUpdate, *, source: str) -> Payment:
    """
    ``apply_update`` for a payment whose row the caller holds locked. A
    payment intent learnt with the outcome is saved with the settled row
    (one ``UPDATE``), by itself only when the status stays.
    """
    new_intent = bool(update.payment_intent_id and not payment.payment_intent_id)
    if new_intent:
        payment.payment_intent_id = update.payment_intent_id
    status = payment.status
    if update.status == "succeeded":
        _succeed(payment, update, source)
    elif update.status in ("failed", "canceled"):
        _fail(payment, update, source)
    if new_intent and payment.status == status:
        payment.save(update_fields=["payment_intent_id", "updated_at"])
    if update.refunded_total is not None:
        _refunded_at_gateway(payment, update.refunded_total, source)
    return payment


def count_refund(payment: Payment, refund: Refund, source: str) -> None:
    """Add a succeeded refund to the payment's refunded amount and announce it."""
    payment.refunded_amount += refund.amount
    fully = payment.refunded_amount >= payment.amount
    payment.status = Status.REFUNDED if fully else Status.PARTIALLY_REFUNDED
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    db.on_commit(metrics.PAYMENTS.labels(payment.status).inc)
    db.on_commit(metrics.REFUNDS.labels("succeeded").inc)
    log(
        payment,
        source,
        f"Refunded {format_money(refund.amount, payment.currency)} "
        f"({format_money(payment.refunded_amount, payment.currency)} in all).",
    )
    publish(
        PaymentRefunded(
            reference=payment.reference,
            payment_id=str(payment.pk),
            refund_id=str(refund.pk),
            amount=refund.amount,
            refunded_total=payment.refunded_amount,
            currency=payment.currency,
            fully_refunded=fully,
        )
    )


def _flag(payment: Payment, source: str, reason: str) -> None:
    """Ask staff to look: something was paid or refunded that the status cannot show."""
    if payment.flagged and payment.flag_reason == reason:
        return
    payment.flagged, payment.flag_reason = True, reason
    payment.save(update_fields=["flagged", "flag_reason", "updated_at"])
    db.on_commit(metrics.FLAGS.inc)
    log(payment, source, f"Flagged for staff: {reason}")
    logger.warning("Payment %s (%s) flagged: %s", payment.pk, payment.reference, reason)


def _settle(payment: Payment, status: str, **fields) -> None:
    payment.status = status
    payment.settled_at = timezone.now()
    payment.redirect_url = ""
    for name, value in fields.items():
        setattr(payment, name, value)
    payment.save()
    db.on_commit(metrics.PAYMENTS.labels(status).inc)


def _succeed(payment: Payment, update: PaymentUpdate, source: str) -> None:
    currency = payment.currency
    asked = to_minor_units(payment.amount, currency)
    if payment.status in (Status.FAILED, Status.CANCELED):
        _flag(
            payment,
            source,
            f"the gateway reports it paid after it was {payment.status}; no order will "
            "follow, so refund it at the gateway.",
        )
        return
    if payment.status != Status.PENDING:
        return
    same_currency = update.currency.upper() == currency.upper()
    if update.amount_paid != asked or not same_currency:
        if same_currency and update.amount_paid is not None:
            paid = format_money(from_minor_units(update.amount_paid, currency), currency)
        else:
            paid = f"{update.amount_paid} minor units of {update.currency.upper() or '?'}"
        _flag(
            payment,
            source,
            f"the gateway reports {paid} paid but {format_money(payment.amount, currency)} "
            "was asked for; no order is placed. Refund it at the gateway.",
        )
        return
    _settle(payment, Status.SUCCEEDED)
    log(payment, source, f"Paid {format_money(payment.amount, currency)}.")
    publish(
        PaymentSucceeded(
            reference=payment.reference,
            payment_id=str(payment.pk),
            amount=payment.amount,
            currency=currency,
        )
    )


def _fail(payment: Payment, update: PaymentUpdate, source: str) -> None:
    if payment.status != Status.PENDING:
        return
    status = Status.FAILED if update.status == "failed" else Status.CANCELED
    reason = update.reason or ("declined" if status == Status.FAILED else "canceled")
    _settle(payment, status, failure_reason=reason)
    log(payment, source, f"{payment.get_status_display()} ({reason}).")
    publish(PaymentFailed(reference=payment.reference, payment_id=str(payment.pk), reason=reason))


def _refunded_at_gateway(payment: Payment, total_minor: int, source: str) -> None:
    """
    The gateway has refunded ``total_minor`` in all (a refund made in its
    dashboard, or ours): record what we did not ask for ourselves. Refunds we
    asked for that are still in progress count as known, so ours are never
    recorded twice.
    """
    total = min(from_minor_units(total_minor, payment.currency), payment.amount)
    known = payment.refunded_amount + selectors.refunds_in_progress(payment)
    if total <= known:
        return
    if payment.status not in (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED):
        _flag(
            payment,
            source,
            f"the gateway reports {format_money(total, payment.currency)} refunded on a "
            f"payment that is {payment.status} here.",
        )
        return
    refund, created = Refund.objects.get_or_create(
        key=f"gateway:{payment.pk}:{total_minor}",
        defaults={
            "payment": payment,
            "amount": total - known,
            "status": Refund.Status.SUCCEEDED,
            "reason": "Refunded at the gateway",
        },
    )
    if created:
        count_refund(payment, refund, source)
