"""
The accounts service's interface for other apps: functions that take and
return plain data (ids, str, int, Decimal, datetimes, frozen dataclasses) and
the exceptions they raise. Everything else in shop.accounts is private.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress as _EmailAddress
from allauth.headless.tokens.strategies.jwt.internal import (
    validate_access_token as _validate_access_token,
)
from django.db.models import Exists, OuterRef

from shop.core.errors import ShopError

from . import selectors
from .errors import AddressNotFound, InvalidAddress, InvalidProfile, UserNotFound
from .models import User as _User

__all__ = [
    "AddressInfo",
    "AddressNotFound",
    "InvalidAddress",
    "InvalidProfile",
    "InvalidToken",
    "UserInfo",
    "UserNotFound",
    "authenticate_token",
    "get_address",
    "get_addresses",
    "get_default_address",
    "get_user",
    "get_users",
]


class InvalidToken(ShopError):
    status_code = 401
    code = "invalid_token"
    default_detail = "The access token is invalid or has expired."


@dataclass(frozen=True)
class UserInfo:
    id: int
    email: str
    full_name: str
    is_active: bool
    is_staff: bool
    email_verified: bool


@dataclass(frozen=True)
class AddressInfo:
    id: int
    full_name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    region: str
    country: str
    phone: str
    is_default: bool


def _users():
    """Users with ``email_verified``: the address they sign in with is confirmed."""
    verified = _EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    return _User.objects.annotate(email_verified=Exists(verified))


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
    return AddressInfo(
        id=address.pk,
        full_name=address.full_name,
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        postal_code=address.postal_code,
        region=address.region,
        country=address.country.code,
        phone=address.phone,
        is_default=address.is_default,
    )


def get_user(user_id: int) -> UserInfo:
    """The user with ``user_id``; raises ``UserNotFound``."""
    user = _users().filter(pk=user_id).first()
    if user is None:
        raise UserNotFound()
    return _user_info(user)


def get_users(user_ids: Iterable[int]) -> dict[int, UserInfo]:
    """The users among ``user_ids`` that exist, by id, in one query; unknown ids are left out."""
    ids = set(user_ids)
    if not ids:
        return {}
    return {user.pk: _user_info(user) for user in _users().filter(pk__in=ids)}


def get_addresses(user_id: int) -> tuple[AddressInfo, ...]:
    """The user's address book, the default first."""
    return tuple(_address_info(address) for address in selectors.addresses_for(user_id))


def get_default_address(user_id: int) -> AddressInfo | None:
    """The user's default shipping address, or ``None`` if they have none."""
    address = selectors.default_address_for(user_id)
    return _address_info(address) if address else None


def get_address(user_id: int, address_id: int) -> AddressInfo:
    """
    The address ``address_id`` from the user's address book; raises
    ``AddressNotFound`` when it is not theirs (whoever else it belongs to).
    """
    return _address_info(selectors.address_for(user_id, address_id))


def authenticate_token(access_token: str) -> UserInfo:
    """
    The active user an API access token (allauth's JWT, as sent in
    ``Authorization: Bearer``) belongs to: the check a separate service would
    make on each call. Raises ``InvalidToken`` for a malformed, forged or
    expired token, or one whose session has ended (logout, deactivated user).
    """
    result = _validate_access_token(access_token) if isinstance(access_token, str) else None
    if result is None:
        raise InvalidToken()
    user, _payload = result
    try:
        info = get_user(user.pk)
    except (UserNotFound, _User.DoesNotExist):
        raise InvalidToken() from None
    if not info.is_active:
        raise InvalidToken()
    return info
