"""
A webhook's event is stored, answered 200, and its processing message is then
lost by the broker (a Redis restart without persistence). Stripe will not send
it again, so the periodic sweep processes it.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from shop.payments import inbound
from shop.payments.events import PaymentSucceeded
from shop.payments.gateways import stripe_checkout
from shop.payments.messages import GatewayEventReceived
from shop.payments.models import GatewayEvent, OutboxMessage, Payment
from shop.payments.tasks import process_overdue_gateway_events

from .conftest import create_payment, post_webhook, published, session_id

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_loses_gateway_events(lossy_broker):
    return lossy_broker.loses(GatewayEventReceived)


@pytest.fixture
def paid_at_stripe(client, fake_stripe, customer, broker_loses_gateway_events):
    """A payment the customer paid at Stripe, whose webhook was stored but never processed."""
    payment = create_payment(customer)
    event = fake_stripe.event("checkout.session.completed", fake_stripe.pay(session_id(payment)))
    assert post_webhook(client, event).status_code == 200
    assert Payment.objects.get(pk=payment.id).status == "pending"
    return payment, event


def arrived_minutes_ago(event: dict, minutes: int) -> None:
    GatewayEvent.objects.filter(event_id=event["id"]).update(
        received_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_a_webhook_whose_processing_was_lost_is_processed_by_the_sweep(paid_at_stripe, settings):
    settings.PAYMENTS_EVENT_OVERDUE_AFTER = 120
    payment, event = paid_at_stripe
    arrived_minutes_ago(event, 3)

    assert process_overdue_gateway_events() == 1
    assert process_overdue_gateway_events() == 0

    assert Payment.objects.get(pk=payment.id).status == "succeeded"
    assert GatewayEvent.objects.get(event_id=event["id"]).processed_at is not None
    assert [e.reference for e in published(PaymentSucceeded)] == [payment.reference]


def test_the_sweep_leaves_an_event_that_may_still_be_on_its_way(paid_at_stripe, settings):
    settings.PAYMENTS_EVENT_OVERDUE_AFTER = 120
    payment, _ = paid_at_stripe

    assert process_overdue_gateway_events() == 0

    assert Payment.objects.get(pk=payment.id).status == "pending"
    assert published(PaymentSucceeded) == []


# --- events that cannot be processed: given up, shown to staff, never in the way ----------


def test_a_refund_notification_whose_amount_is_not_a_number_is_given_up_not_retried(
    client, fake_stripe, customer, lossy_broker
):
    """A signed charge.refunded with a nonsense amount no longer loops in the sweep for ever."""
    # lossy_broker, losing nothing: the event is processed in this process, with or without Redis.
    payment = create_payment(customer)
    intent = fake_stripe.pay(session_id(payment))["payment_intent"]
    charge = {"id": "ch_1", "object": "charge", "payment_intent": intent, "currency": "eur"}
    event = fake_stripe.event("charge.refunded", {**charge, "amount_refunded": "lots"})

    assert post_webhook(client, event).status_code == 200

    stored = GatewayEvent.objects.get(event_id=event["id"])
    assert stored.state == "failed"
    assert stored.attempts == 1
    assert "amount_refunded is 'lots', not a whole number" in stored.last_error
    assert stored.outcome.startswith("failed: unreadable")
    arrived_minutes_ago(event, 60)
    assert process_overdue_gateway_events() == 0
    assert GatewayEvent.objects.get(pk=stored.pk).attempts == 1
    assert OutboxMessage.objects.get(event_name=GatewayEventReceived.name).sent_at is not None


@pytest.fixture
def a_bug_in_processing(monkeypatch):
    """Processing the events whose ids are added to the returned set raises, as a bug would."""
    poisoned: set[str] = set()
    interpret = stripe_checkout.StripeGateway.interpret

    def failing(self, event):
        if event["id"] in poisoned:
            raise RuntimeError("a bug in processing")
        return interpret(self, event)

    monkeypatch.setattr(stripe_checkout.StripeGateway, "interpret", failing)
    return poisoned


@pytest.fixture
def failing_overdue(paid_at_stripe, a_bug_in_processing):
    """``paid_at_stripe``'s event, overdue, and processing it raises."""
    payment, event = paid_at_stripe
    a_bug_in_processing.add(event["id"])
    arrived_minutes_ago(event, 3)
    return payment, event


def test_an_event_that_keeps_failing_is_given_up_after_the_set_number_of_attempts(
    failing_overdue, settings, caplog
):
    settings.PAYMENTS_EVENT_MAX_ATTEMPTS = 3
    payment, event = failing_overdue

    for attempt in (1, 2, 3):
        assert process_overdue_gateway_events() == 0
        assert GatewayEvent.objects.get(event_id=event["id"]).attempts == attempt
    for _ in range(3):
        process_overdue_gateway_events()

    stored = GatewayEvent.objects.get(event_id=event["id"])
    assert (stored.state, stored.attempts) == ("failed", 3)
    assert stored.last_error == "RuntimeError: a bug in processing"
    assert f"event {event['id']} (checkout.session.completed) given up after 3" in caplog.text
    assert Payment.objects.get(pk=payment.id).status == "pending"


def test_an_event_that_keeps_failing_does_not_hold_up_newer_ones(
    client, fake_stripe, customer, broker_loses_gateway_events, a_bug_in_processing, settings
):
    """The sweep takes the events tried least first: a poisoned one waits behind new ones."""
    settings.PAYMENTS_EVENT_MAX_ATTEMPTS = 100
    poison = fake_stripe.event("customer.created", {"id": "cus_1", "object": "customer"})
    a_bug_in_processing.add(poison["id"])
    assert post_webhook(client, poison).status_code == 200
    arrived_minutes_ago(poison, 10)
    assert inbound.process_overdue(limit=1) == 0
    payment = create_payment(customer, reference="checkout-43")
    paid = fake_stripe.event("checkout.session.completed", fake_stripe.pay(session_id(payment)))
    assert post_webhook(client, paid).status_code == 200
    arrived_minutes_ago(paid, 3)

    assert inbound.process_overdue(limit=1) == 1

    assert Payment.objects.get(pk=payment.id).status == "succeeded"
    assert GatewayEvent.objects.get(event_id=poison["id"]).attempts == 1


def test_a_failed_event_is_left_alone_when_its_message_arrives_late(
    failing_overdue, lossy_broker, settings, a_bug_in_processing
):
    settings.PAYMENTS_EVENT_MAX_ATTEMPTS = 1
    payment, event = failing_overdue
    process_overdue_gateway_events()
    a_bug_in_processing.clear()

    lossy_broker.deliver_lost()

    assert GatewayEvent.objects.get(event_id=event["id"]).state == "failed"
    assert Payment.objects.get(pk=payment.id).status == "pending"
