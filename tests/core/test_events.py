import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import pytest
from celery import current_app
from django.core.exceptions import ImproperlyConfigured

from shop.core.events import from_payload, is_plain_type, to_payload
from shop.core.messaging import consumer, route_task, subscribers
from shop.core.registry import shop_app_labels

from .messaging import Line, Pinged


def test_event_survives_the_trip_through_json_with_its_types_intact():
    event = Pinged(
        note="n",
        amount=Decimal("10.50"),
        at=datetime.datetime(2026, 11, 25, 9, 30, tzinfo=datetime.UTC),
        lines=(Line("SKU-1", 2), Line("SKU-2", 1)),
    )

    payload = json.loads(json.dumps(to_payload(event)))

    assert from_payload(Pinged, payload) == event
    assert payload["amount"] == "10.50"


def test_consumer_of_an_older_version_ignores_fields_it_does_not_know():
    payload = {"note": "n", "amount": "1.00", "at": "2026-11-25T09:30:00+00:00", "new": 1}

    event = from_payload(Pinged, payload)

    assert event.lines == ()
    assert event.amount == Decimal("1.00")


def test_consumers_subscribe_by_event_name():
    assert subscribers("cart.TestPinged") == ("orders.answer_test_ping",)
    assert subscribers("nobody.Listens") == ()


def test_consumer_task_names_must_say_which_app_they_belong_to():
    with pytest.raises(ImproperlyConfigured, match=r"<app>\.<verb>"):
        consumer(Pinged, name="answer_ping")


def test_each_app_task_goes_to_the_queue_named_after_its_app():
    assert route_task("orders.complete_checkout", (), {}, {}) == {"queue": "orders"}
    assert route_task("core.relay_outbox", (), {}, {}) == {"queue": "core"}
    assert route_task("celery.backend_cleanup", (), {}, {}) is None


def test_a_worker_without_queue_options_consumes_every_app_queue_and_each_task_lands_in_one():
    queues = current_app.amqp.queues
    assert set(queues) == {"celery", *shop_app_labels()}
    # A routing key shared by two queues would hand each of them a copy of a task.
    routing_keys = [queue.routing_key for queue in queues.values()]
    assert sorted(routing_keys) == sorted(set(routing_keys))
    route = current_app.amqp.router.route({}, "orders.complete_checkout")
    assert (route["queue"].name, route["queue"].routing_key) == ("orders", "orders")


@dataclass(frozen=True)
class Shipment:
    parcels: dict[str, tuple[Line, ...]]
    box: tuple[str, Decimal]
    notes: Sequence[datetime.date] = ()
    weights: Mapping[str, Decimal] | None = None
    transit: datetime.timedelta = datetime.timedelta(0)


def test_nested_mappings_and_fixed_tuples_come_back_with_their_item_types():
    shipment = Shipment(
        parcels={"A": (Line("SKU-1", 2),)},
        box=("large", Decimal("1.25")),
        notes=(datetime.date(2026, 11, 25),),
        weights={"A": Decimal("0.40")},
        transit=datetime.timedelta(days=2, minutes=30),
    )

    payload = json.loads(json.dumps(to_payload(shipment)))

    assert from_payload(Shipment, payload) == shipment


@dataclass(frozen=True)
class TreeNode:
    label: str
    children: tuple["TreeNode", ...] = ()


@dataclass(frozen=True)
class Undeclared(Line):
    pass


class Sneaky(Line):
    extra: object


def test_plain_types_cover_recursive_dataclasses_but_not_undecorated_subclasses():
    assert is_plain_type(TreeNode)
    assert is_plain_type(Undeclared)
    assert not is_plain_type(Sneaky)
    assert not is_plain_type(dict[str, object])
