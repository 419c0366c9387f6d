"""
The event catalog (config/events.toml) is what delivery follows, and
``manage.py check`` holds it to the code: each mismatch is planted below and
must be reported. An event nobody declared cannot be published, and a
consumer refuses an event version it was not written for.
"""

import logging
from dataclasses import dataclass
from types import SimpleNamespace
from typing import ClassVar

import pytest
from celery import current_app
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from shop.cart.db import db as cart_db
from shop.cart.models import OutboxMessage as CartOutbox
from shop.core import eventcatalog
from shop.core.checks.events import catalog_problems, consumer_tasks, shop_events
from shop.core.events import Event
from shop.core.messaging import UnknownEventVersion, publish, subscribers
from shop.core.registry import shop_app_labels
from shop.orders.models import InboxMessage as OrdersInbox

from .messaging import Pinged, answer_ping


@dataclass(frozen=True)
class Nobody(Event):
    name: ClassVar[str] = "cart.TestNobodyDeclaredMe"

    note: str


def entry(name, *consumers, version=1, private=False) -> eventcatalog.Entry:
    return eventcatalog.Entry(name, version, tuple(consumers), private)


def task(event_name, versions=(1,)):
    return SimpleNamespace(event_name=event_name, event_versions=versions)


def event(name, module, version=1):
    return type(name.split(".")[1], (), {"name": name, "version": version, "__module__": module})


INSTALLED = {"catalog", "accounts", "cart", "payments", "orders"}


def problems(entries, events, tasks) -> list[tuple[str, str]]:
    found = catalog_problems(
        {e.name: e for e in entries},
        {e.name: e for e in events},
        tasks,
        INSTALLED,
    )
    return [(error.id, error.msg) for error in found]


# --- the catalog is what delivery follows -----------------------------------------------


def test_the_relay_sends_each_event_to_the_consumers_the_catalog_declares():
    assert subscribers("payments.PaymentSucceeded") == ("orders.complete_checkout",)
    assert subscribers("accounts.UserDeleted") == (
        "cart.forget_customer",
        "payments.forget_customer",
        "orders.forget_customer",
    )
    assert subscribers("catalog.VariantPriceChanged") == ()


@pytest.mark.django_db
def test_an_event_missing_from_the_catalog_cannot_be_published():
    with (
        pytest.raises(eventcatalog.UndeclaredEvent, match=r"cart\.TestNobodyDeclaredMe"),
        cart_db.atomic(),
    ):
        publish(Nobody(note="lost"))

    assert not CartOutbox.objects.exists()


def test_the_shops_catalog_matches_its_events_and_consumers():
    assert (
        catalog_problems(
            eventcatalog.entries(), shop_events(), consumer_tasks(), set(shop_app_labels())
        )
        == []
    )


def test_a_catalog_that_cannot_be_read_says_where(tmp_path, settings):
    broken = tmp_path / "events.toml"
    broken.write_text('["orders.OrderPlaced"]\nversion = "one"\nconsumers = []\n')
    settings.SHOP_EVENT_CATALOG = broken

    with pytest.raises(ImproperlyConfigured, match=r"orders\.OrderPlaced.*version"):
        eventcatalog.entries()


# --- manage.py check holds it to the code -----------------------------------------------

PLACED = event("orders.OrderPlaced", "shop.orders.events")


def test_a_catalog_matching_the_code_has_no_problems():
    assert (
        problems(
            [entry("orders.OrderPlaced", "orders.book_shipment")],
            [PLACED],
            {"orders.book_shipment": task("orders.OrderPlaced")},
        )
        == []
    )


def test_a_published_event_without_an_entry_fails_the_check():
    assert problems([], [PLACED], {}) == [
        (
            "shop.E020",
            "The event orders.OrderPlaced (shop.orders.events) is not in the event catalog.",
        )
    ]


def test_a_version_that_differs_from_the_class_fails_the_check():
    found = problems([entry("orders.OrderPlaced", version=2)], [PLACED], {})

    assert [error_id for error_id, _ in found] == ["shop.E020"]
    assert "version 1 in shop.orders.events but 2" in found[0][1]


def test_a_declared_consumer_that_does_not_exist_fails_the_check():
    found = problems([entry("orders.OrderPlaced", "orders.book_shipment")], [PLACED], {})

    assert found == [
        (
            "shop.E022",
            "orders.book_shipment, declared as a consumer of orders.OrderPlaced, does not exist.",
        )
    ]


def test_a_declared_consumer_of_an_app_not_installed_here_is_not_looked_for():
    found = problems([entry("orders.OrderPlaced", "promotions.count_use")], [PLACED], {})

    assert found == []


def test_a_declared_consumer_of_another_event_or_version_fails_the_check():
    found = problems(
        [entry("orders.OrderPlaced", "orders.book_shipment", "orders.email_order_placed")],
        [PLACED],
        {
            "orders.book_shipment": task("orders.OrderShipped"),
            "orders.email_order_placed": task("orders.OrderPlaced", versions=(2,)),
        },
    )

    assert [error_id for error_id, _ in found] == ["shop.E022", "shop.E022", "shop.E023"]
    assert "consumes orders.OrderShipped" in found[0][1]
    assert "not the catalog's version 1" in found[1][1]


def test_a_consumer_missing_from_the_catalog_fails_the_check():
    found = problems(
        [entry("orders.OrderPlaced")],
        [PLACED],
        {"orders.book_shipment": task("orders.OrderPlaced")},
    )

    assert found == [
        (
            "shop.E023",
            "The consumer orders.book_shipment of orders.OrderPlaced is not declared in the "
            "event catalog, so nothing would ever be sent to it.",
        )
    ]


def test_a_private_message_heard_by_another_app_or_in_the_events_module_fails_the_check():
    found = problems(
        [entry("payments.RefundUnsent", "orders.note_refund", private=True)],
        [event("payments.RefundUnsent", "shop.payments.events")],
        {"orders.note_refund": task("payments.RefundUnsent")},
    )

    assert [error_id for error_id, _ in found] == ["shop.E021", "shop.E021"]


def test_an_integration_event_outside_its_apps_events_module_fails_the_check():
    found = problems(
        [entry("orders.OrderPlaced")], [event("orders.OrderPlaced", "shop.orders.services")], {}
    )

    assert [error_id for error_id, _ in found] == ["shop.E021"]


def test_an_entry_no_class_defines_fails_the_check():
    assert problems([entry("orders.OrderLost")], [], {}) == [
        ("shop.E024", "The event catalog declares orders.OrderLost, which no class defines.")
    ]


# --- a consumer refuses a version it does not know ---------------------------------------


@pytest.mark.django_db
def test_a_consumer_refuses_an_event_version_it_does_not_know_and_records_nothing(caplog):
    envelope = {
        "id": "6f1c1f1e-3f7c-4d0c-9d1e-0b5a4b2f9a11",
        "name": Pinged.name,
        "version": 2,
        "occurred_at": timezone.now().isoformat(),
        "payload": {"note": "from the future", "amount": "1.00", "at": timezone.now().isoformat()},
    }

    with caplog.at_level(logging.ERROR, logger="shop.core.messaging"):
        result = answer_ping.apply(args=(envelope,), retries=answer_ping.max_retries)

    assert isinstance(result.result, UnknownEventVersion)
    assert not OrdersInbox.objects.exists()
    assert "orders.answer_test_ping refuses event" in caplog.text
    assert "version 2" in caplog.text


def test_consumer_tasks_carry_the_event_and_versions_they_know():
    complete = current_app.tasks["orders.complete_checkout"]

    assert (complete.event_name, complete.event_versions) == ("payments.PaymentSucceeded", (1,))


def test_an_on_demand_consumer_that_does_not_exist_fails_the_check():
    on_demand = eventcatalog.Entry("orders.OrderPlaced", 1, (), on_demand=("orders.tell_hooks",))

    found = problems([on_demand], [PLACED], {})

    assert found == [
        (
            "shop.E022",
            "orders.tell_hooks, declared as a consumer of orders.OrderPlaced, does not exist.",
        )
    ]


def test_an_on_demand_consumer_declared_in_the_catalog_passes_the_check():
    on_demand = eventcatalog.Entry("orders.OrderPlaced", 1, (), on_demand=("orders.tell_hooks",))

    found = problems([on_demand], [PLACED], {"orders.tell_hooks": task("orders.OrderPlaced")})

    assert found == []


def test_a_catalog_naming_a_consumer_both_always_and_on_demand_is_refused(tmp_path, settings):
    both = tmp_path / "events.toml"
    both.write_text(
        '["orders.OrderPlaced"]\nversion = 1\nconsumers = ["orders.a"]\non_demand = ["orders.a"]\n'
    )
    settings.SHOP_EVENT_CATALOG = both

    with pytest.raises(ImproperlyConfigured, match="either always sent the event or on demand"):
        eventcatalog.entries()
