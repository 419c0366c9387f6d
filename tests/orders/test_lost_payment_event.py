"""
A broker can lose a message after accepting it (a Redis restart without
persistence, a worker SIGKILLed between taking a message and recording it as
unacknowledged: ``bench/faults.py`` shows both). The outbox then never sends
``PaymentSucceeded`` again, so the paid checkout would wait for an event that
never comes. The expiry task is the backstop: it completes such a checkout
instead of giving its stock away.
"""

import pytest

from shop.catalog.models import Variant
from shop.orders.models import Order, SentEmail
from shop.payments import public as payments
from shop.payments.events import PaymentSucceeded

from .test_checkout import (  # noqa: F401
    ada,
    api,
    available,
    expire_checkout,
    fill_cart,
    pay,
    start,
    status_of,
    tee,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_loses_payment_succeeded(lossy_broker):
    return lossy_broker.loses(PaymentSucceeded)


def test_a_paid_checkout_whose_success_event_was_lost_becomes_an_order_at_expiry(
    api,  # noqa: F811
    tee,  # noqa: F811
    broker_loses_payment_succeeded,
):
    fill_cart(api, tee, 2)
    checkout = start(api).json()
    pay(api, checkout)
    assert payments.get_payment(checkout["payment"]["id"]).status == "succeeded"
    assert status_of(api, checkout["id"])["status"] == "awaiting_payment"

    assert expire_checkout(checkout["id"]) == 0

    done = status_of(api, checkout["id"])
    assert done["status"] == "completed"
    assert str(Order.objects.get(number=done["order_number"]).checkout_id) == checkout["id"]
    assert Variant.objects.get(sku=tee).stock_on_hand == 3
    assert available(tee) == 3


def test_an_unpaid_checkout_still_expires_and_gives_its_stock_back(
    api,  # noqa: F811
    tee,  # noqa: F811
    broker_loses_payment_succeeded,
):
    fill_cart(api, tee, 2)
    checkout = start(api).json()

    assert expire_checkout(checkout["id"]) == 1

    assert status_of(api, checkout["id"])["status"] == "expired"
    assert available(tee) == 5
    assert not Order.objects.exists()


def test_a_late_payment_for_stock_sold_meanwhile_is_refunded_and_the_customer_mailed_once(
    api,  # noqa: F811
    tee,  # noqa: F811
    broker_loses_payment_succeeded,
    mailoutbox,
):
    fill_cart(api, tee, 2)
    checkout = start(api).json()
    pay(api, checkout)
    Variant.objects.filter(sku=tee).update(stock_on_hand=1)  # sold elsewhere meanwhile

    expire_checkout(checkout["id"])
    broker_loses_payment_succeeded.deliver_lost()  # the lost event turns up after all
    expire_checkout(checkout["id"])

    assert status_of(api, checkout["id"])["status"] == "expired"
    assert payments.get_payment(checkout["payment"]["id"]).status == "refunded"
    assert not Order.objects.exists()
    told = [mail for mail in mailoutbox if "could not complete your order" in mail.subject]
    assert len(told) == 1
    assert told[0].to == ["ada@example.com"]
    assert "€44.90" in told[0].body  # two tees and standard delivery
    assert told[0].alternatives, "an HTML part like every other customer email"
    sent = SentEmail.objects.get()
    assert (sent.kind, str(sent.checkout_id), sent.order_id) == (
        "checkout_refunded",
        checkout["id"],
        None,
    )
