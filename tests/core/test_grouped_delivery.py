"""
An event with several consumers in one service travels as one message to
that service's ``deliver_event`` task, which runs each consumer as its own
task would; a consumer that fails there is sent on as its own task and
retried on its own (decision 0043).
"""

from unittest import mock

import pytest
from celery import current_app

from shop.cart.db import db as cart_db
from shop.core import messaging
from shop.core.messaging import deliver_to_consumers, publish
from shop.orders.models import OutboxMessage as OrdersOutbox
from tests.conftest import broker_is_real, wait_for

from .messaging import BROKEN, Pinged, Rang

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def answers(note: str) -> int:
    return OrdersOutbox.objects.filter(payload__note=note).count()


def envelope_of(note: str) -> dict:
    """A committed event ``Rang(note)``, not delivered to anyone yet."""
    with mock.patch.object(messaging, "_send"), cart_db.atomic():
        event_id = publish(Rang(note=note))
    from shop.cart.models import OutboxMessage

    return OutboxMessage.objects.get(pk=event_id).envelope()


def test_two_consumers_in_one_service_get_one_message_and_each_acts_once():
    if not broker_is_real():
        pytest.skip("in-process delivery runs each consumer's own task (make services-test)")
    spy = mock.patch.object(current_app, "send_task", wraps=current_app.send_task)
    with spy as sent, cart_db.atomic():
        publish(Rang(note="both"))

    assert [call.args[0] for call in sent.call_args_list] == ["orders.deliver_event"]
    assert wait_for(lambda: answers("answered both") == 1 and answers("echoed both") == 1)


def test_an_event_with_one_consumer_in_a_service_goes_to_that_consumers_own_task():
    if not broker_is_real():
        pytest.skip("in-process delivery runs each consumer's own task (make services-test)")
    spy = mock.patch.object(current_app, "send_task", wraps=current_app.send_task)
    with spy as sent, cart_db.atomic():
        publish(Pinged(note="alone", amount=1, at=None))

    assert [call.args[0] for call in sent.call_args_list] == ["orders.answer_test_ping"]


@pytest.fixture
def held(monkeypatch):
    """Messages handed to the broker, kept here instead."""
    kept = []
    monkeypatch.setattr(
        messaging, "_send_task", lambda name, envelope, *extra, **options: kept.append(name)
    )
    return kept


def test_a_consumer_that_fails_is_sent_on_alone_and_the_others_still_act(held):
    envelope = envelope_of("broken ring")
    BROKEN["now"] = True
    try:
        deliver_to_consumers(envelope, ["orders.echo_test_ring", "orders.answer_test_ring"])
    finally:
        BROKEN["now"] = False

    assert held == ["orders.echo_test_ring"]
    assert answers("answered broken ring") == 1
    assert answers("echoed broken ring") == 0


def test_delivering_the_same_event_again_acts_once_per_consumer(held):
    envelope = envelope_of("twice")
    names = ["orders.answer_test_ring", "orders.echo_test_ring"]

    deliver_to_consumers(envelope, names)
    deliver_to_consumers(envelope, names)

    assert held == []
    assert answers("answered twice") == 1
    assert answers("echoed twice") == 1


def test_a_consumer_this_worker_does_not_have_is_sent_on_as_its_own_task(held):
    envelope = envelope_of("newer")

    deliver_to_consumers(envelope, ["orders.answer_test_ring", "orders.not_here_yet"])

    assert held == ["orders.not_here_yet"]
    assert answers("answered newer") == 1
