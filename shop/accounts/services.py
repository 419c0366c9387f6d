"""
Write logic of the accounts service: the profile, the address book and
account deletion. Every function runs in one transaction and raises an
``errors`` exception (a ``ShopError`` with a stable code) for bad input;
another user's address is "not found", never "forbidden".

One default address per user is a partial unique constraint. Changing the
default locks the user's addresses (``select_for_update``) and unsets the old
default before setting the new one, so two concurrent changes queue up
instead of tripping the constraint.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shop.core.messaging import publish

from .errors import (
    AddressBookFull,
    AddressNotFound,
    InvalidAddress,
    InvalidProfile,
    StaffAccountNotDeletable,
    UserNotFound,
)
from .events import UserDeleted
from .models import Address, User

ADDRESS_FIELDS = (
    "full_name",
    "line1",
    "line2",
    "city",
    "postal_code",
    "region",
    "country",
    "phone",
)
PROFILE_FIELDS = ("first_name", "last_name", "phone")


def _locked_user(user_id: int) -> User:
    try:
        return User.objects.select_for_update().get(pk=user_id)
    except (User.DoesNotExist, ValueError, TypeError):
        raise UserNotFound() from None


def _lock_addresses(user_id: int) -> list[Address]:
    """Lock the user's address book; the newest first (the order of promotion)."""
    return list(
        Address.objects.select_for_update().filter(user_id=user_id).order_by("-created_at", "-pk")
    )


def _field_errors(error: ValidationError) -> dict[str, list[str]]:
    return {field: [str(message) for message in messages] for field, messages in error}


def _apply_address_fields(address: Address, fields: dict) -> bool:
    """Copy ``fields`` onto ``address`` and validate it; returns the wanted ``is_default``."""
    unknown = sorted(set(fields) - {*ADDRESS_FIELDS, "is_default"})
    if unknown:
        raise InvalidAddress(
            f"Unknown address field(s): {', '.join(unknown)}.",
            errors={name: ["Unknown field."] for name in unknown},
        )
    make_default = fields.pop("is_default", None)
    for name, value in fields.items():
        setattr(address, name, value.strip() if isinstance(value, str) else value)
    try:
        address.full_clean(exclude=["user", "is_default", "created_at", "updated_at"])
    except ValidationError as exc:
        raise InvalidAddress(errors=_field_errors(exc)) from None
    return make_default


def _clear_default(addresses: list[Address], *, keep: Address | None = None) -> None:
    for other in addresses:
        if other.is_default and other != keep:
            other.is_default = False
            other.save(update_fields=["is_default", "updated_at"])


# --- profile ---------------------------------------------------------------------


def update_profile(
    user_id: int,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    phone: str | None = None,
) -> User:
    """Change the given profile fields (``None`` leaves a field as it is)."""
    given = {"first_name": first_name, "last_name": last_name, "phone": phone}
    changes = {
        name: value.strip() if isinstance(value, str) else value
        for name, value in given.items()
        if value is not None
    }
    with transaction.atomic():
        user = _locked_user(user_id)
        if not changes:
            return user
        for name, value in changes.items():
            setattr(user, name, value)
        exclude = [f.name for f in User._meta.fields if f.name not in changes]
        try:
            user.clean_fields(exclude=exclude)
        except ValidationError as exc:
            raise InvalidProfile(errors=_field_errors(exc)) from None
        user.save(update_fields=list(changes))
    return user


# --- address book ----------------------------------------------------------------


def add_address(user_id: int, **fields) -> Address:
    """
    Add an address to the user's book. The first address becomes the default;
    ``is_default=True`` makes a later one the default instead of the old one.
    A book holds at most ``ACCOUNTS_MAX_ADDRESSES`` (``AddressBookFull``), so
    a script cannot grow one without end.
    """
    with transaction.atomic():
        _locked_user(user_id)
        addresses = _lock_addresses(user_id)
        if len(addresses) >= settings.ACCOUNTS_MAX_ADDRESSES:
            raise AddressBookFull(limit=settings.ACCOUNTS_MAX_ADDRESSES)
        address = Address(user_id=user_id)
        make_default = _apply_address_fields(address, dict(fields))
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
    with transaction.atomic():
        addresses = _lock_addresses(user_id)
        address = _find(addresses, address_id)
        make_default = _apply_address_fields(address, dict(fields))
        if make_default and not address.is_default:
            _clear_default(addresses, keep=address)
            address.is_default = True
        address.save()
    return address


def set_default_address(user_id: int, address_id: int) -> Address:
    """Make the address the user's default, in place of the old one."""
    with transaction.atomic():
        addresses = _lock_addresses(user_id)
        address = _find(addresses, address_id)
        if not address.is_default:
            _clear_default(addresses, keep=address)
            address.is_default = True
            address.save(update_fields=["is_default", "updated_at"])
    return address


def delete_address(user_id: int, address_id: int) -> None:
    """Remove an address; if it was the default, the newest remaining one becomes it."""
    with transaction.atomic():
        addresses = _lock_addresses(user_id)
        address = _find(addresses, address_id)
        remaining = [other for other in addresses if other is not address]
        address.delete()
        if address.is_default and remaining:
            remaining[0].is_default = True
            remaining[0].save(update_fields=["is_default", "updated_at"])


def _find(addresses: list[Address], address_id) -> Address:
    for address in addresses:
        if str(address.pk) == str(address_id):
            return address
    raise AddressNotFound()


# --- account deletion ------------------------------------------------------------


def deleted_email(user_id: int) -> str:
    return f"deleted-{user_id}@invalid"


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
    becomes ``deleted-<id>@invalid`` (unique, and undeliverable by RFC 2606),
    names and phone are blanked (in the admin's history too), the password is
    made unusable and the
    account inactive, so it can never sign in again. The password change also
    invalidates every other session of the user (Django's session hash).

    Deleting an account that is already deleted changes nothing and publishes
    nothing. A staff account raises ``StaffAccountNotDeletable``: a superuser
    takes away staff status first, so nobody locks the shop out of its admin.
    """
    with transaction.atomic():
        user = _locked_user(user_id)
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
