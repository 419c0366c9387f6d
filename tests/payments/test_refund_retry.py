"""A refund the gateway did not take is sent again by payments itself, with the same key."""

from decimal import Decimal

import pytest

from shop.payments import public
from shop.payments.gateways import PaymentUpdate, stripe_checkout
from shop.payments.models import Refund
from shop.payments.services.status import apply_update
from tests.conftest import wait_for

from .conftest import create_payment, session_id

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_refund_refused_by_an_outage_goes_through_once_stripe_is_back(
    fake_stripe, customer, monkeypatch
):
    payment = create_payment(customer, reference="checkout-7", amount="50.00")
    session = fake_stripe.pay(session_id(payment))
    apply_update(
        payment.id,
        PaymentUpdate(
            status="succeeded",
            amount_paid=5000,
            currency="eur",
            payment_intent_id=session["payment_intent"],
        ),
        source="webhook",
    )
    monkeypatch.setattr(stripe_checkout, "MAX_NETWORK_RETRIES", 0)
    fake_stripe.fail_next(1)

    with pytest.raises(public.GatewayUnavailable):
        public.refund_payment(reference="checkout-7", key="return-1", amount=Decimal("20"))

    assert wait_for(lambda: Refund.objects.get().status == "succeeded")
    assert public.get_payment(payment.id).refunded_amount == Decimal("20.00")
    calls = fake_stripe.calls("POST", r"/v1/refunds")
    assert [call.status for call in calls] == [500, 200]
    assert len({call.idempotency_key for call in calls}) == 1
    assert len(fake_stripe.refunds) == 1
