"""
The payments service's interface for other apps: functions that take and return
plain data (ids, str, int, Decimal, datetimes, frozen dataclasses) and the
exceptions they raise. Everything else in shop.payments is private.

Which gateway takes the money (Stripe or the built-in test gateway) is
invisible here: a caller gets a URL to send the customer to, and hears the
outcome through ``shop.payments.events``.

INTERFACE DRAFT: the signatures below are the contract other apps build
against; the bodies are being written (issue 6).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from shop.core.errors import Conflict, NotFound, ShopError

PaymentStatus = Literal[
    "pending", "succeeded", "failed", "canceled", "partially_refunded", "refunded"
]


class PaymentNotFound(NotFound):
    code = "payment_not_found"
    default_detail = "No such payment."


class PaymentConflict(Conflict):
    """The same reference or refund key was used before with different figures."""

    code = "payment_conflict"
    default_detail = "This reference was already used for a different payment."


class RefundNotAllowed(Conflict):
    """Nothing (or less than asked) is left to refund, or the payment was never taken."""

    code = "refund_not_allowed"
    default_detail = "This payment cannot be refunded by that amount."


class InvalidAmount(ShopError):
    code = "invalid_amount"
    default_detail = "The amount must be positive and in the store currency's minor unit."


class GatewayUnavailable(ShopError):
    """The gateway did not answer; the same call may be retried (it is idempotent)."""

    status_code = 503
    code = "payment_gateway_unavailable"
    default_detail = "The payment provider is not reachable right now. Please try again."


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
    """
    raise NotImplementedError


def get_payment(payment_id: str) -> PaymentInfo:
    raise NotImplementedError


def get_payment_for_reference(reference: str) -> PaymentInfo:
    raise NotImplementedError


def cancel_payment(reference: str) -> PaymentInfo:
    """
    Stop a pending payment from completing (its checkout expired): the
    gateway session is expired. A payment that already succeeded is returned
    unchanged; the caller then refunds it if it cannot deliver.
    """
    raise NotImplementedError


def refund_payment(
    *, reference: str, key: str, amount: Decimal | None = None, reason: str = ""
) -> RefundInfo:
    """
    Give back ``amount`` (everything left when None) of the payment for
    ``reference``. ``key`` names this refund request: calling again with the
    same key returns the same refund and never refunds twice.
    """
    raise NotImplementedError
