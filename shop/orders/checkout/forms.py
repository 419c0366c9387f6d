"""
The checkout page's form: where to ship and how. A new address's fields come
from accounts (``address_fields``: names, labels, lengths, which are
required), so the checkout asks for exactly what the address book stores.
"""

import uuid

from django import forms
from django.conf import settings
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from shop.accounts import public as accounts
from shop.core.idempotency import MAX_LENGTH as IDEMPOTENCY_KEY_MAX_LENGTH

NEW_ADDRESS = "new"


def _address_field(spec) -> forms.Field:
    """A new-address field; empty is allowed until "A new address" is chosen (``clean``)."""
    label = spec.label if spec.required else f"{spec.label} (optional)"
    if spec.kind == "country":
        return LazyTypedChoiceField(
            choices=[("", "Choose a country"), *countries], required=False, label=label
        )
    return forms.CharField(max_length=spec.max_length, required=False, label=label)


class CheckoutForm(forms.Form):
    address = forms.ChoiceField(widget=forms.RadioSelect, label="Ship to")
    shipping_method = forms.ChoiceField(widget=forms.RadioSelect, label="Delivery")
    # One per rendered page: submitting twice (a double click, a reload)
    # resumes the same checkout instead of starting a second one.
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=IDEMPOTENCY_KEY_MAX_LENGTH
    )

    def __init__(self, *args, addresses=(), shipping_options=(), previous=None, **kwargs):
        """``previous``: the customer's last attempt that did not go through, to start from."""
        super().__init__(*args, **kwargs)
        self.address_specs = accounts.address_fields()
        for spec in self.address_specs:
            self.fields[spec.name] = _address_field(spec)
        self.fields["address"].choices = [
            *((str(address.id), address) for address in addresses),
            (NEW_ADDRESS, "A new address"),
        ]
        self.fields["shipping_method"].choices = [
            (option.code, option) for option in shipping_options
        ]
        if not self.is_bound and previous is not None:
            self._start_from(previous, addresses, shipping_options)
        if not self.is_bound:
            default = next((a for a in addresses if a.is_default), None)
            self.initial.setdefault("address", str(default.id) if default else NEW_ADDRESS)
            self.initial.setdefault("shipping_method", next(iter(settings.ORDERS_SHIPPING_METHODS)))
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    @property
    def address_field_names(self) -> list[str]:
        return [spec.name for spec in self.address_specs]

    def new_address_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.address_field_names]

    def _start_from(self, previous, addresses, shipping_options) -> None:
        """Offer the address and delivery of an attempt that failed, so a retry is one click."""
        shipped_to = {
            name: previous.shipping_address.get(name, "") for name in self.address_field_names
        }
        saved = next(
            (a for a in addresses if all(getattr(a, f) == v for f, v in shipped_to.items())), None
        )
        if saved is not None:
            self.initial["address"] = str(saved.id)
        else:
            self.initial.update(shipped_to, address=NEW_ADDRESS)
        if previous.shipping_method in {option.code for option in shipping_options}:
            self.initial["shipping_method"] = previous.shipping_method

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("address") == NEW_ADDRESS:
            for spec in self.address_specs:
                if spec.required and not cleaned.get(spec.name):
                    self.add_error(spec.name, "This field is required for a new address.")
        return cleaned

    def chosen_address(self) -> tuple[int | None, dict | None]:
        """``(address_id, None)`` from the address book, or ``(None, typed-in address)``."""
        choice = self.cleaned_data["address"]
        if choice == NEW_ADDRESS:
            return None, {
                name: self.cleaned_data.get(name) or "" for name in self.address_field_names
            }
        return int(choice), None
