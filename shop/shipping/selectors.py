"""
Reading zones and pricing an order: which zone serves a country, and what
each of its methods costs for an order of a value and weight.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django_countries import countries

from shop.core.configcache import ConfigCache
from shop.core.money import quantize

from .data import ShippingQuote
from .errors import ShippingUnavailable
from .models import ShippingMethod, ShippingRate, ShippingZone

# Every cart answer and checkout prices delivery; staff change zones rarely.
config = ConfigCache("shipping")


@dataclass(frozen=True)
class Band:
    up_to: Decimal | None
    price: Decimal


@dataclass(frozen=True)
class Method:
    """An offered method with its bands, ordered by limit (the open one last)."""

    code: str
    name: str
    basis: str
    free_from: Decimal | None
    carrier: str
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Zone:
    name: str
    country_codes: frozenset[str]
    rest_of_world: bool
    methods: tuple[Method, ...]


def _read_zones() -> tuple[Zone, ...]:
    """Every zone with its offered methods and their rates: three queries."""
    offered = ShippingMethod.objects.filter(is_active=True).order_by("position", "pk")
    zones = ShippingZone.objects.prefetch_related(
        Prefetch(
            "methods",
            queryset=offered.prefetch_related(
                Prefetch("rates", queryset=ShippingRate.objects.order_by())
            ),
        )
    )
    return tuple(
        Zone(
            name=zone.name,
            country_codes=frozenset(zone.country_codes),
            rest_of_world=zone.rest_of_world,
            methods=tuple(
                Method(
                    code=method.code,
                    name=method.name,
                    basis=method.basis,
                    free_from=method.free_from,
                    carrier=method.carrier,
                    bands=tuple(
                        Band(up_to=rate.up_to, price=rate.price)
                        for rate in sorted(
                            method.rates.all(),
                            key=lambda rate: (rate.up_to is None, rate.up_to),
                        )
                    ),
                )
                for method in zone.methods.all()
            ),
        )
        for zone in zones
    )


def zones() -> tuple[Zone, ...]:
    """The zones as last saved, from the cache (read again after any change)."""
    return config.get(_read_zones)


def zone_for(country: str) -> Zone | None:
    """
    The zone that lists ``country``, else the rest-of-the-world zone, else
    ``None``.
    """
    every = zones()
    listed = next((zone for zone in every if country in zone.country_codes), None)
    return listed or next((zone for zone in every if zone.rest_of_world), None)


def price_of(method: Method, subtotal: Decimal, weight_grams: int) -> Decimal | None:
    """
    What ``method`` costs for an order of ``subtotal`` weighing ``weight_grams``:
    the price of the first band (by limit) that the value or weight fits in,
    nothing from ``free_from`` on; ``None`` when the order is beyond every band.
    """
    measure = subtotal if method.basis == ShippingMethod.Basis.VALUE else Decimal(weight_grams)
    band = next(
        (band for band in method.bands if band.up_to is None or measure <= band.up_to), None
    )
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
    quotes, priced = [], False
    for method in zone.methods:
        priced = priced or bool(method.bands)
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
