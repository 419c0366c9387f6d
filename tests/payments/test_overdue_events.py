"""
A webhook's event is stored, answered 200, and its processing message is then
lost by the broker (a Redis restart without persistence). Stripe will not send
it again, so the periodic sweep processes it.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from shop.payments.events import PaymentSucceeded
from shop.payments.messages import GatewayEventReceived
from shop.payments.models import GatewayEvent, Payment
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
