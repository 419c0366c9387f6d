"""The row locks a write takes before it reads what it changes."""

from ..errors import UserNotFound
from ..models import Address, User


def locked_user(user_id: int) -> User:
    """The user's row, locked until the transaction ends; raises ``UserNotFound``."""
    try:
        return User.objects.select_for_update().get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise UserNotFound() from None


def locked_addresses(user_id: int) -> list[Address]:
    """The user's address book, locked; the newest first (the order of promotion)."""
    return list(
        Address.objects.select_for_update().filter(user_id=user_id).order_by("-created_at", "-pk")
    )
