"""
Read logic of the accounts service.

Whether a user's email is verified lives in allauth's ``EmailAddress``: the
address they sign in with, confirmed. ``email_verified()`` says it per user
row in the query itself, so a list of users costs one query whatever its
size (the public interface and the admin's user list use it).
"""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, QuerySet

from shop.core import prepared

from . import signed_in
from .db import db
from .errors import AddressNotFound
from .models import Address, User
from .postal import POSTAL_FIELDS

# What ``UserInfo`` is made of, when a query reads them as values.
USER_FIELDS = ("id", "email", "first_name", "last_name", "is_active", "is_staff")


def email_verified() -> Exists:
    """For a query of users: True when the user's sign-in address has been confirmed."""
    return Exists(
        EmailAddress.objects.filter(
            user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
        )
    )


def user_by_id(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def users_with_email_verified(user_ids) -> list[User]:
    """The users among ``user_ids``, each with ``email_verified``, in one query."""
    return list(User.objects.annotate(email_verified=email_verified()).filter(pk__in=user_ids))


def user_with_email_verified(user_id: int) -> User | None:
    """
    The user with ``email_verified``, or ``None``: ``user_and_email_verified``
    compiled once (``shop.core.prepared``), as every checkout reads it.
    """
    found = prepared.read(
        "accounts.user_and_email_verified", user_and_email_verified, user_id, using=db.alias
    )
    return found[0] if found else None


def user_and_email_verified(user_id: int) -> QuerySet[User]:
    return User.objects.annotate(email_verified=email_verified()).filter(pk=user_id)[:1]


def user_with_addresses(user_id: int) -> tuple[User | None, list[Address]]:
    """
    The user with ``email_verified`` and their address book (as
    ``addresses_for`` orders it), in one query: the user's row joined to
    each of their addresses, or to none.
    """
    book = ["id", "is_default", *POSTAL_FIELDS]
    rows = list(
        User.objects.filter(pk=user_id)
        .annotate(email_verified=email_verified())
        .order_by("-addresses__is_default", "-addresses__created_at", "-addresses__pk")
        .values(*USER_FIELDS, "email_verified", *(f"addresses__{name}" for name in book))
    )
    if not rows:
        return None, []
    user = User(**{name: rows[0][name] for name in USER_FIELDS})
    user.email_verified = rows[0]["email_verified"]
    addresses = [
        Address(user=user, **{name: row[f"addresses__{name}"] for name in book})
        for row in rows
        if row["addresses__id"] is not None
    ]
    return user, addresses


def user_for_access_token(access_token: str) -> User | None:
    """
    The user an API access token (allauth's JWT) was issued to, or ``None`` for
    a malformed, forged or expired token or one whose session has ended.
    """
    result = signed_in.validate_access_token(access_token)
    if result is None:
        return None
    user, _payload = result
    return user


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
