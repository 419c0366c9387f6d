"""
The built-in test gateway: no money moves. The customer's "Pay" or "Decline"
on ``/payments/test/<payment id>/<key>/`` (or the same through the API)
becomes an event shaped like a gateway's, recorded and processed exactly as
a Stripe webhook is, so a demo exercises the real checkout saga.

Like a Stripe Checkout link, the page's address is what lets the customer
pay: ``key`` is an HMAC of the payment id under the service's secret key,
so the page needs no sign-in (which works where payments runs apart from
accounts, and for guests) and nobody reaches a payment whose link they were
not given (docs/decisions/0014).
"""

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from shop.core.money import to_minor_units

from ..errors import InvalidSignature
from ..models import Provider
from .base import CheckoutSession, GatewayRefund, Notification, PaymentUpdate

OUTCOMES = ("succeeded", "failed")
KEY_SALT = "shop.payments.test-gateway"


def page_key(payment_id) -> str:
    """The part of the payment page's address that only its link holds."""
    return salted_hmac(KEY_SALT, str(payment_id), algorithm="sha256").hexdigest()[:32]


def is_page_key(payment_id, key: str) -> bool:
    return constant_time_compare(page_key(payment_id), key)


def page_url(payment_id) -> str:
    """The payment page, absolute when ``PAYMENTS_URL`` says where this service is."""
    path = reverse("payments:test-gateway", args=[payment_id, page_key(payment_id)])
    return settings.PAYMENTS_URL.rstrip("/") + path


class TestGateway:
    __test__ = False  # not a pytest test class

    provider = Provider.TEST

    def create_session(self, payment, *, customer_email):
        return CheckoutSession(
            id=f"test_{payment.id.hex}",
            url=page_url(payment.id),
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
