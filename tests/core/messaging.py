"""
Test-only events and a consumer, borrowed from the cart and orders apps'
outbox and inbox tables. The Celery worker of ``make services-test`` imports
this module too (``--include``), so it consumes exactly what the tests publish.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from shop.core import eventcatalog
from shop.core.events import Event
from shop.core.messaging import consumer, publish


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: int


@dataclass(frozen=True)
class Pinged(Event):
    name: ClassVar[str] = "cart.TestPinged"

    note: str
    amount: Decimal
    at: datetime.datetime
    lines: tuple[Line, ...] = ()


@dataclass(frozen=True)
class Ponged(Event):
    name: ClassVar[str] = "orders.TestPonged"

    note: str


class ConsumerBroken(Exception):
    pass


@consumer(Pinged, name="orders.answer_test_ping")
def answer_ping(event: Pinged) -> None:
    """
    Its effect is a row in the orders outbox, so any process can count it.
    A note starting with "broken" fails while ``BROKEN`` says so.
    """
    if event.note.startswith("broken") and BROKEN["now"]:
        raise ConsumerBroken(event.note)
    publish(Ponged(note=event.note))


BROKEN = {"now": False}


@dataclass(frozen=True)
class Rang(Event):
    """Heard by two consumers of one service (orders): delivered to both in one message."""

    name: ClassVar[str] = "cart.TestRang"

    note: str


@consumer(Rang, name="orders.answer_test_ring")
def answer_ring(event: Rang) -> None:
    publish(Ponged(note=f"answered {event.note}"))


@consumer(Rang, name="orders.echo_test_ring", inbox=False)
def echo_ring(event: Rang) -> None:
    """
    Once by its own key (the answer's note); fails for a note starting
    "broken" while ``BROKEN`` says so.
    """
    if event.note.startswith("broken") and BROKEN["now"]:
        raise ConsumerBroken(event.note)
    from shop.orders.models import OutboxMessage

    if not OutboxMessage.objects.filter(payload__note=f"echoed {event.note}").exists():
        publish(Ponged(note=f"echoed {event.note}"))


# Test-only events are declared here, in every process that imports this module
# (the test run and the real worker), as config/events.toml declares the shop's.
eventcatalog.declare(Pinged.name, consumers=["orders.answer_test_ping"])
eventcatalog.declare(Ponged.name, consumers=[])
eventcatalog.declare(Rang.name, consumers=["orders.answer_test_ring", "orders.echo_test_ring"])


@dataclass(frozen=True)
class Knocked(Event):
    """Heard always by one orders consumer, and by another only while orders wants it."""

    name: ClassVar[str] = "cart.TestKnocked"

    note: str


@consumer(Knocked, name="orders.answer_test_knock")
def answer_knock(event: Knocked) -> None:
    publish(Ponged(note=f"answered {event.note}"))


@consumer(Knocked, name="orders.overhear_test_knock")
def overhear_knock(event: Knocked) -> None:
    publish(Ponged(note=f"overheard {event.note}"))


eventcatalog.declare(
    Knocked.name,
    consumers=["orders.answer_test_knock"],
    on_demand=["orders.overhear_test_knock"],
)
