"""
The payments service's interface for other apps: functions that take and return
plain data (``data.py``) and the exceptions they raise. Everything else in
shop.payments is private.

Which gateway takes the money (Stripe or the built-in test gateway) is
invisible here: a caller gets a URL to send the customer to, and hears the
outcome through ``shop.payments.events``.
"""

from datetime import date
from decimal import Decimal

from shop.core.interfaces import idempotent

from . import reporting as _reporting
from . import selectors as _selectors
from .data import (
    FlaggedPayment,
    PaymentInfo,
    PaymentReport,
    PaymentStatus,
    RefundEntry,
    RefundInfo,
    RefundTotals,
)
from .errors import (
    GatewayUnavailable,
    InvalidAmount,
    InvalidPaymentRequest,
    PaymentConflict,
    PaymentNotFound,
    RefundNotAllowed,
)
from .models import Payment as _Payment
from .models import Refund as _Refund
from .services import cancelling as _cancelling
from .services import creating as _creating
from .services import refunds as _refunds

__all__ = [
    "FlaggedPayment",
    "GatewayUnavailable",
    "InvalidAmount",
    "InvalidPaymentRequest",
    "PaymentConflict",
    "PaymentInfo",
    "PaymentNotFound",
    "PaymentReport",
    "PaymentStatus",
    "RefundEntry",
    "RefundInfo",
    "RefundNotAllowed",
    "RefundTotals",
    "cancel_payment",
    "create_payment",
    "get_payment",
    "get_payment_for_reference",
    "payment_report",
    "refund_payment",
]


def _payment_info(payment: _Payment) -> PaymentInfo:
    return PaymentInfo(
        id=str(payment.pk),
        reference=payment.reference,
        provider=payment.provider,
        status=payment.status,
        amount=payment.amount,
        refunded_amount=payment.refunded_amount,
        currency=payment.currency,
        redirect_url=payment.redirect_url if payment.is_pending else "",
        created_at=payment.created_at,
    )


def _refund_info(refund: _Refund) -> RefundInfo:
    return RefundInfo(
        id=str(refund.pk),
        payment_id=str(refund.payment_id),
        key=refund.key,
        amount=refund.amount,
        status=refund.status,
        created_at=refund.created_at,
    )


@idempotent
def create_payment(
    *,
    reference: str,
    amount: Decimal,
    user_id: int | None,
    description: str,
    return_url: str,
    cancel_url: str,
    customer_email: str = "",
) -> PaymentInfo:
    """
    The payment for ``reference`` (created on the first call, the same one on
    every later call with the same figures). ``return_url`` and
    ``cancel_url`` are absolute URLs the customer comes back to after paying
    or giving up; ``customer_email`` fills in the gateway's form (not stored).
    ``user_id`` is None for a guest (no account); the same reference with
    another ``user_id`` is a conflict like other figures.

    Raises ``PaymentConflict`` when ``reference`` was used with other figures;
    ``GatewayUnavailable`` when the gateway cannot be reached (the payment
    exists, and calling again opens its payment page); ``InvalidAmount`` for
    an amount that is not positive or has more decimals than the store
    currency; ``InvalidPaymentRequest`` for an empty or too long reference,
    description or URL.
    """
    payment = _creating.create_payment(
        reference=reference,
        amount=amount,
        user_id=user_id,
        description=description,
        return_url=return_url,
        cancel_url=cancel_url,
        customer_email=customer_email,
    )
    return _payment_info(payment)


@idempotent
def get_payment(payment_id: str) -> PaymentInfo:
    """Raises ``PaymentNotFound``."""
    return _payment_info(_selectors.payment_by_id(payment_id))


@idempotent
def get_payment_for_reference(reference: str) -> PaymentInfo:
    """Raises ``PaymentNotFound``."""
    return _payment_info(_selectors.payment_by_reference(reference))


@idempotent
def cancel_payment(reference: str) -> PaymentInfo:
    """
    Stop a pending payment from completing (its checkout expired): the
    gateway session is expired. A payment that already succeeded is returned
    unchanged; the caller then refunds it if it cannot deliver.

    Raises ``PaymentNotFound``, and ``GatewayUnavailable`` when the gateway
    cannot be reached (the payment stays pending; call again).
    """
    return _payment_info(_cancelling.cancel_payment(reference))


@idempotent
def refund_payment(
    *, reference: str, key: str, amount: Decimal | None = None, reason: str = ""
) -> RefundInfo:
    """
    Give back ``amount`` (everything left when None) of the payment for
    ``reference``. ``key`` names this refund request: calling again with the
    same key returns the same refund and never refunds twice.

    Raises ``PaymentNotFound``, ``RefundNotAllowed`` (nothing or less than
    ``amount`` left, or the payment was never taken), ``PaymentConflict``
    (the key was used for another refund), ``InvalidAmount``,
    ``InvalidPaymentRequest`` (an empty or too long key or reason) and
    ``GatewayUnavailable`` (the refund stays pending and is sent again by
    itself; calling again with the same key is safe). A refund the gateway
    refuses comes back with status "failed".
    """
    refund = _refunds.refund_payment(reference=reference, key=key, amount=amount, reason=reason)
    return _refund_info(refund)


@idempotent
def payment_report(first_day: date, last_day: date, limit: int = 100) -> PaymentReport:
    """
    The refunds asked for from ``first_day`` to ``last_day`` (days of the
    shop's time zone, both included), by status with the latest ``limit`` of
    them, and the payments flagged for staff now (all counted, the latest
    ``limit`` listed; at most 500 each); four queries whatever the period.
    Raises ``shop.core.errors.InvalidPeriod`` for a period that ends before
    it starts or is longer than ``shop.core.days.MAX_PERIOD_DAYS``.
    """
    return _reporting.payment_report(first_day, last_day, limit)
