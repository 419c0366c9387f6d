"""Reads: the classes, and the rates in force in a country on a day."""

from datetime import date
from decimal import Decimal

from shop.core.configcache import ConfigCache

from .data import TaxClassInfo, TaxRateInfo
from .models import TaxClass, TaxRate

# Every cart answer and checkout taxes its basket; staff change rates rarely.
config = ConfigCache("taxes")


def tax_classes() -> tuple[TaxClassInfo, ...]:
    return tuple(TaxClassInfo(code=c.code, name=c.name) for c in TaxClass.objects.all())


def rates_in_force(country: str, on: date) -> dict[str, Decimal]:
    """
    ``{class code: rate}`` in ``country`` on ``on``; empty outside the tax zone.
    Every country's rates are read once per change (``config``), the dates
    are compared here.
    """
    return {
        tax_class: rate
        for tax_class, rate, valid_from, valid_until in config.get(_every_rate).get(country, ())
        if valid_from <= on and (valid_until is None or valid_until >= on)
    }


def _every_rate() -> dict[str, tuple]:
    """``{country: ((class code, rate, valid from, valid until), ...)}``: one query."""
    found: dict[str, list] = {}
    for country, *rate in TaxRate.objects.values_list(
        "country", "tax_class__code", "rate", "valid_from", "valid_until"
    ):
        found.setdefault(country, []).append(tuple(rate))
    return {country: tuple(rates) for country, rates in found.items()}


def rates(country: str | None = None) -> tuple[TaxRateInfo, ...]:
    found = TaxRate.objects.select_related("tax_class")
    if country:
        found = found.filter(country=country)
    return tuple(
        TaxRateInfo(
            country=r.country,
            tax_class=r.tax_class.code,
            rate=r.rate,
            valid_from=r.valid_from,
            valid_until=r.valid_until,
        )
        for r in found
    )
