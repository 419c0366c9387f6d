"""
Demo tax rates (``manage.py seed_tax_rates``): standard and reduced VAT of a
few EU countries, and the United Kingdom's, as known in early 2026 (check
them against your tax adviser before selling: rates change, and several
countries have more reduced rates than the one shown). A country not listed
(the United States, Switzerland …) is outside the tax zone: no tax.
"""

from datetime import date
from decimal import Decimal

from .models import TaxClass, TaxRate

# country: (standard, reduced); zero is 0 everywhere listed.
DEMO_RATES = {
    "DE": ("19", "7"),
    "FR": ("20", "5.5"),
    "NL": ("21", "9"),
    "IT": ("22", "10"),
    "ES": ("21", "10"),
    "AT": ("20", "10"),
    "GB": ("20", "5"),
}
DEMO_FROM = date(2024, 1, 1)


def seed_tax_rates() -> int:
    """Create the demo rates that are missing; returns how many were created."""
    for code, name in (
        ("standard", "Standard rate"),
        ("reduced", "Reduced rate"),
        ("zero", "Zero rate"),
    ):
        TaxClass.objects.get_or_create(code=code, defaults={"name": name})
    classes = {c.code: c for c in TaxClass.objects.all()}
    created = 0
    for country, (standard, reduced) in DEMO_RATES.items():
        for code, rate in (("standard", standard), ("reduced", reduced), ("zero", "0")):
            if code not in classes:
                continue
            _, made = TaxRate.objects.get_or_create(
                country=country,
                tax_class=classes[code],
                valid_from=DEMO_FROM,
                defaults={"rate": Decimal(rate)},
            )
            created += made
    return created
