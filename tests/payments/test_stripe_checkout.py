"""
Creating a payment with Stripe: one hosted Checkout Session per payment,
asked for with an idempotency key derived from our reference, so a retry
after an outage never makes a second one.
"""

from decimal import Decimal

import pytest

from shop.accounts import public as accounts
from shop.payments import public
from shop.payments.gateways import stripe_checkout
from shop.payments.models import Payment

from .conftest import CANCEL_URL, RETURN_URL, create_payment, session_id

pytestmark = pytest.mark.django_db

SESSIONS = r"/v1/checkout/sessions"


@pytest.fixture
def quick_retries(monkeypatch):
    """The library's own retries sleep half a second or more; one is enough here."""
    monkeypatch.setattr(stripe_checkout, "MAX_NETWORK_RETRIES", 1)


def test_a_payment_opens_a_checkout_session_for_its_amount_and_customer(fake_stripe, customer):
    payment = create_payment(customer, reference="checkout-42", amount="49.90")

    (call,) = fake_stripe.calls("POST", SESSIONS)
    assert call.params["mode"] == "payment"
    assert call.params["line_items"] == [
        {
            "quantity": "1",
            "price_data": {
                "currency": "eur",
                "unit_amount": "4990",
                "product_data": {"name": "Order at the shop"},
            },
        }
    ]
    assert call.params["client_reference_id"] == "checkout-42"
    assert call.params["metadata"] == {"reference": "checkout-42", "payment_id": payment.id}
    assert call.params["payment_intent_data"]["metadata"]["payment_id"] == payment.id
    assert call.params["customer_email"] == "ada@example.com"
    assert (call.params["success_url"], call.params["cancel_url"]) == (RETURN_URL, CANCEL_URL)
    assert "checkout-42" in call.idempotency_key
    assert payment.provider == "stripe"
    assert payment.status == "pending"
    assert payment.amount == Decimal("49.90")
    assert payment.redirect_url == fake_stripe.sessions[session_id(payment)]["url"]


def test_asking_again_for_the_same_reference_returns_the_same_payment(fake_stripe, customer):
    first = create_payment(customer)
    again = create_payment(customer)

    assert again == first
    assert len(fake_stripe.calls("POST", SESSIONS)) == 1


def test_the_same_reference_with_another_amount_is_a_conflict(fake_stripe, customer):
    create_payment(customer, amount="49.90")

    with pytest.raises(public.PaymentConflict) as refused:
        create_payment(customer, amount="59.90")

    assert refused.value.code == "payment_conflict"
    assert Payment.objects.get().amount == Decimal("49.90")


def test_a_stripe_500_is_retried_with_the_same_idempotency_key(
    fake_stripe, customer, quick_retries
):
    fake_stripe.fail_next(1)

    payment = create_payment(customer)

    first, retry = fake_stripe.calls("POST", SESSIONS)
    assert (first.status, retry.status) == (500, 200)
    assert first.idempotency_key == retry.idempotency_key
    assert len(fake_stripe.sessions) == 1
    assert payment.redirect_url


def test_an_outage_answers_gateway_unavailable_and_a_later_call_reuses_the_key(
    fake_stripe, customer, quick_retries
):
    fake_stripe.fail_next(2)

    with pytest.raises(public.GatewayUnavailable) as outage:
        create_payment(customer)

    assert outage.value.status_code == 503
    assert Payment.objects.get().redirect_url == ""
    payment = create_payment(customer)
    keys = {call.idempotency_key for call in fake_stripe.calls("POST", SESSIONS)}
    assert len(fake_stripe.calls("POST", SESSIONS)) == 3
    assert len(keys) == 1
    assert len(fake_stripe.sessions) == 1
    assert payment.redirect_url == fake_stripe.sessions[session_id(payment)]["url"]


def test_a_session_created_before_a_lost_answer_is_not_created_twice(fake_stripe, customer):
    """Stripe made the session but the answer was lost: the key brings back the same one."""
    create_payment(customer)
    Payment.objects.update(checkout_session_id="", redirect_url="")

    create_payment(customer)

    first, second = fake_stripe.calls("POST", SESSIONS)
    assert first.idempotency_key == second.idempotency_key
    assert len(fake_stripe.sessions) == 1


def test_stripe_out_of_reach_answers_gateway_unavailable(
    fake_stripe, customer, settings, quick_retries
):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    with pytest.raises(public.GatewayUnavailable):
        create_payment(customer)


def test_the_provider_is_kept_on_the_payment_when_the_settings_change(
    fake_stripe, customer, settings
):
    payment = create_payment(customer)
    settings.STRIPE_SECRET_KEY = ""

    assert public.get_payment(payment.id).provider == "stripe"
    assert create_payment(customer).provider == "stripe"


def test_the_customers_email_comes_with_the_call_so_payments_never_calls_the_shop_back(
    fake_stripe, customer, monkeypatch
):
    """Run apart, a call back into the shop while its checkout waits could exhaust both sides."""

    def no_call_back(*args, **kwargs):
        raise AssertionError("payments asked accounts while creating a payment")

    monkeypatch.setattr(accounts, "get_user", no_call_back)

    create_payment(customer, reference="checkout-no-call-back")

    (call,) = fake_stripe.calls("POST", SESSIONS)
    assert call.params["customer_email"] == customer.email
