"""
The purchase saga with Stripe: the checkout opens a Checkout Session on the
fake Stripe server, and Stripe's signed webhooks decide it: a completed
session (delivered five times, in the wrong order too) makes exactly one
order; a bank debit that fails or a session left to expire gives the stock
back and lets the customer try again.
"""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from shop.cart import public as cart
from shop.catalog.models import Variant
from shop.core.messaging import relay_pending
from shop.orders.models import Order
from shop.payments import public as payments
from shop.payments.gateways.stripe_checkout import MAX_NETWORK_RETRIES
from tests.conftest import broker_is_real, wait_for
from tests.payments.conftest import fake_stripe, post_webhook, session_id  # noqa: F401

from .test_checkout import (  # noqa: F401
    ada,
    api,
    available,
    expire_checkout,
    fill_cart,
    start,
    status_of,
    tee,
)

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


def _stripe_session(checkout) -> str:
    return session_id(payments.get_payment(checkout["payment"]["id"]))


def test_a_bank_debit_that_fails_at_stripe_frees_the_stock_and_a_retry_succeeds(
    api,  # noqa: F811
    ada,  # noqa: F811
    tee,  # noqa: F811
    fake_stripe,  # noqa: F811
):
    fill_cart(api, tee, 2)
    checkout = start(api, key="first").json()
    session = _stripe_session(checkout)
    webhook = APIClient()

    pending = fake_stripe.pay(session, delayed=True)
    assert (
        post_webhook(webhook, fake_stripe.event("checkout.session.completed", pending)).status_code
        == 200
    )
    assert status_of(api, checkout["id"])["status"] == "awaiting_payment"
    assert available(tee) == 3

    bounced = fake_stripe.decline(session)
    assert (
        post_webhook(
            webhook, fake_stripe.event("checkout.session.async_payment_failed", bounced)
        ).status_code
        == 200
    )

    failed = wait_for(lambda: (s := status_of(api, checkout["id"]))["status"] == "failed" and s)
    assert failed["failure_reason"] == "The payment was declined."
    assert available(tee) == 5
    assert [line.quantity for line in cart.get_cart_lines(user_id=ada.pk)] == [2]

    retry = start(api, key="second").json()
    paid = fake_stripe.pay(_stripe_session(retry))
    assert (
        post_webhook(webhook, fake_stripe.event("checkout.session.completed", paid)).status_code
        == 200
    )
    assert wait_for(lambda: status_of(api, retry["id"])["status"] == "completed")
    assert Order.objects.count() == 1
    assert available(tee) == 3


def test_a_stripe_session_left_to_expire_frees_the_stock_and_makes_no_order(
    api,  # noqa: F811
    tee,  # noqa: F811
    fake_stripe,  # noqa: F811
):
    fill_cart(api, tee, 2)
    checkout = start(api).json()

    expired = fake_stripe.expire(_stripe_session(checkout))
    answer = post_webhook(APIClient(), fake_stripe.event("checkout.session.expired", expired))

    assert answer.status_code == 200
    failed = wait_for(lambda: (s := status_of(api, checkout["id"]))["status"] == "failed" and s)
    assert "expired" in failed["failure_reason"]
    assert available(tee) == 5
    assert not Order.objects.exists()


def test_an_expired_checkout_closes_its_stripe_page_once_stripe_answers_again(
    api,  # noqa: F811
    tee,  # noqa: F811
    fake_stripe,  # noqa: F811
):
    fill_cart(api, tee, 2)
    checkout = start(api).json()
    payment_id = checkout["payment"]["id"]
    expire_calls = r"/v1/checkout/sessions/[^/]+/expire"
    fake_stripe.fail_next(count=1000)  # Stripe is down

    assert expire_checkout(checkout["id"]) == 1

    assert status_of(api, checkout["id"])["status"] == "expired"
    assert available(tee) == 5
    # One whole attempt, the Stripe library's own retries included, fails.
    attempt = 1 + MAX_NETWORK_RETRIES
    assert wait_for(lambda: len(fake_stripe.calls("POST", expire_calls)) >= attempt)
    assert payments.get_payment(payment_id).status == "pending"

    fake_stripe.fail_next(count=0)  # Stripe is back
    if not broker_is_real():
        relay_pending(older_than=0)  # in-process, the beat's relay is the retry

    assert wait_for(lambda: payments.get_payment(payment_id).status == "canceled")
    assert fake_stripe.sessions[_stripe_session(checkout)]["status"] == "expired"


def test_paid_at_stripe_as_the_checkout_expired_with_the_stock_sold_is_refunded_and_told(
    api,  # noqa: F811
    tee,  # noqa: F811
    fake_stripe,  # noqa: F811
    mailoutbox,
):
    fill_cart(api, tee, 2)
    checkout = start(api).json()
    paid = fake_stripe.pay(_stripe_session(checkout))  # its webhook is still on the way
    Variant.objects.filter(sku=tee).update(stock_on_hand=1)  # three went to another shop

    expire_checkout(checkout["id"])  # closing the page finds it paid
    post_webhook(APIClient(), fake_stripe.event("checkout.session.completed", paid))

    payment_id = checkout["payment"]["id"]
    assert wait_for(lambda: payments.get_payment(payment_id).status == "refunded")
    assert payments.get_payment(payment_id).refunded_amount == Decimal(checkout["total"])
    assert fake_stripe.calls("POST", r"/v1/refunds")
    assert status_of(api, checkout["id"])["status"] == "expired"
    assert not Order.objects.exists()
    if not broker_is_real():  # a worker's mail does not reach this process's outbox
        assert any("could not complete your order" in m.subject for m in mailoutbox)
