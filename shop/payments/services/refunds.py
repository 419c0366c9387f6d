"""
Refunds: asking the gateway to give money back, once per key, and sending a
refund again when the gateway did not answer (``payments.send_refund``).
"""

from shop.core.messaging import publish
from shop.core.money import format_money

from .. import metrics, selectors
from ..db import db
from ..errors import GatewayUnavailable, PaymentConflict, RefundNotAllowed
from ..gateways import gateway_for
from ..messages import RefundUnsent
from ..models import Payment, Refund
from . import status
from .validation import check_amount, check_text

KEY_MAX_LENGTH = Refund._meta.get_field("key").max_length
REASON_MAX_LENGTH = Refund._meta.get_field("reason").max_length


def refund_payment(
    *, reference: str, key: str, amount=None, reason: str = "", source: str = "refund request"
) -> Refund:
    """
    Give back ``amount`` (all that is left when ``None``). ``key`` names the
    request: the same key again returns the same refund, resuming it if the
    gateway could not be reached the first time. After ``GatewayUnavailable``
    the refund stays pending and the ``payments.send_refund`` task sends it
    again by itself until the gateway answers.
    """
    key = check_text(key, "refund key", KEY_MAX_LENGTH)
    amount = None if amount is None else check_amount(amount)
    reason = check_text(reason, "reason", REASON_MAX_LENGTH, blank=True)
    with db.atomic():
        payment = status.locked(selectors.payment_by_reference(reference).pk)
        refund = Refund.objects.select_for_update().filter(key=key).first()
        if refund is not None:
            if refund.payment_id != payment.pk or amount not in (None, refund.amount):
                raise PaymentConflict(
                    "This refund key was already used for a different refund.", key=key
                )
        else:
            refund = _new_refund(payment, key, amount, reason, source)
    refund.refresh_from_db()
    if refund.status == Refund.Status.PENDING:
        try:
            refund = send_refund(refund.pk, source=source)
        except GatewayUnavailable:
            with db.atomic():
                publish(RefundUnsent(refund_id=str(refund.pk)))
            raise
    return refund


def _new_refund(payment: Payment, key: str, amount, reason: str, source: str) -> Refund:
    left = payment.refundable_amount - selectors.refunds_in_progress(payment)
    if left <= 0:
        detail = (
            f"A {payment.get_status_display().lower()} payment has nothing to refund."
            if payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED)
            else "Everything paid has been refunded (or is being refunded) already."
        )
        raise RefundNotAllowed(detail, refundable="0.00")
    amount = left if amount is None else amount
    if amount > left:
        raise RefundNotAllowed(
            f"At most {format_money(left, payment.currency)} can be refunded.",
            refundable=str(left),
        )
    refund = Refund.objects.create(payment=payment, key=key, amount=amount, reason=reason)
    db.on_commit(metrics.REFUNDS.labels("requested").inc)
    why = f": {reason}" if reason else ""
    status.log(
        payment, source, f"Refund of {format_money(amount, payment.currency)} requested{why}."
    )
    return refund


def resend_refund(refund_pk) -> None:
    """Send a refund again if it is still pending (after an outage); see ``tasks.send_refund``."""
    if Refund.objects.filter(pk=refund_pk, status=Refund.Status.PENDING).exists():
        send_refund(refund_pk, source="retry")


def send_refund(refund_pk, *, source: str) -> Refund:
    """Ask the gateway for a pending refund (again: it is idempotent) and record its answer."""
    refund = Refund.objects.select_related("payment").get(pk=refund_pk)
    result = gateway_for(refund.payment.provider).refund(refund.payment, refund)
    with db.atomic():
        payment = status.locked(refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund_pk)
        if refund.status != Refund.Status.PENDING:
            return refund
        refund.gateway_refund_id = result.id
        refund.status = result.status
        refund.failure_message = result.failure_message
        refund.save()
        if result.status == Refund.Status.SUCCEEDED:
            status.count_refund(payment, refund, source)
        elif result.status == Refund.Status.FAILED:
            db.on_commit(metrics.REFUNDS.labels("failed").inc)
            status.log(
                payment,
                source,
                f"Refund of {format_money(refund.amount, payment.currency)} refused by the "
                f"gateway: {result.failure_message or 'no reason given'}.",
            )
    return refund
