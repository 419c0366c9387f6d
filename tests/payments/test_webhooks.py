"""
Stripe's webhook: a signed event is stored once and processed in the
background (in-process on a laptop, by a real worker with
``make services-test``), moving the payment forward only and publishing
each transition's event exactly once.
"""

import json
import time

import pytest

from shop.payments.events import PaymentFailed, PaymentRefunded, PaymentSucceeded
from shop.payments.models import GatewayEvent, Payment

from .conftest import (
    WEBHOOK_URL,
    create_payment,
    post_webhook,
    processed,
    published,
    session_id,
    status_becomes,
)
from .fake_stripe import signature

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def payment(fake_stripe, customer):
    return create_payment(customer, reference="checkout-42", amount="49.90")


def deliver(client, fake_stripe, kind: str, session: dict, **kwargs) -> dict:
    """Post a signed event as Stripe would and wait until it has been processed."""
    event = fake_stripe.event(kind, session, **kwargs)
    response = post_webhook(client, event)
    assert response.status_code == 200, response.content
    assert processed(event["id"])
    return event


def test_a_paid_checkout_session_makes_the_payment_succeed(client, fake_stripe, payment):
    session = fake_stripe.pay(session_id(payment))

    response = post_webhook(client, fake_stripe.event("checkout.session.completed", session))

    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False}
    assert status_becomes(payment.id, "succeeded")
    stored = Payment.objects.get(pk=payment.id)
    assert stored.payment_intent_id == session["payment_intent"]
    assert stored.redirect_url == ""
    assert published(PaymentSucceeded) == [
        PaymentSucceeded(
            reference="checkout-42", payment_id=payment.id, amount=payment.amount, currency="EUR"
        )
    ]


def test_a_declined_bank_debit_fails_the_payment(client, fake_stripe, payment):
    session = fake_stripe.pay(session_id(payment), delayed=True)
    deliver(client, fake_stripe, "checkout.session.completed", session)
    assert Payment.objects.get(pk=payment.id).status == "pending"

    declined = fake_stripe.decline(session_id(payment))
    deliver(client, fake_stripe, "checkout.session.async_payment_failed", declined)

    assert Payment.objects.get(pk=payment.id).status == "failed"
    assert published(PaymentFailed) == [
        PaymentFailed(reference="checkout-42", payment_id=payment.id, reason="declined")
    ]
    assert published(PaymentSucceeded) == []


def test_a_bank_debit_that_clears_later_succeeds(client, fake_stripe, payment):
    session = fake_stripe.pay(session_id(payment), delayed=True)
    deliver(client, fake_stripe, "checkout.session.completed", session)

    cleared = fake_stripe.clear(session_id(payment))
    deliver(client, fake_stripe, "checkout.session.async_payment_succeeded", cleared)

    assert Payment.objects.get(pk=payment.id).status == "succeeded"
    assert len(published(PaymentSucceeded)) == 1


def test_an_expired_session_cancels_the_payment(client, fake_stripe, payment):
    session = fake_stripe.expire(session_id(payment))

    deliver(client, fake_stripe, "checkout.session.expired", session)

    stored = Payment.objects.get(pk=payment.id)
    assert (stored.status, stored.failure_reason) == ("canceled", "expired")
    assert published(PaymentFailed) == [
        PaymentFailed(reference="checkout-42", payment_id=payment.id, reason="expired")
    ]


def test_an_event_replayed_five_times_is_acted_on_once(client, fake_stripe, payment):
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(session_id(payment)))

    answers = [post_webhook(client, event) for _ in range(5)]

    assert [answer.status_code for answer in answers] == [200] * 5
    assert [answer.json()["duplicate"] for answer in answers] == [False, True, True, True, True]
    assert processed(event["id"])
    assert GatewayEvent.objects.filter(event_id=event["id"]).count() == 1
    assert len(published(PaymentSucceeded)) == 1


def test_the_same_news_in_two_events_is_published_once(client, fake_stripe, payment):
    session = fake_stripe.pay(session_id(payment))

    deliver(client, fake_stripe, "checkout.session.completed", session)
    deliver(client, fake_stripe, "checkout.session.async_payment_succeeded", session)

    assert len(published(PaymentSucceeded)) == 1


def test_a_late_failure_never_undoes_a_success(client, fake_stripe, payment):
    session = fake_stripe.pay(session_id(payment))
    deliver(client, fake_stripe, "checkout.session.completed", session)

    deliver(client, fake_stripe, "checkout.session.async_payment_failed", session)
    deliver(
        client,
        fake_stripe,
        "checkout.session.expired",
        {**session, "status": "expired", "payment_status": "unpaid"},
    )

    assert Payment.objects.get(pk=payment.id).status == "succeeded"
    assert published(PaymentFailed) == []


def test_an_expired_event_about_a_paid_session_processed_first_leaves_the_payment_paid(
    client, fake_stripe, payment
):
    """Out of order: the stale "expired" carries the session as paid, so nothing is canceled."""
    session = fake_stripe.pay(session_id(payment))
    deliver(client, fake_stripe, "checkout.session.expired", session)

    deliver(client, fake_stripe, "checkout.session.completed", session)

    stored = Payment.objects.get(pk=payment.id)
    assert (stored.status, stored.flagged) == ("succeeded", False)
    assert len(published(PaymentSucceeded)) == 1
    assert published(PaymentFailed) == []


def test_a_payment_reported_after_expiry_is_flagged_not_placed(client, fake_stripe, payment):
    session = fake_stripe.pay(session_id(payment))
    deliver(
        client,
        fake_stripe,
        "checkout.session.expired",
        {**session, "status": "expired", "payment_status": "unpaid"},
    )

    deliver(client, fake_stripe, "checkout.session.completed", session)

    stored = Payment.objects.get(pk=payment.id)
    assert stored.status == "canceled"
    assert stored.flagged
    assert "refund" in stored.flag_reason
    assert published(PaymentSucceeded) == []


def test_a_different_amount_paid_is_flagged_for_staff_and_places_no_order(
    client, fake_stripe, payment
):
    session = fake_stripe.pay(session_id(payment), amount=990)

    deliver(client, fake_stripe, "checkout.session.completed", session)

    stored = Payment.objects.get(pk=payment.id)
    assert stored.status == "pending"
    assert stored.flagged
    assert "€9.90 paid but €49.90 was asked for" in stored.flag_reason
    assert published(PaymentSucceeded) == []
    assert stored.log.filter(message__startswith="Flagged").exists()


def test_a_different_currency_paid_is_flagged(client, fake_stripe, payment):
    session = fake_stripe.pay(session_id(payment))

    deliver(client, fake_stripe, "checkout.session.completed", {**session, "currency": "usd"})

    stored = Payment.objects.get(pk=payment.id)
    assert (stored.status, stored.flagged) == ("pending", True)
    assert published(PaymentSucceeded) == []


def test_a_refund_made_in_the_stripe_dashboard_is_recorded(client, fake_stripe, payment):
    session = fake_stripe.pay(session_id(payment))
    deliver(client, fake_stripe, "checkout.session.completed", session)

    charge = fake_stripe.refund_in_dashboard(session["payment_intent"], 1000)
    deliver(client, fake_stripe, "charge.refunded", charge)

    stored = Payment.objects.get(pk=payment.id)
    assert (stored.status, str(stored.refunded_amount)) == ("partially_refunded", "10.00")
    (refunded,) = published(PaymentRefunded)
    assert (str(refunded.amount), refunded.fully_refunded) == ("10.00", False)


def test_other_event_types_are_acknowledged_and_kept(client, fake_stripe, payment):
    event = fake_stripe.event("customer.created", {"id": "cus_123", "object": "customer"})

    response = post_webhook(client, event)

    assert response.status_code == 200
    assert processed(event["id"])
    assert GatewayEvent.objects.get(event_id=event["id"]).outcome.startswith("acknowledged")


def test_an_event_about_a_session_we_never_made_is_acknowledged(client, fake_stripe, payment):
    session = {"id": "cs_test_elsewhere", "object": "checkout.session", "payment_status": "paid"}
    event = fake_stripe.event("checkout.session.completed", session)

    assert post_webhook(client, event).status_code == 200
    assert processed(event["id"])
    assert GatewayEvent.objects.get(event_id=event["id"]).outcome == "no payment of ours matches"
    assert Payment.objects.get(pk=payment.id).status == "pending"


# --- refused webhooks: 400 with a code, nothing stored -------------------------------------


def refused(response, code: str) -> bool:
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    return not GatewayEvent.objects.exists()


def test_a_wrong_signature_is_refused_and_nothing_is_stored(client, fake_stripe, payment):
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(session_id(payment)))

    response = post_webhook(client, event, secret="whsec_someone_else")

    assert refused(response, "invalid_signature")
    assert Payment.objects.get(pk=payment.id).status == "pending"


def test_a_body_changed_after_signing_is_refused(client, fake_stripe, payment):
    session = fake_stripe.pay(session_id(payment))
    body = json.dumps(fake_stripe.event("checkout.session.completed", session))
    forged = body.replace('"amount_total": 4990', '"amount_total": 1')

    response = client.post(
        WEBHOOK_URL, forged, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature(body)
    )

    assert refused(response, "invalid_signature")


def test_a_missing_signature_is_refused(client, fake_stripe, payment):
    body = json.dumps(fake_stripe.event("checkout.session.completed", {"id": "cs_x"}))

    response = client.post(WEBHOOK_URL, body, content_type="application/json")

    assert refused(response, "missing_signature")


def test_a_stale_timestamp_is_refused_even_with_a_good_signature(client, fake_stripe, payment):
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(session_id(payment)))

    response = post_webhook(client, event, timestamp=int(time.time()) - 600)

    assert refused(response, "stale_signature")


def test_a_signed_body_that_is_not_an_event_is_refused(client, fake_stripe):
    body = json.dumps({"hello": "world"})

    response = client.post(
        WEBHOOK_URL, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature(body)
    )

    assert refused(response, "invalid_webhook")


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '["evt_1", "checkout.session.completed"]',
        '"checkout.session.completed"',
        "42",
        "null",
        '{"id": "evt_1", "type": "charge.refunded", "data": {"object": {"amount_refunded": NaN}}}',
        '{"id": "evt_1", "type": "charge.refunded", "data": {"object": {"amount": 1e999}}}',
        '{"id": "evt_1", "type": "t", "data": {"object": {"name": "a\\u0000b"}}}',
        '{"id": "evt_1", "type": "t", "data": {"object": {"name": "\\ud800"}}}',
        "[" * 100_000 + "]" * 100_000,
        b"\xff\xfe not utf-8",
    ],
    ids=[
        *("array", "list", "string", "number", "null", "nan", "infinity"),
        *("nul", "lone-surrogate", "deep", "not-utf8"),
    ],
)
def test_a_signed_body_that_is_not_a_json_object_is_refused_not_a_server_error(body, fake_stripe):
    """Whoever holds the signing secret (or a bug at the sender) cannot make the webhook 500."""
    from django.test import Client

    stripe_servers = Client(raise_request_exception=False)
    text = body.decode("latin-1") if isinstance(body, bytes) else body
    raw = body if isinstance(body, bytes) else body.encode()

    response = stripe_servers.post(
        WEBHOOK_URL, raw, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature(text)
    )

    assert refused(response, "invalid_webhook")


def test_without_a_webhook_secret_stripe_is_told_to_retry_later(client, fake_stripe, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    event = fake_stripe.event("checkout.session.completed", {"id": "cs_x"})

    response = post_webhook(client, event)

    assert response.status_code == 503
    assert response.json()["code"] == "webhook_not_configured"
    assert not GatewayEvent.objects.exists()


def test_the_webhook_needs_no_csrf_token_or_session(fake_stripe, payment):
    from django.test import Client

    stripe_servers = Client(enforce_csrf_checks=True)
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(session_id(payment)))

    assert post_webhook(stripe_servers, event).status_code == 200
