"""
The plain data of the accounts service's public interface: what
``shop.accounts.public`` takes and returns. Standard library only, so a
client of accounts in another process can use these without Django.
"""

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class UserInfo:
    """
    A user as other apps see them. ``email_verified``: the address they sign
    in with is confirmed (checkout needs it).
    """

    id: int
    email: str
    full_name: str
    is_active: bool
    is_staff: bool
    email_verified: bool


@dataclass(frozen=True)
class StaffInfo:
    """
    A member of staff as another service's admin sees them once they signed
    in: ``permissions`` are Django's ``"app_label.codename"`` strings, those
    granted to them and to their roles, the models of services running
    elsewhere included.
    """

    id: int
    email: str
    full_name: str
    is_superuser: bool
    permissions: tuple[str, ...]


@dataclass(frozen=True)
class PostalAddress:
    """
    What a parcel needs, as the address book stores it: an optional field
    left out is ``""``, ``country`` is an ISO 3166-1 alpha-2 code ("GB").
    The fields, in this order, are the postal fields of every address
    (``address_fields`` describes each one).
    """

    full_name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    region: str
    country: str
    phone: str


@dataclass(frozen=True)
class AddressInfo(PostalAddress):
    """An address book entry: its postal fields, its ``id`` and whether it is the default."""

    id: int
    is_default: bool


AddressFieldKind = Literal["text", "country"]


@dataclass(frozen=True)
class AddressField:
    """
    One postal field, for another app's form or serializer to ask for it as
    the address book does: ``kind`` "country" takes an ISO 3166-1 alpha-2
    code, "text" a string of at most ``max_length`` characters.
    """

    name: str
    label: str
    max_length: int
    required: bool
    kind: AddressFieldKind
