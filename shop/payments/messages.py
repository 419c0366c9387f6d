"""
Events the payments service sends to itself through its outbox, so work that
must not be lost survives a crash or an outage: processing a stored gateway
event, and sending a refund the gateway did not take the first time.

They are private to payments (other apps hear ``shop.payments.events``);
their consumers are in ``tasks.py``.
"""

from dataclasses import dataclass
from typing import ClassVar

from shop.core.events import Event


@dataclass(frozen=True)
class GatewayEventReceived(Event):
    """A verified gateway event was stored and waits to be processed."""

    name: ClassVar[str] = "payments.GatewayEventReceived"
    version: ClassVar[int] = 1

    gateway_event_id: int


@dataclass(frozen=True)
class RefundUnsent(Event):
    """The gateway did not answer a refund; it is sent again (same key) until it does."""

    name: ClassVar[str] = "payments.RefundUnsent"
    version: ClassVar[int] = 1

    refund_id: str
