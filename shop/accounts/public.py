"""
The accounts service's interface for other apps: functions that take and
return plain data (``data.py``) and the exceptions they raise. Everything
else in shop.accounts is private.
"""

from collections.abc import Iterable, Mapping

from shop.core.interfaces import idempotent

from . import postal as _postal
from . import selectors as _selectors
from .data import AddressField, AddressInfo, PostalAddress, StaffInfo, UserInfo
from .errors import (
    AddressNotFound,
    InvalidAddress,
    InvalidCredentials,
    InvalidProfile,
    InvalidToken,
    UserNotFound,
)
from .services import deletion as _deletion
from .services import staff as _staff

__all__ = [
    "AddressField",
    "AddressInfo",
    "AddressNotFound",
    "InvalidAddress",
    "InvalidCredentials",
    "InvalidProfile",
    "InvalidToken",
    "PostalAddress",
    "StaffInfo",
    "UserInfo",
    "UserNotFound",
    "address_fields",
    "authenticate_staff",
    "authenticate_token",
    "deleted_user_email",
    "get_address",
    "get_addresses",
    "get_default_address",
    "get_user",
    "get_user_with_addresses",
    "get_users",
    "is_deleted_user_email",
    "staff_emails",
    "validate_address",
]


def _user_info(user) -> UserInfo:
    return UserInfo(
        id=user.pk,
        email=user.email,
        full_name=user.get_full_name(),
        is_active=user.is_active,
        is_staff=user.is_staff,
        email_verified=user.email_verified,
    )


def _address_info(address) -> AddressInfo:
    return AddressInfo(id=address.pk, is_default=address.is_default, **_postal.values(address))


@idempotent
def get_user(user_id: int) -> UserInfo:
    """The user with ``user_id``; raises ``UserNotFound``."""
    user = _selectors.user_with_email_verified(user_id)
    if user is None:
        raise UserNotFound()
    return _user_info(user)


@idempotent
def get_user_with_addresses(user_id: int) -> tuple[UserInfo, tuple[AddressInfo, ...]]:
    """
    ``get_user`` and ``get_addresses`` in one query, for a page that needs
    both (the checkout's); raises ``UserNotFound``.
    """
    user, addresses = _selectors.user_with_addresses(user_id)
    if user is None:
        raise UserNotFound()
    return _user_info(user), tuple(_address_info(address) for address in addresses)


@idempotent
def get_users(user_ids: Iterable[int]) -> dict[int, UserInfo]:
    """
    The users among ``user_ids`` that exist, by id, in one query; unknown ids
    are left out. Raises nothing.
    """
    ids = set(user_ids)
    if not ids:
        return {}
    return {user.pk: _user_info(user) for user in _selectors.users_with_email_verified(ids)}


@idempotent
def get_addresses(user_id: int) -> tuple[AddressInfo, ...]:
    """The user's address book, the default first (empty for an unknown user). Raises nothing."""
    return tuple(_address_info(address) for address in _selectors.addresses_for(user_id))


@idempotent
def get_default_address(user_id: int) -> AddressInfo | None:
    """The user's default shipping address, or ``None`` if they have none. Raises nothing."""
    address = _selectors.default_address_for(user_id)
    return _address_info(address) if address else None


@idempotent
def get_address(user_id: int, address_id: int) -> AddressInfo:
    """
    The address ``address_id`` from the user's address book; raises
    ``AddressNotFound`` when it is not theirs (whoever else it belongs to).
    """
    return _address_info(_selectors.address_for(user_id, address_id))


@idempotent
def address_fields() -> tuple[AddressField, ...]:
    """
    The postal fields of an address in display order, as the address book
    stores them (name, label, maximum length, required, kind), for a form or
    serializer that asks for an address. Raises nothing.
    """
    return _postal.describe()


@idempotent
def validate_address(values: Mapping[str, str]) -> PostalAddress:
    """
    A typed-in address (postal field name -> value), checked and normalised
    as the address book does: strings stripped, the maximum lengths and
    required fields of ``address_fields``, ``country`` an ISO 3166-1 alpha-2
    code (returned upper case); a missing field counts as empty. Raises
    ``InvalidAddress`` with ``extra["errors"]`` mapping each bad field (an
    unknown one included) to its messages.
    """
    return _postal.validate(values)


@idempotent
def deleted_user_email(user_id: int) -> str:
    """
    The email a deleted account has instead of its owner's (``deleted-<id>@invalid``:
    unique, and undeliverable by RFC 2606); what an app holding a deleted
    customer's email puts in its place. Raises nothing.
    """
    return _deletion.deleted_email(user_id)


@idempotent
def is_deleted_user_email(email: str) -> bool:
    """Whether ``email`` is a deleted account's (``deleted_user_email``). Raises nothing."""
    return _deletion.is_deleted_email(email)


@idempotent
def authenticate_token(access_token: str) -> UserInfo:
    """
    The active user an API access token (allauth's JWT, as sent in
    ``Authorization: Bearer``) belongs to: the check a separate service would
    make on each call. Raises ``InvalidToken`` for a malformed, forged or
    expired token, or one whose session has ended (logout, deactivated user).
    """
    user = _selectors.user_for_access_token(access_token) if isinstance(access_token, str) else None
    if user is None:
        raise InvalidToken()
    try:
        info = get_user(user.pk)
    except UserNotFound:
        raise InvalidToken() from None
    if not info.is_active:
        raise InvalidToken()
    return info


@idempotent
def staff_emails(permission: str) -> tuple[str, ...]:
    """
    The email addresses of active staff who may ``permission``
    ("app_label.codename": by their own or their groups' permissions, a role
    that grants it, or as superusers), sorted; one query.
    """
    return _staff.emails_of_staff_who_may(permission)


@idempotent
def authenticate_staff(email: str, password: str) -> StaffInfo:
    """
    The active member of staff who signs in with ``email`` and ``password``,
    with their permissions: how the admin of a service running elsewhere
    signs staff in with their shop account. Raises ``InvalidCredentials``
    for a wrong password, an unknown or inactive account or one that is not
    staff, without saying which.
    """
    valid = isinstance(email, str) and isinstance(password, str)
    user = _staff.staff_member(email, password) if valid else None
    if user is None:
        raise InvalidCredentials()
    return StaffInfo(
        id=user.pk,
        email=user.email,
        full_name=user.get_full_name(),
        is_superuser=user.is_superuser,
        permissions=_staff.permissions_of(user),
    )
