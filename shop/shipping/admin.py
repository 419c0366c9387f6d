"""
The staff side of shipping: zones with their countries and methods, and each
method with its rate bands. A country can be in one zone only (the form says
which zone has it); a method's carrier is one of ``SHIPPING_CARRIERS`` or the
default. Changes apply to checkouts started from then on: a checkout and its
order keep the method, price and carrier they were started with.

Managing shipping needs the shipping permissions ("Order managers" role).
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html_join

from shop.core.money import format_money

from .models import ShippingMethod, ShippingRate, ShippingZone


def _carrier_field(**kwargs) -> forms.ChoiceField:
    """The carriers of the settings as choices (not on the model: settings change, rows stay)."""
    choices = [("", f"The default carrier ({settings.ORDERS_CARRIER.rpartition('.')[2]})")]
    choices += [(name, f"{name} ({path.rpartition('.')[2]})") for name, path in _carriers()]
    return forms.ChoiceField(choices=choices, required=False, **kwargs)


def _carriers() -> list[tuple[str, str]]:
    return sorted(settings.SHIPPING_CARRIERS.items())


class MethodForm(forms.ModelForm):
    class Meta:
        model = ShippingMethod
        fields = ("zone", "code", "name", "basis", "free_from", "carrier", "is_active", "position")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        carrier = self.fields["carrier"]
        self.fields["carrier"] = _carrier_field(help_text=carrier.help_text)
        current = self.instance.carrier
        if current and current not in settings.SHIPPING_CARRIERS:
            # A carrier taken out of the settings stays visible until staff pick another.
            self.fields["carrier"].choices += [(current, f"{current} (not configured)")]


class MethodInline(admin.TabularInline):
    model = ShippingMethod
    form = MethodForm
    extra = 0
    fields = ("code", "name", "basis", "free_from", "carrier", "is_active", "position", "prices")
    readonly_fields = ("prices",)
    show_change_link = True
    verbose_name_plural = "methods (open one to set its rates)"

    @admin.display(description="rates")
    def prices(self, method):
        return _rates_summary(method) if method.pk else "Save, then open the method to add rates."


def _rates_summary(method: ShippingMethod) -> str:
    rates = [str(rate) for rate in method.rates.all()]
    if not rates:
        return "No rates: not offered."
    free = f"; free from {format_money(method.free_from)}" if method.free_from is not None else ""
    return "; ".join(rates) + free


@admin.register(ShippingZone)
class ShippingZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "served", "rest_of_world", "method_list", "position")
    list_editable = ("position",)
    search_fields = ("name", "methods__code", "methods__name")
    fields = ("name", "countries", "rest_of_world", "position")
    inlines = [MethodInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("methods")

    @admin.display(description="countries")
    def served(self, zone):
        names = [country.name for country in zone.countries]
        shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        if zone.rest_of_world:
            return f"{shown} and every other country" if shown else "Every country"
        return shown

    @admin.display(description="methods")
    def method_list(self, zone):
        return format_html_join(
            ", ",
            "{}{}",
            (
                (method.code, "" if method.is_active else " (not offered)")
                for method in zone.methods.all()
            ),
        )


class RateInline(admin.TabularInline):
    model = ShippingRate
    extra = 1
    fields = ("up_to", "price")
    verbose_name_plural = (
        "rates: a price up to a value or weight (inclusive), the first band that fits is "
        "used; a band with no limit covers everything above"
    )


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    form = MethodForm
    list_display = (
        "name",
        "code",
        "zone",
        "basis",
        "rate_list",
        "free_from_amount",
        "carrier_name",
        "is_active",
    )
    list_filter = ("zone", "basis", "is_active", "carrier")
    list_select_related = ("zone",)
    search_fields = ("code", "name", "zone__name")
    fields = ("zone", "code", "name", "basis", "free_from", "carrier", "is_active", "position")
    inlines = [RateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("rates")

    @admin.display(description="rates")
    def rate_list(self, method):
        return "; ".join(str(rate) for rate in method.rates.all()) or "No rates: not offered."

    @admin.display(description="free from", ordering="free_from")
    def free_from_amount(self, method):
        return format_money(method.free_from) or None

    @admin.display(description="carrier", ordering="carrier")
    def carrier_name(self, method):
        return method.carrier or "default"
