"""
Closing an account: the user row is anonymised, not deleted, and the other
apps are told (``accounts.UserDeleted``).
"""

import re

from allauth.account.models import EmailAddress
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from shop.core.messaging import publish

from ..db import db
from ..errors import StaffAccountNotDeletable
from ..events import UserDeleted
from ..models import Address, User
from .locking import locked_user

_DELETED_EMAIL = re.compile(r"deleted-(\d+)@invalid")


def deleted_email(user_id: int) -> str:
    """The email a deleted account is given: unique, and undeliverable by RFC 2606."""
    return f"deleted-{user_id}@invalid"


def is_deleted_email(email: str) -> bool:
    """Whether ``email`` is the email of a deleted account (``deleted_email``)."""
    return isinstance(email, str) and _DELETED_EMAIL.fullmatch(email) is not None


def _forget_in_admin_log(user) -> None:
    """The admin's history names objects by their str(): the email, the street."""
    entries = LogEntry.objects.filter(
        Q(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk))
        | Q(
            content_type=ContentType.objects.get_for_model(Address),
            object_id__in=[str(pk) for pk in user.addresses.values_list("pk", flat=True)],
        )
    )
    entries.update(object_repr=f"deleted account {user.pk}", change_message="")


def delete_account(user_id: int) -> None:
    """
    Delete the user's account: publish ``accounts.UserDeleted``, remove their
    addresses and allauth email addresses, and anonymise the user row.

    The row is anonymised rather than deleted because other apps hold the id
    (orders, payments, carts) and must keep being able to say "this order
    belonged to a deleted account" rather than point at nothing, or worse, at
    a new user who got the id. What identifies the person goes: the email
    becomes ``deleted-<id>@invalid`` (``deleted_email``), names and phone are
    blanked (in the admin's history too), the password is made unusable and
    the account inactive, so it can never sign in again. The password change
    also invalidates every other session of the user (Django's session hash).

    Deleting an account that is already deleted changes nothing and publishes
    nothing. A staff account raises ``StaffAccountNotDeletable``: a superuser
    takes away staff status first, so nobody locks the shop out of its admin.
    """
    with db.atomic():
        user = locked_user(user_id)
        if user.email == deleted_email(user.pk) and not user.is_active:
            return
        if user.is_staff or user.is_superuser:
            raise StaffAccountNotDeletable()
        publish(UserDeleted(user_id=user.pk, deleted_at=timezone.now()))
        _forget_in_admin_log(user)
        Address.objects.filter(user_id=user.pk).delete()
        EmailAddress.objects.filter(user_id=user.pk).delete()
        user.email = deleted_email(user.pk)
        user.first_name = user.last_name = user.phone = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
