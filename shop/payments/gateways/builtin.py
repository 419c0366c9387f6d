"""
The built-in test gateway: no money moves. The customer's "Pay" or "Decline"
on ``/payments/test/<payment id>/`` (or the same through the API) becomes an
event shaped like a gateway's, recorded and processed exactly as a Stripe
webhook is, so a demo exercises the real checkout saga.
"""

from django.urls import reverse

from shop.core.money import to_minor_units

from ..errors import InvalidSignature
from ..models import Provider
from .base import CheckoutSession, GatewayRefund, Notification, PaymentUpdate

OUTCOMES = ("succeeded", "failed")


class TestGateway:
    __test__ = False  # not a pytest test class

    provider = Provider.TEST

    def create_session(self, payment, *, customer_email):
        return CheckoutSession(
            id=f"test_{payment.id.hex}",
            url=reverse("payments:test-gateway", args=[payment.id]),
        )

    def cancel(self, payment):
        return PaymentUpdate(status="canceled", reason="canceled")

    def refund(self, payment, refund):
        return GatewayRefund(id=f"test_re_{refund.id.hex}", status="succeeded")

    def verify(self, body, headers):
        raise InvalidSignature("The test gateway takes no webhooks.")

    @staticmethod
    def event_for(payment, outcome: str) -> dict:
        """
        The event a click on the test page makes. Its id depends only on the
        payment and the outcome, so a double click is a replay.
        """
        return {
            "id": f"test_{payment.id.hex}_{outcome}",
            "type": f"payment.{outcome}",
            "payment_id": str(payment.id),
            "amount": to_minor_units(payment.amount, payment.currency),
            "currency": payment.currency.lower(),
        }

    def event_identity(self, event):
        return event["id"], event["type"]

    def interpret(self, event):
        payment_id = str(event.get("payment_id", ""))
        if event.get("type") == "payment.succeeded":
            update = PaymentUpdate(
                status="succeeded", amount_paid=event["amount"], currency=event["currency"]
            )
        elif event.get("type") == "payment.failed":
            update = PaymentUpdate(status="failed", reason="declined")
        else:
            update = None
        return Notification(payment_id=payment_id, update=update)

    def fetch(self, payment):
        return None
