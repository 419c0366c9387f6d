"""
Fixtures for the orders tests: customers, an in-process delivery of events
to the orders consumers, and a stand-in for payments' refunds.

``deliver()`` hands every outbox row not yet delivered to the orders app's
consumers (not the checkout saga's) in this process, as the relay would,
until no new event appears; ``deliver(apps=("orders", "payments"))`` runs
payments' consumers too.
It calls the tasks directly, so these tests behave the same on SQLite and on
PostgreSQL with a real broker; the tests marked ``worker`` use the real path.
"""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from celery import current_app
from django.db import transaction
from django.utils import timezone

from shop.core.messaging import outbox_models, publish, subscribers
from shop.orders.models import Order
from shop.payments.events import PaymentRefunded
from shop.payments.public import GatewayUnavailable, RefundInfo, RefundNotAllowed

PASSWORD = "quiet-harbour-1843"


# The checkout saga's consumers: these tests place orders without it.
SAGA = ("orders.place_order", "orders.fail_checkout")


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


@dataclass
class FakePayments:
    """
    Stands in for ``shop.payments.public.refund_payment``: refunds what the
    order's payment has left, once per key, and announces each refund with
    ``payments.PaymentRefunded`` like payments does. ``down`` makes the
    gateway unreachable.
    """

    down: bool = False
    calls: list[dict] = field(default_factory=list)
    refunds: dict[str, RefundInfo] = field(default_factory=dict)
    refunded: dict[str, Decimal] = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def refund_payment(self, *, reference, key, amount=None, reason=""):
        self.calls.append({"reference": reference, "key": key, "amount": amount})
        if self.down:
            raise GatewayUnavailable()
        if key in self.refunds:
            return self.refunds[key]
        paid = Order.objects.get(payment_reference=reference).total
        left = paid - self.refunded.get(reference, Decimal(0))
        if left <= 0 or (amount is not None and amount > left):
            raise RefundNotAllowed()
        amount = left if amount is None else amount
        total = self.refunded[reference] = self.refunded.get(reference, Decimal(0)) + amount
        refund = RefundInfo(
            id=f"re_{next(self._ids)}",
            payment_id="pay_1",
            key=key,
            amount=amount,
            status="succeeded",
            created_at=timezone.now(),
        )
        self.refunds[key] = refund
        with transaction.atomic():
            publish(
                PaymentRefunded(
                    reference=reference,
                    payment_id="pay_1",
                    refund_id=refund.id,
                    amount=amount,
                    refunded_total=total,
                    currency="EUR",
                    fully_refunded=total >= paid,
                )
            )
        return refund


@pytest.fixture
def fake_payments(monkeypatch):
    fake = FakePayments()
    monkeypatch.setattr("shop.orders.services.payments.refund_payment", fake.refund_payment)
    return fake
