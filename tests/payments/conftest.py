"""
Fixtures for the payments tests: the session's fake Stripe server, customers,
payments on either gateway, and signed webhooks.
"""

import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from shop.core.events import from_payload
from shop.payments import public
from shop.payments.models import GatewayEvent, OutboxMessage, Payment
from tests.conftest import wait_for

from .fake_stripe import WEBHOOK_SECRET, shared_fake_stripe, signature

WEBHOOK_URL = "/api/v1/payments/webhooks/stripe/"
RETURN_URL = "https://shop.example.com/checkout/42/"
CANCEL_URL = "https://shop.example.com/checkout/42/?canceled=1"


@pytest.fixture
def fake_stripe(settings):
    """Stripe's API as far as the shop uses it; new payments go to Stripe."""
    fake = shared_fake_stripe()
    fake.reset()
    for name, value in fake.settings().items():
        setattr(settings, name, value)
    return fake


@pytest.fixture
def test_gateway(settings):
    """No Stripe key: new payments go to the built-in test gateway."""
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENTS_TEST_GATEWAY_ENABLED = True


def make_customer(email: str = "ada@example.com"):
    return get_user_model().objects.create_user(email=email, password="pw-for-tests-1")


@pytest.fixture
def customer():
    return make_customer()


@pytest.fixture
def api(customer):
    client = APIClient()
    client.force_authenticate(customer)
    return client


def create_payment(user, reference: str = "checkout-42", amount="49.90") -> public.PaymentInfo:
    return public.create_payment(
        reference=reference,
        amount=Decimal(amount),
        user_id=user.pk,
        description="Order at the shop",
        return_url=RETURN_URL,
        cancel_url=CANCEL_URL,
        customer_email=user.email,
    )


def session_id(payment: public.PaymentInfo) -> str:
    return Payment.objects.get(pk=payment.id).checkout_session_id


def post_webhook(client, event: dict, *, secret: str = WEBHOOK_SECRET, timestamp=None, **headers):
    body = json.dumps(event)
    headers.setdefault("HTTP_STRIPE_SIGNATURE", signature(body, secret, timestamp))
    return client.post(WEBHOOK_URL, body, content_type="application/json", **headers)


def published(event_type) -> list:
    """The events of this type in the payments outbox, oldest first."""
    messages = OutboxMessage.objects.filter(event_name=event_type.name).order_by("created_at")
    return [from_payload(event_type, message.payload) for message in messages]


def status_becomes(payment_id: str, status: str, timeout: float = 20) -> bool:
    """Wait for a status set by the ``payments.process_gateway_event`` task (maybe in a worker)."""
    return bool(
        wait_for(lambda: Payment.objects.get(pk=payment_id).status == status, timeout=timeout)
    )


def processed(event_id: str, timeout: float = 20) -> bool:
    """Wait until the stored gateway event ``event_id`` has been processed."""
    return bool(
        wait_for(
            lambda: GatewayEvent.objects.filter(
                event_id=event_id, processed_at__isnull=False
            ).exists(),
            timeout=timeout,
        )
    )
