"""
The payments service's interface for other apps: functions that take and return
plain data (ids, str, int, Decimal, datetimes, frozen dataclasses) and the
exceptions they raise. Everything else in shop.payments is private.

Which gateway takes the money (Stripe or the built-in test gateway) is
invisible here: a caller gets a URL to send the customer to, and hears the
outcome through ``shop.payments.events``.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from . import selectors as _selectors
from . import services as _services
from .errors import (
    GatewayUnavailable,
    InvalidAmount,
    InvalidPaymentRequest,
    PaymentConflict,
    PaymentNotFound,
    RefundNotAllowed,
)

__all__ = [
    "GatewayUnavailable",
    "InvalidAmount",
    "InvalidPaymentRequest",
    "PaymentConflict",
    "PaymentInfo",
    "PaymentNotFound",
    "PaymentStatus",
    "RefundInfo",
    "RefundNotAllowed",
    "cancel_payment",
    "create_payment",
    "get_payment",
    "get_payment_for_reference",
    "refund_payment",
]

PaymentStatus = Literal[
    "pending", "succeeded", "failed", "canceled", "partially_refunded", "refunded"
]


@dataclass(frozen=True)
class PaymentInfo:
    id: str
    reference: str
    provider: Literal["stripe", "test"]
    status: PaymentStatus
    amount: Decimal
    refunded_amount: Decimal
    currency: str
    # Where the customer goes to pay; "" once the payment is settled.
    redirect_url: str
    created_at: datetime


@dataclass(frozen=True)
class RefundInfo:
    id: str
    payment_id: str
    key: str
    amount: Decimal
    status: Literal["pending", "succeeded", "failed"]
    created_at: datetime


def _payment_info(payment) -> PaymentInfo:
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


def _refund_info(refund) -> RefundInfo:
    return RefundInfo(
        id=str(refund.pk),
        payment_id=str(refund.payment_id),
        key=refund.key,
        amount=refund.amount,
        status=refund.status,
        created_at=refund.created_at,
    )


def create_payment(
    *,
    reference: str,
    amount: Decimal,
    user_id: int,
    description: str,
    return_url: str,
    cancel_url: str,
) -> PaymentInfo:
    """
    The payment for ``reference`` (created on the first call, the same one on
    every later call with the same figures; different figures raise
    PaymentConflict). ``return_url`` and ``cancel_url`` are absolute URLs the
    customer comes back to after paying or giving up.

    Raises ``GatewayUnavailable`` when the gateway cannot be reached: the
    payment exists, and calling again opens its payment page.
    ``InvalidAmount`` for an amount that is not positive or has more decimals
    than the store currency.
    """
    payment = _services.create_payment(
        reference=reference,
        amount=amount,
        user_id=user_id,
        description=description,
        return_url=return_url,
        cancel_url=cancel_url,
    )
    return _payment_info(payment)


def get_payment(payment_id: str) -> PaymentInfo:
    """Raises ``PaymentNotFound``."""
    return _payment_info(_selectors.payment_by_id(payment_id))


def get_payment_for_reference(reference: str) -> PaymentInfo:
    """Raises ``PaymentNotFound``."""
    return _payment_info(_selectors.payment_by_reference(reference))


def cancel_payment(reference: str) -> PaymentInfo:
    """
    Stop a pending payment from completing (its checkout expired): the
    gateway session is expired. A payment that already succeeded is returned
    unchanged; the caller then refunds it if it cannot deliver.
    """
    return _payment_info(_services.cancel_payment(reference))


def refund_payment(
    *, reference: str, key: str, amount: Decimal | None = None, reason: str = ""
) -> RefundInfo:
    """
    Give back ``amount`` (everything left when None) of the payment for
    ``reference``. ``key`` names this refund request: calling again with the
    same key returns the same refund and never refunds twice.

    Raises ``RefundNotAllowed`` (nothing or less than ``amount`` left, or the
    payment was never taken), ``PaymentConflict`` (the key was used for
    another refund) and ``GatewayUnavailable`` (the refund stays pending;
    call again with the same key). A refund the gateway refuses comes back
    with status "failed".
    """
    refund = _services.refund_payment(reference=reference, key=key, amount=amount, reason=reason)
    return _refund_info(refund)
