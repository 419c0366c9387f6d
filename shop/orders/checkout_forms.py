"""The checkout page's form: where to ship and how."""

import uuid

from django import forms
from django.conf import settings
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

NEW_ADDRESS = "new"


class CheckoutForm(forms.Form):
    address = forms.ChoiceField(widget=forms.RadioSelect, label="Ship to")
    shipping_method = forms.ChoiceField(widget=forms.RadioSelect, label="Delivery")
    # One per rendered page: submitting twice (a double click, a reload)
    # resumes the same checkout instead of starting a second one.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    full_name = forms.CharField(max_length=150, required=False, label="Full name")
    line1 = forms.CharField(max_length=200, required=False, label="Address line 1")
    line2 = forms.CharField(max_length=200, required=False, label="Address line 2 (optional)")
    city = forms.CharField(max_length=100, required=False)
    postal_code = forms.CharField(max_length=20, required=False, label="Postal code")
    region = forms.CharField(max_length=100, required=False, label="Region (optional)")
    country = LazyTypedChoiceField(choices=[("", "Choose a country"), *countries], required=False)
    phone = forms.CharField(max_length=32, required=False, label="Phone (optional)")

    REQUIRED_FOR_NEW = ("full_name", "line1", "city", "postal_code", "country")
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

    def __init__(self, *args, addresses=(), shipping_options=(), previous=None, **kwargs):
        """``previous``: the customer's last attempt that did not go through, to start from."""
        super().__init__(*args, **kwargs)
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

    def _start_from(self, previous, addresses, shipping_options) -> None:
        """Offer the address and delivery of an attempt that failed, so a retry is one click."""
        shipped_to = {
            field: previous.shipping_address.get(field, "") for field in self.ADDRESS_FIELDS
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
            for field in self.REQUIRED_FOR_NEW:
                if not cleaned.get(field):
                    self.add_error(field, "This field is required for a new address.")
        return cleaned

    def chosen_address(self) -> tuple[int | None, dict | None]:
        """``(address_id, None)`` from the address book, or ``(None, typed-in address)``."""
        choice = self.cleaned_data["address"]
        if choice == NEW_ADDRESS:
            return None, {
                field: self.cleaned_data.get(field) or "" for field in self.ADDRESS_FIELDS
            }
        return int(choice), None
