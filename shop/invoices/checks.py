"""
A shop with DEBUG off that charges VAT prints its VAT number and address on
every invoice: warn when either is missing (``manage.py check``).
"""

from django.conf import settings
from django.core.checks import Warning, register


@register("invoices")
def seller_details(app_configs=None, **kwargs):
    if settings.DEBUG or "shop.taxes" not in settings.INSTALLED_APPS:
        return []
    warnings = []
    if not settings.INVOICES_SELLER_VAT_NUMBER.strip():
        warnings.append(
            Warning(
                "Invoices are issued without the seller's VAT number.",
                hint="Set INVOICES_SELLER_VAT_NUMBER (an invoice showing VAT must carry it).",
                id="invoices.W001",
            )
        )
    if not settings.INVOICES_SELLER_ADDRESS:
        warnings.append(
            Warning(
                "Invoices are issued without the seller's address.",
                hint='Set INVOICES_SELLER_ADDRESS, lines separated by ";".',
                id="invoices.W002",
            )
        )
    return warnings
