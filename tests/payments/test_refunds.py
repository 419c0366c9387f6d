"""
Refunds: full or partial, each named by a key so that asking twice refunds
once, never more than was paid, announced with ``payments.PaymentRefunded``.
"""

from decimal import Decimal

import pytest

from shop.payments import public
from shop.payments.events import PaymentRefunded
from shop.payments.gateways import PaymentUpdate, stripe_checkout
from shop.payments.models import Payment, Refund
from shop.payments.services import status

from .conftest import create_payment, published, session_id

pytestmark = pytest.mark.django_db

REFUNDS = r"/v1/refunds"


def paid_at_stripe(fake_stripe, payment) -> Payment:
    """The customer paid and Stripe's webhook was processed (the same call the task makes)."""
    session = fake_stripe.pay(session_id(payment))
    update = PaymentUpdate(
        status="succeeded",
        amount_paid=session["amount_total"],
        currency=session["currency"],
        payment_intent_id=session["payment_intent"],
    )
    return status.apply_update(payment.id, update, source="test")


@pytest.fixture
def stripe_payment(fake_stripe, customer):
    payment = create_payment(customer, reference="checkout-7", amount="50.00")
    paid_at_stripe(fake_stripe, payment)
    return payment


def refunds_announced() -> list[tuple[str, str, bool]]:
    return [
        (str(event.amount), str(event.refunded_total), event.fully_refunded)
        for event in published(PaymentRefunded)
    ]


def test_a_partial_then_a_full_refund_give_back_everything_once(fake_stripe, stripe_payment):
    first = public.refund_payment(reference="checkout-7", key="return-1", amount=Decimal("20.00"))
    assert public.get_payment(stripe_payment.id).status == "partially_refunded"

    rest = public.refund_payment(reference="checkout-7", key="return-2")

    assert (first.status, first.amount) == ("succeeded", Decimal("20.00"))
    assert (rest.status, rest.amount) == ("succeeded", Decimal("30.00"))
    payment = public.get_payment(stripe_payment.id)
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("50.00"))
    calls = fake_stripe.calls("POST", REFUNDS)
    assert [call.params["amount"] for call in calls] == ["2000", "3000"]
    assert {call.params["payment_intent"] for call in calls} == {
        Payment.objects.get(pk=stripe_payment.id).payment_intent_id
    }
    assert "return-1" in calls[0].idempotency_key
    assert refunds_announced() == [("20.00", "20.00", False), ("30.00", "50.00", True)]


def test_the_same_refund_key_again_returns_the_same_refund(fake_stripe, stripe_payment):
    first = public.refund_payment(reference="checkout-7", key="return-1", amount=Decimal("5"))

    again = public.refund_payment(reference="checkout-7", key="return-1", amount=Decimal("5"))
    without_amount = public.refund_payment(reference="checkout-7", key="return-1")

    assert again == first == without_amount
    assert len(fake_stripe.calls("POST", REFUNDS)) == 1
    assert len(published(PaymentRefunded)) == 1


def test_the_same_refund_key_with_another_amount_is_a_conflict(fake_stripe, stripe_payment):
    public.refund_payment(reference="checkout-7", key="return-1", amount=Decimal("5"))

    with pytest.raises(public.PaymentConflict):
        public.refund_payment(reference="checkout-7", key="return-1", amount=Decimal("6"))


def test_refunding_more_than_is_left_is_refused(fake_stripe, stripe_payment):
    public.refund_payment(reference="checkout-7", key="return-1", amount=Decimal("45.00"))

    with pytest.raises(public.RefundNotAllowed) as refused:
        public.refund_payment(reference="checkout-7", key="return-2", amount=Decimal("5.01"))

    assert refused.value.code == "refund_not_allowed"
    assert refused.value.extra == {"refundable": "5.00"}
    assert len(fake_stripe.calls("POST", REFUNDS)) == 1


def test_nothing_is_left_to_refund_after_a_full_refund(fake_stripe, stripe_payment):
    public.refund_payment(reference="checkout-7", key="everything")

    with pytest.raises(public.RefundNotAllowed):
        public.refund_payment(reference="checkout-7", key="more")


def test_a_payment_never_taken_cannot_be_refunded(fake_stripe, customer):
    create_payment(customer, reference="checkout-8")

    with pytest.raises(public.RefundNotAllowed):
        public.refund_payment(reference="checkout-8", key="return-1")

    assert not Refund.objects.exists()


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1"), Decimal("1.005"), "ten"])
def test_a_refund_amount_that_is_not_money_is_refused(fake_stripe, stripe_payment, amount):
    with pytest.raises(public.InvalidAmount):
        public.refund_payment(reference="checkout-7", key="return-1", amount=amount)


def test_an_unknown_reference_is_not_found(fake_stripe):
    with pytest.raises(public.PaymentNotFound):
        public.refund_payment(reference="nope", key="return-1")


def test_a_refund_stripe_could_not_take_is_retried_with_the_same_key(
    fake_stripe, stripe_payment, monkeypatch
):
    monkeypatch.setattr(stripe_checkout, "MAX_NETWORK_RETRIES", 0)
    fake_stripe.fail_next(1)

    with pytest.raises(public.GatewayUnavailable):
        public.refund_payment(reference="checkout-7", key="return-1", amount=Decimal("10"))

    assert Refund.objects.get().status == "pending"
    assert public.get_payment(stripe_payment.id).refunded_amount == 0
    refund = public.refund_payment(reference="checkout-7", key="return-1", amount=Decimal("10"))
    assert refund.status == "succeeded"
    failed, retried = fake_stripe.calls("POST", REFUNDS)
    assert (failed.status, retried.status) == (500, 200)
    assert failed.idempotency_key == retried.idempotency_key
    assert len(fake_stripe.refunds) == 1
    assert refunds_announced() == [("10.00", "10.00", False)]


def test_a_refund_in_progress_counts_against_what_is_left(fake_stripe, stripe_payment, monkeypatch):
    monkeypatch.setattr(stripe_checkout, "MAX_NETWORK_RETRIES", 0)
    fake_stripe.fail_next(1)
    with pytest.raises(public.GatewayUnavailable):
        public.refund_payment(reference="checkout-7", key="return-1", amount=Decimal("40"))

    with pytest.raises(public.RefundNotAllowed):
        public.refund_payment(reference="checkout-7", key="return-2", amount=Decimal("20"))


def test_a_refund_stripe_refuses_comes_back_failed(fake_stripe, stripe_payment):
    intent = Payment.objects.get(pk=stripe_payment.id).payment_intent_id
    fake_stripe.refund_in_dashboard(intent, 5000)

    refund = public.refund_payment(reference="checkout-7", key="return-1")

    assert refund.status == "failed"
    assert "already been refunded" in Refund.objects.get().failure_message
    assert public.get_payment(stripe_payment.id).refunded_amount == 0
    assert published(PaymentRefunded) == []


def test_the_webhook_of_our_own_refund_records_nothing_more(fake_stripe, stripe_payment):
    public.refund_payment(reference="checkout-7", key="return-1", amount=Decimal("20"))

    status.apply_update(
        stripe_payment.id, PaymentUpdate(refunded_total=2000, currency="eur"), source="webhook"
    )

    assert Refund.objects.count() == 1
    assert len(published(PaymentRefunded)) == 1


def test_a_test_gateway_refund_succeeds_at_once(test_gateway, customer):
    payment = create_payment(customer, reference="checkout-9", amount="12.00")
    status.apply_update(
        payment.id,
        PaymentUpdate(status="succeeded", amount_paid=1200, currency="eur"),
        source="test",
    )

    refund = public.refund_payment(reference="checkout-9", key="return-1", reason="Broken")

    assert refund.status == "succeeded"
    assert public.get_payment(payment.id).status == "refunded"
    assert refunds_announced() == [("12.00", "12.00", True)]


def test_a_stripe_payment_is_refunded_through_stripe_after_the_settings_change(
    fake_stripe, stripe_payment, settings
):
    settings.PAYMENTS_TEST_GATEWAY_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(public.GatewayUnavailable):
        public.refund_payment(reference="checkout-7", key="return-1")

    settings.STRIPE_SECRET_KEY = fake_stripe.settings()["STRIPE_SECRET_KEY"]
    assert public.refund_payment(reference="checkout-7", key="return-1").status == "succeeded"
    assert len(fake_stripe.calls("POST", REFUNDS)) == 1
