"""
Reading zones and pricing an order: which zone serves a country, and what
each of its methods costs for an order of a value and weight.
"""

from decimal import Decimal

from django.db.models import Prefetch
from django_countries import countries

from shop.core.money import quantize

from .data import ShippingQuote
from .errors import ShippingUnavailable
from .models import ShippingMethod, ShippingRate, ShippingZone


def zone_for(country: str) -> ShippingZone | None:
    """
    The zone that lists ``country``, else the rest-of-the-world zone, else
    ``None``. Zones are few: they are read whole (one query).
    """
    zones = list(ShippingZone.objects.all())
    listed = next((zone for zone in zones if country in zone.country_codes), None)
    return listed or next((zone for zone in zones if zone.rest_of_world), None)


def price_of(method: ShippingMethod, subtotal: Decimal, weight_grams: int) -> Decimal | None:
    """
    What ``method`` costs for an order of ``subtotal`` weighing ``weight_grams``:
    the price of the first band (by limit) that the value or weight fits in,
    nothing from ``free_from`` on; ``None`` when the order is beyond every band.
    """
    measure = subtotal if method.basis == ShippingMethod.Basis.VALUE else Decimal(weight_grams)
    rates = sorted(method.rates.all(), key=lambda rate: (rate.up_to is None, rate.up_to))
    band = next((rate for rate in rates if rate.up_to is None or measure <= rate.up_to), None)
    if band is None:
        return None
    if method.free_from is not None and subtotal >= method.free_from:
        return quantize(0)
    return quantize(band.price)


def country_name(code: str) -> str:
    return countries.name(code) or code


def quote(country: str, subtotal: Decimal, weight_grams: int) -> tuple[ShippingQuote, ...]:
    """See ``shop.shipping.public.quote``."""
    code = country.strip().upper() if isinstance(country, str) else ""
    zone = zone_for(code) if code in countries else None
    if zone is None:
        raise ShippingUnavailable(
            f"We do not deliver to {country_name(code) or 'this country'}.",
            country=code,
            reason="country",
        )
    subtotal, weight_grams = quantize(subtotal), max(int(weight_grams), 0)
    methods = zone.methods.filter(is_active=True).prefetch_related(
        Prefetch("rates", queryset=ShippingRate.objects.order_by())
    )
    quotes, priced = [], False
    for method in methods.order_by("position", "pk"):
        priced = priced or bool(method.rates.all())
        price = price_of(method, subtotal, weight_grams)
        if price is not None:
            quotes.append(
                ShippingQuote(
                    code=method.code,
                    name=method.name,
                    price=price,
                    carrier=method.carrier,
                    zone=zone.name,
                    free_from=method.free_from,
                )
            )
    if not priced:
        # A zone whose methods are all withdrawn (or have no rates yet).
        raise ShippingUnavailable(
            f"We do not deliver to {country_name(code)} at the moment.",
            country=code,
            reason="country",
        )
    if not quotes:
        raise ShippingUnavailable(
            f"None of our delivery methods to {country_name(code)} takes this order "
            f"({weight_grams / 1000:,.1f} kg): split it into smaller orders, or write to us.",
            country=code,
            reason="order",
        )
    return tuple(quotes)
