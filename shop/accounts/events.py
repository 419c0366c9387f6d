"""
Integration events the accounts service publishes (frozen dataclasses deriving
from ``shop.core.events.Event``, named "accounts.<EventName>"). Other apps may
import this module.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from shop.core.events import Event

__all__ = ["EmailConfirmed", "UserDeleted"]


@dataclass(frozen=True)
class UserDeleted(Event):
    """
    A customer deleted their account. Apps holding personal data about
    ``user_id`` (names, addresses, emails on orders) anonymise it; figures the
    books need (amounts, dates) stay. The event carries no email or name on
    purpose: everything is keyed by the id, and the event outlives the data.
    """

    name: ClassVar[str] = "accounts.UserDeleted"
    version: ClassVar[int] = 1

    user_id: int
    deleted_at: datetime


@dataclass(frozen=True)
class EmailConfirmed(Event):
    """
    ``email`` is confirmed as ``user_id``'s: the customer clicked the
    confirmation link, or signed in with an address confirmed before. Apps
    that hold things for that address without an account (guest orders,
    decision 0023) may give them to the user. Never published for an
    address that is not confirmed.
    """

    name: ClassVar[str] = "accounts.EmailConfirmed"
    version: ClassVar[int] = 1

    user_id: int
    email: str
