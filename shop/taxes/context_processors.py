"""What the storefront writes next to a price: "incl. VAT" or "plus tax" (the setting)."""

from django.conf import settings


def taxes(request):
    included = settings.TAXES_PRICES_INCLUDE_TAX
    return {"PRICES_INCLUDE_TAX": included, "TAX_NOTE": "incl. VAT" if included else "plus tax"}
