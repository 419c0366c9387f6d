"""
Cancelling a payment whose checkout ran out: the Stripe session is expired
so the customer can no longer pay; a payment made first is kept.
"""

import pytest

from shop.payments import public
from shop.payments.events import PaymentFailed, PaymentSucceeded
from shop.payments.gateways import PaymentUpdate, stripe_checkout
from shop.payments.services.status import apply_update

from .conftest import create_payment, published, session_id

pytestmark = pytest.mark.django_db

EXPIRE = r"/v1/checkout/sessions/[^/]+/expire"


def test_cancelling_expires_the_stripe_session(fake_stripe, customer):
    payment = create_payment(customer, reference="checkout-42")

    canceled = public.cancel_payment("checkout-42")

    assert (canceled.status, canceled.redirect_url) == ("canceled", "")
    assert fake_stripe.sessions[session_id(payment)]["status"] == "expired"
    assert published(PaymentFailed) == [
        PaymentFailed(reference="checkout-42", payment_id=payment.id, reason="canceled")
    ]


def test_the_expiry_webhook_after_a_cancel_announces_nothing_more(fake_stripe, customer):
    payment = create_payment(customer, reference="checkout-42")
    public.cancel_payment("checkout-42")

    apply_update(payment.id, PaymentUpdate(status="canceled", reason="expired"), source="webhook")

    assert len(published(PaymentFailed)) == 1


def test_a_customer_who_paid_just_before_the_cancel_keeps_the_payment(fake_stripe, customer):
    payment = create_payment(customer, reference="checkout-42")
    fake_stripe.pay(session_id(payment))

    result = public.cancel_payment("checkout-42")

    assert result.status == "succeeded"
    assert published(PaymentFailed) == []
    assert len(published(PaymentSucceeded)) == 1


def test_cancelling_a_paid_payment_returns_it_unchanged(fake_stripe, customer):
    payment = create_payment(customer, reference="checkout-42")
    session = fake_stripe.pay(session_id(payment))
    apply_update(
        payment.id,
        PaymentUpdate(status="succeeded", amount_paid=session["amount_total"], currency="eur"),
        source="webhook",
    )

    result = public.cancel_payment("checkout-42")

    assert result.status == "succeeded"
    assert fake_stripe.calls("POST", EXPIRE) == []


def test_cancelling_twice_calls_stripe_once(fake_stripe, customer):
    create_payment(customer, reference="checkout-42")

    public.cancel_payment("checkout-42")
    public.cancel_payment("checkout-42")

    assert len(fake_stripe.calls("POST", EXPIRE)) == 1


def test_a_payment_whose_session_was_never_opened_is_canceled_here(
    fake_stripe, customer, monkeypatch
):
    monkeypatch.setattr(stripe_checkout, "MAX_NETWORK_RETRIES", 0)
    fake_stripe.fail_next(1)
    with pytest.raises(public.GatewayUnavailable):
        create_payment(customer, reference="checkout-42")

    assert public.cancel_payment("checkout-42").status == "canceled"
    assert fake_stripe.calls("POST", EXPIRE) == []
    assert create_payment(customer, reference="checkout-42").status == "canceled"


def test_cancelling_an_unknown_reference_is_not_found(fake_stripe):
    with pytest.raises(public.PaymentNotFound):
        public.cancel_payment("nope")


def test_cancelling_on_the_test_gateway(test_gateway, customer):
    payment = create_payment(customer, reference="checkout-42")

    assert public.cancel_payment("checkout-42").status == "canceled"
    assert published(PaymentFailed)[0].payment_id == payment.id
