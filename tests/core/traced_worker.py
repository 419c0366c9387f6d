"""
A consumer in a service of its own (``tracedworker``, a queue no other worker
consumes), for the test that follows a trace into a real worker process: the
test starts a worker for this queue alone, with traces exported to it.
"""

from dataclasses import dataclass
from typing import ClassVar

from celery import shared_task

from shop.core import eventcatalog
from shop.core.events import Event

QUEUE = "tracedworker"


@dataclass(frozen=True)
class Traced(Event):
    name: ClassVar[str] = "cart.TestTraced"

    note: str


@shared_task(name=f"{QUEUE}.note_trace")
def note_trace(envelope: dict) -> None:
    """Nothing to do: the span of its run is what the test reads."""


eventcatalog.declare(Traced.name, consumers=[note_trace.name])
