"""
The accounts service's interface for other apps: functions that take and
return plain data (ids, str, int, Decimal, datetimes, frozen dataclasses) and
the exceptions they raise. Everything else in shop.accounts is private.
"""

from dataclasses import dataclass

from shop.core.errors import NotFound

from . import selectors


class UserNotFound(NotFound):
    code = "user_not_found"
    default_detail = "No such user."


@dataclass(frozen=True)
class UserInfo:
    id: int
    email: str
    full_name: str
    is_active: bool
    is_staff: bool


def get_user(user_id: int) -> UserInfo:
    """The user with ``user_id``; raises ``UserNotFound``."""
    user = selectors.user_by_id(user_id)
    if user is None:
        raise UserNotFound()
    return UserInfo(
        id=user.pk,
        email=user.email,
        full_name=user.get_full_name(),
        is_active=user.is_active,
        is_staff=user.is_staff,
    )
