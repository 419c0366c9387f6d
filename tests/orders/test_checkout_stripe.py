"""
The purchase saga with Stripe: the checkout opens a Checkout Session on the
fake Stripe server, and Stripe's signed webhook (delivered five times, in the
wrong order too) makes exactly one order.
"""

import pytest
from rest_framework.test import APIClient

from shop.orders.models import Order
from shop.payments import public as payments
from tests.conftest import wait_for
from tests.payments.conftest import fake_stripe, post_webhook, session_id  # noqa: F401

from .test_checkout import ada, api, available, fill_cart, start, status_of, tee  # noqa: F401

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_signed_webhook_delivered_five_times_makes_one_order(api, tee, fake_stripe):  # noqa: F811
    fill_cart(api, tee, 2)
    checkout = start(api).json()
    payment = payments.get_payment(checkout["payment"]["id"])
    assert payment.provider == "stripe"
    assert checkout["payment"]["redirect_url"].startswith("https://checkout.stripe.test/")

    paid = fake_stripe.pay(session_id(payment))
    completed = fake_stripe.event("checkout.session.completed", paid)
    webhook = APIClient()
    answers = [post_webhook(webhook, completed).status_code for _ in range(5)]
    stale_failure = fake_stripe.event("checkout.session.expired", paid)
    answers.append(post_webhook(webhook, stale_failure).status_code)

    assert answers == [200] * 6
    assert wait_for(lambda: status_of(api, checkout["id"])["status"] == "completed")
    assert Order.objects.count() == 1
    assert available(tee) == 3
    assert status_of(api, checkout["id"])["status"] == "completed"


def test_a_bad_signature_changes_nothing(api, tee, fake_stripe):  # noqa: F811
    fill_cart(api, tee)
    checkout = start(api).json()
    paid = fake_stripe.pay(session_id(payments.get_payment(checkout["payment"]["id"])))

    forged = post_webhook(
        APIClient(), fake_stripe.event("checkout.session.completed", paid), secret="whsec_wrong"
    )

    assert forged.status_code == 400
    assert status_of(api, checkout["id"])["status"] == "awaiting_payment"
    assert not Order.objects.exists()
