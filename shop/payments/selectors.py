"""
Read logic of payments: finding a payment by what a caller or a gateway
knows of it, the money it has in refunds still in progress, and the payments
a reconcile looks at.
"""

import uuid
from datetime import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from .errors import PaymentNotFound
from .gateways import Notification
from .models import GatewayEvent, Payment, Refund


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def payment_by_id(payment_id) -> Payment:
    pk = _uuid(payment_id)
    payment = Payment.objects.filter(pk=pk).first() if pk else None
    if payment is None:
        raise PaymentNotFound()
    return payment


def payment_by_reference(reference: str) -> Payment:
    payment = Payment.objects.filter(reference=reference).first() if reference else None
    if payment is None:
        raise PaymentNotFound()
    return payment


def payment_for_notification(
    provider: str, notification: Notification, *, lock: bool = False
) -> Payment | None:
    """
    The payment a gateway event is about: by our id, else by the gateway's
    ids; with ``lock``, its row locked until the transaction ends.
    """
    payments = Payment.objects.filter(provider=provider)
    if lock:
        payments = payments.select_for_update()
    pk = _uuid(notification.payment_id) if notification.payment_id else None
    if pk:
        found = payments.filter(pk=pk).first()
        if found:
            return found
    gateway_ids = (
        ("checkout_session_id", notification.session_id),
        ("payment_intent_id", notification.payment_intent_id),
    )
    for field, value in gateway_ids:
        if value:
            found = payments.filter(**{field: value}).first()
            if found:
                return found
    return None


def refunds_in_progress(payment: Payment) -> Decimal:
    """What the payment's refunds still pending at the gateway add up to."""
    pending = payment.refunds.filter(status=Refund.Status.PENDING).aggregate(total=Sum("amount"))
    return pending["total"] or Decimal(0)


def reconcile_candidates(since: datetime) -> QuerySet[Payment]:
    """
    Payments since ``since`` the gateway may know more about: still pending,
    paid (a refund made at the gateway), or with a refund still in progress.
    """
    unsettled = Q(
        status__in=[
            Payment.Status.PENDING,
            Payment.Status.SUCCEEDED,
            Payment.Status.PARTIALLY_REFUNDED,
        ]
    ) | Q(refunds__status=Refund.Status.PENDING)
    return (
        Payment.objects.filter(unsettled, created_at__gte=since).distinct().order_by("created_at")
    )


def failed_gateway_events(since: datetime) -> QuerySet[GatewayEvent]:
    """Gateway events received since ``since`` that were given up (nobody retries them)."""
    return GatewayEvent.objects.filter(failed_at__isnull=False, received_at__gte=since).order_by(
        "received_at"
    )
