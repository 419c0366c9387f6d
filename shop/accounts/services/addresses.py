"""
The address book. The values of an address are checked by ``postal.check``,
the check a checkout's typed-in address gets too.

One default address per user is a partial unique constraint. Changing the
default locks the user's addresses (``select_for_update``) and unsets the old
default before setting the new one, so two concurrent changes queue up
instead of tripping the constraint.
"""

from django.conf import settings

from .. import postal
from ..db import db
from ..errors import AddressBookFull, AddressNotFound
from ..models import Address
from .locking import locked_addresses, locked_user


def _apply(address: Address, fields: dict) -> bool | None:
    """Check and copy the postal ``fields`` onto ``address``; returns the wanted ``is_default``."""
    make_default = fields.pop("is_default", None)
    postal.check(address, fields)
    return make_default


def _clear_default(addresses: list[Address], *, keep: Address | None = None) -> None:
    for other in addresses:
        if other.is_default and other != keep:
            other.is_default = False
            other.save(update_fields=["is_default", "updated_at"])


def _find(addresses: list[Address], address_id) -> Address:
    for address in addresses:
        if str(address.pk) == str(address_id):
            return address
    raise AddressNotFound()


def add_address(user_id: int, **fields) -> Address:
    """
    Add an address to the user's book. The first address becomes the default;
    ``is_default=True`` makes a later one the default instead of the old one.
    A book holds at most ``ACCOUNTS_MAX_ADDRESSES`` (``AddressBookFull``), so
    a script cannot grow one without end.
    """
    with db.atomic():
        locked_user(user_id)
        addresses = locked_addresses(user_id)
        if len(addresses) >= settings.ACCOUNTS_MAX_ADDRESSES:
            raise AddressBookFull(limit=settings.ACCOUNTS_MAX_ADDRESSES)
        address = Address(user_id=user_id)
        make_default = _apply(address, dict(fields))
        address.is_default = bool(make_default) or not addresses
        if address.is_default:
            _clear_default(addresses)
        address.save()
    return address


def update_address(user_id: int, address_id: int, **fields) -> Address:
    """
    Change an address. ``is_default=True`` makes it the default; ``False`` is
    ignored (a book with addresses always has a default: choose another one).
    """
    with db.atomic():
        addresses = locked_addresses(user_id)
        address = _find(addresses, address_id)
        make_default = _apply(address, dict(fields))
        if make_default and not address.is_default:
            _clear_default(addresses, keep=address)
            address.is_default = True
        address.save()
    return address


def set_default_address(user_id: int, address_id: int) -> Address:
    """Make the address the user's default, in place of the old one."""
    with db.atomic():
        addresses = locked_addresses(user_id)
        address = _find(addresses, address_id)
        if not address.is_default:
            _clear_default(addresses, keep=address)
            address.is_default = True
            address.save(update_fields=["is_default", "updated_at"])
    return address


def delete_address(user_id: int, address_id: int) -> None:
    """Remove an address; if it was the default, the newest remaining one becomes it."""
    with db.atomic():
        addresses = locked_addresses(user_id)
        address = _find(addresses, address_id)
        remaining = [other for other in addresses if other is not address]
        address.delete()
        if address.is_default and remaining:
            remaining[0].is_default = True
            remaining[0].save(update_fields=["is_default", "updated_at"])
