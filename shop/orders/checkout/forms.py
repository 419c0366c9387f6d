"""
The checkout page's form: where to ship and how. A new address's fields come
from accounts (``address_fields``: names, labels, lengths, which are
required), so the checkout asks for exactly what the address book stores.
The delivery methods are those of the chosen address's country
(``chosen_country``), offered by the view once it has asked the shipping
service (``offer``).
"""

import uuid

from django import forms
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
    shipping_method = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Delivery",
        error_messages={
            "required": "Choose a delivery option.",
            "invalid_choice": "Choose one of the delivery options for this address.",
        },
    )
    gift_card_code = forms.CharField(
        label="Gift card (optional)",
        max_length=40,
        required=False,
        help_text="It pays what it can of the total; you pay the rest by card.",
    )
    # One per rendered page: submitting twice (a double click, a reload)
    # resumes the same checkout instead of starting a second one.
    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=IDEMPOTENCY_KEY_MAX_LENGTH
    )

    def __init__(self, *args, addresses=(), previous=None, **kwargs):
        """``previous``: the customer's last attempt that did not go through, to start from."""
        super().__init__(*args, **kwargs)
        self.addresses = tuple(addresses)
        self.unavailable = ""
        self.address_specs = accounts.address_fields()
        for spec in self.address_specs:
            self.fields[spec.name] = _address_field(spec)
        self.fields["address"].choices = [
            *((str(address.id), address) for address in addresses),
            (NEW_ADDRESS, "A new address"),
        ]
        if not self.is_bound and previous is not None:
            self._start_from(previous, addresses)
        if not self.is_bound:
            default = next((a for a in addresses if a.is_default), None)
            self.initial.setdefault("address", str(default.id) if default else NEW_ADDRESS)
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)

    def chosen_country(self) -> str:
        """
        The country of the address chosen on the page (as sent, or as first
        shown): a saved address's, or the typed-in one's; "" while none is known.
        """
        values = self.data if self.is_bound else self.initial
        choice = str(values.get("address") or "")
        if choice == NEW_ADDRESS:
            name = next((s.name for s in self.address_specs if s.kind == "country"), "country")
            country = values.get(name) or ""
        else:
            saved = next((a for a in self.addresses if str(a.id) == choice), None)
            country = saved.country if saved else ""
        return str(country).strip().upper()[:2]

    def offer(self, options, unavailable: str = "") -> None:
        """
        The delivery methods for the chosen country (``ShippingQuote``s), or
        why there are none (``unavailable``: the refusal sent instead of
        "This field is required").
        """
        codes = [option.code for option in options]
        self.fields["shipping_method"].choices = [(option.code, option) for option in options]
        self.unavailable = unavailable
        if unavailable:
            self.fields["shipping_method"].required = False
        if not self.is_bound and self.initial.get("shipping_method") not in codes:
            self.initial["shipping_method"] = codes[0] if codes else None

    @property
    def address_field_names(self) -> list[str]:
        return [spec.name for spec in self.address_specs]

    def new_address_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.address_field_names]

    def _start_from(self, previous, addresses) -> None:
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
        # Kept if the country still offers it (``offer``).
        self.initial["shipping_method"] = previous.shipping_method

    def clean(self):
        cleaned = super().clean()
        if self.unavailable:
            self.add_error("shipping_method", self.unavailable)
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


class GuestCheckoutForm(CheckoutForm):
    """
    A buyer without an account (decision 0023): the email address the
    confirmation and the order's link go to, and an address typed in (there
    is no address book to choose from).
    """

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="Your order confirmation and the link to your order go here.",
    )

    def __init__(self, *args, previous=None, **kwargs):
        super().__init__(*args, addresses=(), previous=previous, **kwargs)
        if not self.is_bound:
            self.initial["address"] = NEW_ADDRESS
            if previous is not None:
                self.initial.setdefault("email", previous.email)
