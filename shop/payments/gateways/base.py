"""
What the payments service needs from a gateway, and the plain values that
cross between them. Services never see a gateway's own objects: a Stripe
Checkout Session or the test gateway's click both become a ``PaymentUpdate``.

Amounts cross in minor units (cents), as gateways count them.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from ..models import Payment, Refund

RemoteStatus = Literal["pending", "succeeded", "failed", "canceled"]


class GatewayRefused(Exception):
    """The gateway answered and said no (not a network failure: retrying will not help)."""


class UnreadableEvent(Exception):
    """
    A stored event whose fields are not what its type promises (an amount
    that is not a whole number, metadata that is not an object): processing
    it again will not help, so it is given up at once.
    """


@dataclass(frozen=True)
class CheckoutSession:
    """Where the customer pays: the gateway's id for it and its page."""

    id: str
    url: str


@dataclass(frozen=True)
class PaymentUpdate:
    """
    What a gateway says about a payment. ``status`` is ``None`` when it says
    nothing about the status (a refund notification). ``amount_paid`` and
    ``currency`` come with "succeeded", to be checked against the payment;
    ``refunded_total`` is everything refunded so far at the gateway.
    """

    status: RemoteStatus | None = None
    reason: str = ""
    amount_paid: int | None = None
    currency: str = ""
    refunded_total: int | None = None
    payment_intent_id: str = ""


@dataclass(frozen=True)
class Notification:
    """
    A verified gateway event, turned into what it means. The payment is named
    by any of ``payment_id`` (ours, from the metadata), ``session_id`` or
    ``payment_intent_id``; ``update`` is ``None`` for event types that need
    no action (acknowledged and kept for the record).
    """

    payment_id: str = ""
    session_id: str = ""
    payment_intent_id: str = ""
    update: PaymentUpdate | None = None


@dataclass(frozen=True)
class GatewayRefund:
    id: str
    status: Literal["pending", "succeeded", "failed"]
    failure_message: str = ""


class Gateway(Protocol):
    """The operations the payments service uses; ``gateway_for(provider)`` returns one."""

    provider: str

    def create_session(self, payment: "Payment", *, customer_email: str | None) -> CheckoutSession:
        """
        A page where the customer pays ``payment.amount``. Safe to call again
        for the same payment: the same session comes back, never a second charge.
        """

    def cancel(self, payment: "Payment") -> PaymentUpdate:
        """
        Stop a pending payment from completing; returns the gateway's state
        afterwards (which says "succeeded" when the customer paid first).
        """

    def refund(self, payment: "Payment", refund: "Refund") -> GatewayRefund:
        """Give back ``refund.amount``; the same refund again is not refunded twice."""

    def verify(self, body: bytes, headers) -> dict:
        """The event in a webhook body, once its signature checks out; else ``InvalidSignature``."""

    def event_identity(self, event: dict) -> tuple[str, str]:
        """``(event id, event type)`` of a verified event, for storing it once."""

    def interpret(self, event: dict) -> Notification:
        """
        What a stored event means for which payment (no network call);
        ``UnreadableEvent`` when its fields are not what its type promises.
        """

    def fetch(self, payment: "Payment") -> PaymentUpdate | None:
        """The gateway's current view of the payment (for reconciling); ``None``: nothing known."""
