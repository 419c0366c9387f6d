"""
Integration events the payments service publishes (frozen dataclasses deriving
from ``shop.core.events.Event``, named "payments.<EventName>"). Other apps may
import this module; what payments sends itself is in the private
``messages`` module.

``reference`` is the caller's identifier given to ``create_payment`` (orders
uses its checkout id); consumers key their work by it.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from shop.core.events import Event

__all__ = ["PaymentFailed", "PaymentRefunded", "PaymentSucceeded"]


@dataclass(frozen=True)
class PaymentSucceeded(Event):
    """The customer paid ``amount`` (checked against the payment) for ``reference``."""

    name: ClassVar[str] = "payments.PaymentSucceeded"
    version: ClassVar[int] = 1

    reference: str
    payment_id: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class PaymentFailed(Event):
    """
    The payment for ``reference`` will not complete: declined, cancelled or its
    session expired (``reason`` says which: "declined", "canceled", "expired").
    """

    name: ClassVar[str] = "payments.PaymentFailed"
    version: ClassVar[int] = 1

    reference: str
    payment_id: str
    reason: str


@dataclass(frozen=True)
class PaymentRefunded(Event):
    """
    Money went back to the customer: ``amount`` by this refund, ``refunded_total``
    so far; ``fully_refunded`` once nothing is left to give back.
    """

    name: ClassVar[str] = "payments.PaymentRefunded"
    version: ClassVar[int] = 1

    reference: str
    payment_id: str
    refund_id: str
    amount: Decimal
    refunded_total: Decimal
    currency: str
    fully_refunded: bool
