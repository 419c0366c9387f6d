"""
Storefront template helpers: ``money`` formats an amount in the store currency,
``availability`` words a quantity the way a customer reads it, and
``{% category_nav %}`` renders the top-level categories for the site header
from the cached category tree (no query on a warm cache), so any app's page
that extends ``base.html`` gets the same navigation.

Query strings come from Django's built-in ``{% querystring %}`` tag.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings

from shop.catalog.cache import cached_category_tree
from shop.catalog.selectors import low_stock_threshold
from shop.core.money import minor_unit_exponent, quantize

register = template.Library()

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}


@register.filter
def money(amount) -> str:
    """``Decimal("1234.5")`` -> ``"€1,234.50"`` (``"1,234.50 CHF"`` without a symbol)."""
    if amount is None or amount == "":
        return ""
    try:
        value = quantize(Decimal(str(amount)))
    except (InvalidOperation, ValueError, TypeError):
        return ""
    currency = settings.SHOP_CURRENCY.upper()
    number = f"{abs(value):,.{minor_unit_exponent(currency)}f}"
    sign = "-" if value < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"


@register.filter
def availability(available: int) -> str:
    """The customer's words: In stock, Only 3 left (at or below the threshold), Out of stock."""
    if available <= 0:
        return "Out of stock"
    if available <= low_stock_threshold():
        return f"Only {available} left"
    return "In stock"


@register.filter
def stock_level(available: int) -> str:
    """``out``, ``low`` or ``in``: a CSS modifier matching ``availability``."""
    if available <= 0:
        return "out"
    return "low" if available <= low_stock_threshold() else "in"


@register.inclusion_tag("catalog/_category_nav.html", takes_context=True)
def category_nav(context):
    return {"categories": cached_category_tree(), "current": context.get("nav_root_slug")}
