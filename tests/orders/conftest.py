"""
Fixtures for the orders tests: customers, an in-process delivery of events
to the orders consumers, and payments' test gateway that can go down.

``deliver()`` hands every outbox row not yet delivered to the orders app's
consumers (not the checkout saga's) in this process, as the relay would,
until no new event appears; ``deliver(apps=("orders", "payments"))`` runs
payments' consumers too.
It calls the tasks directly, so these tests behave the same on SQLite and on
PostgreSQL with a real broker; the tests marked ``worker`` use the real path.
"""

import pytest
from celery import current_app
from django.utils import timezone

from shop.core.messaging import outbox_models, subscribers
from shop.payments.gateways.builtin import TestGateway as BuiltinGateway
from shop.payments.models import Refund
from shop.payments.public import GatewayUnavailable

PASSWORD = "quiet-harbour-1843"


# The checkout saga's consumers: these tests place orders without it.
SAGA = ("orders.complete_checkout", "orders.fail_checkout")


def run_consumers(message, apps: tuple[str, ...] = ("orders",)) -> None:
    for name in subscribers(message.event_name):
        if name.split(".")[0] in apps and name not in SAGA:
            current_app.tasks[name](message.envelope())


def deliver_pending(apps: tuple[str, ...] = ("orders",)) -> int:
    delivered = 0
    while True:
        pending = sorted(
            (
                message
                for model in outbox_models()
                for message in model.objects.filter(sent_at__isnull=True)
            ),
            key=lambda message: message.created_at,
        )
        if not pending:
            return delivered
        for message in pending:
            type(message).objects.filter(pk=message.pk).update(sent_at=timezone.now())
            run_consumers(message, apps)
            delivered += 1


@pytest.fixture
def deliver():
    return deliver_pending


@pytest.fixture
def ada(django_user_model):
    return django_user_model.objects.create_user(email="ada@example.com", password=PASSWORD)


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user(email="bob@example.com", password=PASSWORD)


@pytest.fixture
def ada_client(client, ada):
    client.force_login(ada)
    return client


class PaymentsGateway:
    """
    Payments' built-in test gateway, which takes every order ``make_order``
    makes, behind the real payments service. ``down`` makes it unreachable.
    """

    def __init__(self):
        self.down = False

    def refunds(self) -> list[Refund]:
        """Every refund payments has recorded, oldest first."""
        return list(Refund.objects.order_by("created_at"))


@pytest.fixture
def gateway(settings, monkeypatch):
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENTS_TEST_GATEWAY_ENABLED = True
    test_gateway = PaymentsGateway()
    real_refund = BuiltinGateway.refund

    def refund(self, payment, refund):
        if test_gateway.down:
            raise GatewayUnavailable()
        return real_refund(self, payment, refund)

    monkeypatch.setattr(BuiltinGateway, "refund", refund)
    return test_gateway
