"""Read logic of the accounts service."""

from allauth.account.models import EmailAddress
from django.db.models import QuerySet

from .errors import AddressNotFound
from .models import Address, User


def user_by_id(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def addresses_for(user_id: int) -> QuerySet[Address]:
    """The user's address book, the default first, then the newest."""
    return Address.objects.filter(user_id=user_id).order_by("-is_default", "-created_at", "-pk")


def address_for(user_id: int, address_id: int) -> Address:
    """
    One address of the user's; raises ``AddressNotFound`` for an unknown id
    and equally for another user's address.
    """
    try:
        return addresses_for(user_id).get(pk=address_id)
    except (Address.DoesNotExist, ValueError, TypeError):
        raise AddressNotFound() from None


def default_address_for(user_id: int) -> Address | None:
    return addresses_for(user_id).filter(is_default=True).first()


def primary_email_address(user: User) -> EmailAddress | None:
    """allauth's record of the user's sign-in address (verified or not), if any."""
    return EmailAddress.objects.filter(user_id=user.pk, email__iexact=user.email).first()


def email_is_verified(user: User) -> bool:
    return EmailAddress.objects.filter(
        user_id=user.pk, email__iexact=user.email, verified=True
    ).exists()
