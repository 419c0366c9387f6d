"""
``manage.py reconcile_payments``: the tool for the day a webhook was lost.
It compares recent payments with Stripe, reports what disagrees and, with
--fix, applies Stripe's view through the webhook's own path.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from shop.payments import public
from shop.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from shop.payments.gateways import PaymentUpdate, stripe_checkout
from shop.payments.models import GatewayEvent, Payment, Refund
from shop.payments.services.status import apply_update

from .conftest import create_payment, published, session_id

pytestmark = pytest.mark.django_db


def reconcile(capsys, *args) -> str:
    call_command("reconcile_payments", "--no-progress", *args)
    captured = capsys.readouterr()
    return captured.out + captured.err


@pytest.fixture
def payment(fake_stripe, customer):
    return create_payment(customer, reference="checkout-42", amount="49.90")


def test_a_payment_whose_webhook_was_lost_is_reported(capsys, fake_stripe, payment):
    fake_stripe.pay(session_id(payment))

    out = reconcile(capsys)

    assert "checkout-42" in out
    assert "pending here, succeeded at the gateway" in out
    assert "Checked 1 payments" in out
    assert "1 disagree" in out
    assert Payment.objects.get(pk=payment.id).status == "pending"
    assert published(PaymentSucceeded) == []


def test_fix_repairs_a_lost_webhook_and_announces_it_once(capsys, fake_stripe, payment):
    session = fake_stripe.pay(session_id(payment))

    out = reconcile(capsys, "--fix")

    assert "-> fixed" in out
    stored = Payment.objects.get(pk=payment.id)
    assert (stored.status, stored.payment_intent_id) == ("succeeded", session["payment_intent"])
    assert stored.log.filter(source="reconcile").exists()
    assert len(published(PaymentSucceeded)) == 1
    again = reconcile(capsys, "--fix")
    assert "0 disagree" in again
    assert len(published(PaymentSucceeded)) == 1


def test_fix_fails_a_payment_declined_at_stripe(capsys, fake_stripe, payment):
    fake_stripe.decline(session_id(payment))

    reconcile(capsys, "--fix")

    assert Payment.objects.get(pk=payment.id).status == "failed"
    assert published(PaymentFailed)[0].reason == "declined"


def test_fix_cancels_a_payment_whose_session_expired(capsys, fake_stripe, payment):
    fake_stripe.expire(session_id(payment))

    reconcile(capsys, "--fix")

    stored = Payment.objects.get(pk=payment.id)
    assert (stored.status, stored.failure_reason) == ("canceled", "expired")


def test_fix_records_a_refund_made_in_the_dashboard(capsys, fake_stripe, payment):
    session = fake_stripe.pay(session_id(payment))
    apply_update(
        payment.id,
        PaymentUpdate(status="succeeded", amount_paid=4990, currency="eur"),
        source="webhook",
    )
    fake_stripe.refund_in_dashboard(session["payment_intent"], 4990)

    out = reconcile(capsys, "--fix")

    assert "€0.00 refunded here, €49.90 at the gateway" in out
    stored = Payment.objects.get(pk=payment.id)
    assert (stored.status, stored.refunded_amount) == ("refunded", Decimal("49.90"))
    assert published(PaymentRefunded)[0].fully_refunded


def test_fix_sends_a_refund_left_pending_by_an_outage(capsys, fake_stripe, payment, monkeypatch):
    fake_stripe.pay(session_id(payment))
    reconcile(capsys, "--fix")
    monkeypatch.setattr(stripe_checkout, "MAX_NETWORK_RETRIES", 0)
    fake_stripe.fail_next(1)
    with pytest.raises(public.GatewayUnavailable):
        public.refund_payment(reference="checkout-42", key="return-1", amount=Decimal("9.90"))

    out = reconcile(capsys, "--fix")

    assert "still pending" in out
    assert Refund.objects.get().status == "succeeded"
    assert len(fake_stripe.refunds) == 1


def test_payments_in_agreement_are_not_reported(capsys, fake_stripe, payment):
    out = reconcile(capsys)

    assert "checkout-42" not in out
    assert "Checked 1 payments" in out


def test_since_limits_the_payments_checked(capsys, fake_stripe, payment):
    Payment.objects.update(created_at=timezone.now() - timedelta(days=3))
    fake_stripe.pay(session_id(payment))

    assert "Checked 0 payments" in reconcile(capsys, "--since", "24h")
    assert "Checked 1 payments" in reconcile(capsys, "--since", "4d")
    day = (timezone.now() - timedelta(days=5)).date().isoformat()
    assert "Checked 1 payments" in reconcile(capsys, "--since", day)


def test_a_since_that_is_neither_a_date_nor_an_age_is_refused(fake_stripe):
    with pytest.raises(CommandError, match="--since"):
        call_command("reconcile_payments", "--since", "yesterday")


def test_stripe_out_of_reach_is_reported_per_payment(capsys, fake_stripe, payment, monkeypatch):
    monkeypatch.setattr(stripe_checkout, "MAX_NETWORK_RETRIES", 0)
    fake_stripe.fail_next(1)

    out = reconcile(capsys, "--fix")

    assert "checkout-42" in out
    assert "could not be asked" in out
    assert Payment.objects.get(pk=payment.id).status == "pending"


def test_flagged_payments_are_counted_for_staff(capsys, fake_stripe, payment):
    fake_stripe.pay(session_id(payment), amount=100)
    first = reconcile(capsys, "--fix")

    out = reconcile(capsys, "--fix")

    assert "-> flagged for staff: the gateway reports €1.00 paid" in first
    assert Payment.objects.get(pk=payment.id).flagged
    assert "1 flagged for staff" in out
    assert published(PaymentSucceeded) == []


def test_a_gateway_event_given_up_is_named_and_its_payment_fixed_from_stripe(
    capsys, fake_stripe, payment
):
    session = fake_stripe.pay(session_id(payment))
    reconcile(capsys, "--fix")
    charge = fake_stripe.refund_in_dashboard(session["payment_intent"], 1000)
    GatewayEvent.objects.create(
        provider="stripe",
        event_id="evt_unreadable",
        type="charge.refunded",
        payload=fake_stripe.event("charge.refunded", {**charge, "amount_refunded": "lots"}),
        attempts=1,
        last_error="unreadable: amount_refunded is 'lots', not a whole number of minor units.",
        failed_at=timezone.now(),
    )

    out = reconcile(capsys, "--fix")

    assert "Gateway event stripe charge.refunded evt_unreadable" in out
    assert "given up after 1 attempt(s): unreadable: amount_refunded is 'lots'" in out
    assert "1 gateway event(s) could not be processed" in out
    assert "-> fixed" in out
    assert Payment.objects.get(pk=payment.id).refunded_amount == Decimal("10.00")
    assert "could not be processed" not in reconcile(capsys, "--since", "2030-01-01")
