"""
What a purchase counts in /metrics: a checkout started and completed, an
order placed, a payment asked for and paid, the tasks that ran; a decline
and an expiry count as theirs; a paid checkout whose stock was sold
meanwhile counts as refunded. Tasks run in this process, so the counters
read here are the ones that moved.
"""

import pytest
from celery import current_app
from prometheus_client import REGISTRY

from shop.catalog.models import Variant
from shop.payments import public as payments
from shop.payments.events import PaymentSucceeded
from tests.catalog.factories import make_product
from tests.conftest import wait_for
from tests.orders.test_checkout import (
    api_for,
    expire_checkout,
    fill_cart,
    make_buyer,
    pay,
    start,
    status_of,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch):
    """Even with a broker set (make services-test): this process's counters are read."""
    monkeypatch.setattr(current_app.conf, "task_always_eager", True)


@pytest.fixture
def api():
    return api_for(make_buyer())


@pytest.fixture
def tee():
    return make_product("Tee", price="20.00", stock=5).variants.get().sku


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


SAMPLES = {
    "started": ("shop_checkouts_total", {"status": "started"}),
    "completed": ("shop_checkouts_total", {"status": "completed"}),
    "failed": ("shop_checkouts_total", {"status": "failed"}),
    "expired": ("shop_checkouts_total", {"status": "expired"}),
    "orders": ("shop_orders_placed_total", {}),
    "payments asked": ("shop_payments_total", {"status": "pending"}),
    "payments paid": ("shop_payments_total", {"status": "succeeded"}),
    "payments declined": ("shop_payments_total", {"status": "failed"}),
    "payments canceled": ("shop_payments_total", {"status": "canceled"}),
    "refunds requested": ("shop_refunds_total", {"status": "requested"}),
    "refunds made": ("shop_refunds_total", {"status": "succeeded"}),
    "payments refunded": ("shop_payments_total", {"status": "refunded"}),
    "refunded, stock gone": ("shop_checkouts_refunded_total", {"reason": "stock_gone"}),
    "found paid at expiry": ("shop_checkouts_found_paid_at_expiry_total", {}),
    "completions run": (
        "shop_celery_tasks_total",
        {"task": "orders.complete_checkout", "outcome": "succeeded"},
    ),
}


class Moved:
    """What each counter of ``SAMPLES`` moved by since this was made."""

    def __init__(self):
        self.before = self._now()

    @staticmethod
    def _now() -> dict[str, float]:
        return {key: value(name, **labels) for key, (name, labels) in SAMPLES.items()}

    def __call__(self) -> dict[str, float]:
        now = self._now()
        return {key: now[key] - self.before[key] for key in now if now[key] != self.before[key]}


def test_a_paid_checkout_counts_a_checkout_completed_an_order_and_a_payment(api, tee):
    moved = Moved()
    fill_cart(api, tee)
    checkout = start(api).json()

    pay(api, checkout)

    assert wait_for(lambda: status_of(api, checkout["id"])["status"] == "completed")
    assert moved() == {
        "started": 1,
        "completed": 1,
        "orders": 1,
        "payments asked": 1,
        "payments paid": 1,
        "completions run": 1,
    }


def test_a_declined_payment_counts_a_failed_checkout(api, tee):
    moved = Moved()
    fill_cart(api, tee)
    checkout = start(api).json()

    pay(api, checkout, outcome="failed")

    assert wait_for(lambda: status_of(api, checkout["id"])["status"] == "failed")
    assert moved() == {"started": 1, "failed": 1, "payments asked": 1, "payments declined": 1}


def test_a_checkout_nobody_paid_counts_as_expired(api, tee):
    moved = Moved()
    fill_cart(api, tee)
    checkout = start(api).json()

    expire_checkout(checkout["id"])

    assert moved() == {
        "started": 1,
        "expired": 1,
        "payments asked": 1,
        "payments canceled": 1,
    }


def test_a_paid_checkout_found_at_expiry_with_its_stock_sold_counts_as_refunded(
    api, tee, lossy_broker
):
    """Its PaymentSucceeded was lost; the expiry task finds it paid, the stock gone."""
    lossy_broker.loses(PaymentSucceeded)
    fill_cart(api, tee, 2)
    checkout = start(api).json()
    pay(api, checkout)
    Variant.objects.filter(sku=tee).update(stock_on_hand=1)  # sold elsewhere meanwhile
    moved = Moved()

    expire_checkout(checkout["id"])

    assert status_of(api, checkout["id"])["status"] == "expired"
    assert payments.get_payment(checkout["payment"]["id"]).status == "refunded"
    assert moved() == {
        "found paid at expiry": 1,
        "expired": 1,
        "refunded, stock gone": 1,
        "refunds requested": 1,
        "refunds made": 1,
        "payments refunded": 1,
    }
