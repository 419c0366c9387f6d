"""Reads: the classes, and the rates in force in a country on a day."""

from datetime import date
from decimal import Decimal

from django.db.models import Q

from .data import TaxClassInfo, TaxRateInfo
from .models import TaxClass, TaxRate


def tax_classes() -> tuple[TaxClassInfo, ...]:
    return tuple(TaxClassInfo(code=c.code, name=c.name) for c in TaxClass.objects.all())


def rates_in_force(country: str, on: date) -> dict[str, Decimal]:
    """``{class code: rate}`` in ``country`` on ``on``; empty outside the tax zone."""
    rates = (
        TaxRate.objects.filter(country=country, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .values_list("tax_class__code", "rate")
    )
    return dict(rates)


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
