"""
An event's on-demand consumers receive it only while their service wants it
(``shop.core.demand``, decision 0049): a service with nothing to do (webhooks
with no endpoint) costs publishers no message, and a record the cache lost
counts as wanted, so nothing is lost.
"""

from unittest import mock

import pytest
from celery import current_app

from shop.cart.db import db as cart_db
from shop.core import demand
from shop.core.messaging import publish, subscribers
from shop.orders.models import OutboxMessage as OrdersOutbox
from tests.conftest import broker_is_real, wait_for

from .messaging import Knocked

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def no_record():
    demand.forget("orders")
    yield
    demand.forget("orders")


def heard(note: str) -> set[str]:
    """Which consumers of ``Knocked(note)`` acted on it."""
    notes = OrdersOutbox.objects.filter(payload__note__endswith=f" {note}")
    return {row.payload["note"].split(" ", 1)[0] for row in notes}


def knock(note: str) -> None:
    with cart_db.atomic():
        publish(Knocked(note=note))


def test_an_on_demand_consumer_hears_events_while_its_service_has_said_nothing():
    knock("unsaid")

    assert wait_for(lambda: heard("unsaid") == {"answered", "overheard"})


def test_an_on_demand_consumer_hears_nothing_its_service_does_not_want():
    demand.want("orders", ["cart.SomethingElse"])

    knock("unwanted")

    assert wait_for(lambda: heard("unwanted") == {"answered"})
    assert subscribers(Knocked.name) == ("orders.answer_test_knock",)


def test_an_on_demand_consumer_hears_what_its_service_wants():
    demand.want("orders", [Knocked.name])

    knock("wanted")

    assert wait_for(lambda: heard("wanted") == {"answered", "overheard"})


def test_a_record_the_cache_lost_counts_as_wanted():
    demand.want("orders", [])
    demand.forget("orders")

    assert demand.wanted("orders", Knocked.name)
    assert subscribers(Knocked.name) == ("orders.answer_test_knock", "orders.overhear_test_knock")


def test_an_unwanted_on_demand_consumer_costs_the_publisher_no_message():
    if not broker_is_real():
        pytest.skip("in-process delivery sends no messages (make services-test)")
    spy = mock.patch.object(current_app, "send_task", wraps=current_app.send_task)

    demand.want("orders", [])
    with spy as sent:
        knock("quiet")
    assert [call.args[0] for call in sent.call_args_list] == ["orders.answer_test_knock"]

    demand.want("orders", [Knocked.name])
    with spy as sent:
        knock("loud")
    assert [call.args[0] for call in sent.call_args_list] == ["orders.deliver_event"]
    assert wait_for(lambda: heard("loud") == {"answered", "overheard"})
