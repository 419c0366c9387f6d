"""
The webhooks service's Celery tasks (queue ``webhooks``).

- One consumer per event type (``webhooks.order_placed`` …), declared in
  ``config/events.toml`` under ``on_demand``: the relay sends an event to it
  only while some enabled endpoint wants it (``services.endpoints
  .announce_demand``), so the shop pays nothing for events nobody hears.
  Each makes the event's deliveries; it keeps no inbox mark, since the
  deliveries are once by their own key (the event's id and the endpoint's).
- ``send_delivery``: a delivery just made, sent at once.
- ``send_due`` (beat, every few seconds): every delivery due, from the table.
- ``announce_demand`` (beat, every minute): what the endpoints want, told
  to the relay again before its record expires.
"""

from datetime import datetime

from celery import shared_task

from shop.core.messaging import consumer

from .payloads import EVENT_TYPES, EventType
from .services import deliveries, endpoints


def _consumer_for(entry: EventType):
    def make_deliveries(event, envelope: dict) -> None:
        deliveries.record(
            entry.name,
            envelope["id"],
            datetime.fromisoformat(envelope["occurred_at"]),
            entry.build(event),
        )

    make_deliveries.__doc__ = (
        f"Deliveries of {entry.name} to the endpoints that want it; once per event and "
        "endpoint by the delivery's id."
    )
    return consumer(entry.event, name=entry.consumer, inbox=False, envelope=True)(make_deliveries)


CONSUMERS = {entry.name: _consumer_for(entry) for entry in EVENT_TYPES.values()}


@shared_task(name="webhooks.send_delivery", acks_late=True, ignore_result=True)
def send_delivery(delivery_id: str) -> None:
    deliveries.send([delivery_id])


@shared_task(name="webhooks.send_due", acks_late=True, ignore_result=True)
def send_due(batches: int = 20) -> int:
    """Send what is due, a batch at a time, until nothing is or ``batches`` ran."""
    sent = 0
    for _ in range(batches):
        tried = deliveries.send()
        sent += tried
        if not tried:
            break
    return sent


@shared_task(name="webhooks.announce_demand", ignore_result=True)
def announce_demand() -> None:
    endpoints.announce_demand()
