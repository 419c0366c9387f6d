"""
The seller printed on every document, from the settings (``INVOICES_SELLER_*``),
copied into each document when it is issued: a later change of address or
VAT number never rewrites an invoice already sent.
"""

from django.conf import settings


def current_seller() -> dict:
    return {
        "name": settings.INVOICES_SELLER_NAME,
        "address": list(settings.INVOICES_SELLER_ADDRESS),
        "vat_number": settings.INVOICES_SELLER_VAT_NUMBER,
        "email": settings.INVOICES_SELLER_EMAIL,
    }
