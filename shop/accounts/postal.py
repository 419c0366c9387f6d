"""
The postal fields of an address, listed once: ``data.PostalAddress``'s, in
its order. The address book's form, serializer and services use
``POSTAL_FIELDS``; other apps learn them from ``describe`` (through
``public.address_fields``), which reads each field's length, whether it may
be blank and its label from the ``Address`` model, so a checkout asks for
exactly what the address book stores. ``check`` is the one validation of
typed-in postal values, for the address book and for an address typed in at
checkout alike.
"""

import dataclasses
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django_countries.fields import CountryField

from .data import AddressField, PostalAddress
from .errors import InvalidAddress, field_errors
from .models import Address

POSTAL_FIELDS = tuple(field.name for field in dataclasses.fields(PostalAddress))
# The fields of an Address that are not the customer's to type.
_BOOK_FIELDS = ("user", "is_default", "created_at", "updated_at")


def describe() -> tuple[AddressField, ...]:
    """The postal fields as ``Address`` defines them, in display order."""
    fields = (Address._meta.get_field(name) for name in POSTAL_FIELDS)
    return tuple(
        AddressField(
            name=field.name,
            label=str(capfirst(field.verbose_name)),
            max_length=field.max_length,
            required=not field.blank,
            kind="country" if isinstance(field, CountryField) else "text",
        )
        for field in fields
    )


def check(address: Address, values: Mapping) -> None:
    """
    Copy the postal ``values`` onto ``address`` (strings stripped) and
    validate every postal field of it; raises ``InvalidAddress`` with the
    messages by field, an unknown field included.
    """
    unknown = sorted(set(values) - set(POSTAL_FIELDS))
    if unknown:
        raise InvalidAddress(
            f"Unknown address field(s): {', '.join(unknown)}.",
            errors={name: ["Unknown field."] for name in unknown},
        )
    for name, value in values.items():
        setattr(address, name, value.strip() if isinstance(value, str) else value)
    try:
        address.full_clean(exclude=list(_BOOK_FIELDS))
    except ValidationError as exc:
        raise InvalidAddress(errors=field_errors(exc)) from None


def values(address: Address) -> dict[str, str]:
    """The postal fields of ``address`` as plain strings (the country as its code)."""
    return {
        name: address.country.code if name == "country" else getattr(address, name)
        for name in POSTAL_FIELDS
    }


def validate(typed: Mapping) -> PostalAddress:
    """
    A typed-in address checked and normalised as the address book does
    (``check``); a missing field counts as empty.
    """
    address = Address()
    check(address, {**dict.fromkeys(POSTAL_FIELDS, ""), **typed})
    return PostalAddress(**values(address))
