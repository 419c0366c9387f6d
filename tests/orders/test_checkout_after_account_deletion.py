"""
A customer deletes their account while a checkout waits for payment: nobody
can receive that order any more, so its stock goes back and its payment page
closes; a payment that arrives all the same is refunded, not shipped.
"""

from datetime import UTC, datetime

import pytest
from celery import current_app

from shop.orders.models import Order
from shop.orders.services import forgetting
from shop.payments import public as payments
from shop.payments.events import PaymentSucceeded

from .test_checkout import ada, api, available, fill_cart, pay, start, status_of, tee  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

DELETED_AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def in_process(monkeypatch):
    monkeypatch.setattr(current_app.conf, "task_always_eager", True)


@pytest.fixture
def late_payment_events(lossy_broker):
    """PaymentSucceeded waits in the broker until the test lets it through."""
    return lossy_broker.loses(PaymentSucceeded).deliver_lost


def test_deleting_the_account_gives_the_stock_back_and_closes_the_payment_page(
    api,  # noqa: F811
    ada,  # noqa: F811
    tee,  # noqa: F811
    in_process,
):
    fill_cart(api, tee, 2)
    checkout = start(api).json()
    assert available(tee) == 3

    forgetting.forget_customer(ada.pk, DELETED_AT)

    assert status_of(api, checkout["id"])["status"] == "expired"
    assert available(tee) == 5
    assert payments.get_payment(checkout["payment"]["id"]).status == "canceled"


def test_a_payment_that_arrives_after_the_account_was_deleted_is_refunded_not_shipped(
    api,  # noqa: F811
    ada,  # noqa: F811
    tee,  # noqa: F811
    late_payment_events,
    mailoutbox,
):
    fill_cart(api, tee, 2)
    checkout = start(api).json()
    pay(api, checkout)
    forgetting.forget_customer(ada.pk, DELETED_AT)

    late_payment_events()

    assert not Order.objects.exists()
    assert status_of(api, checkout["id"])["status"] == "expired"
    assert payments.get_payment(checkout["payment"]["id"]).status == "refunded"
    assert available(tee) == 5
    assert mailoutbox == []
