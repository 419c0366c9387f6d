"""
Storefront template helpers: ``availability`` words a quantity the way a
customer reads it, ``stock_level`` is the matching CSS modifier, and
``{% category_nav %}`` renders the top-level categories for the site header
from the cached category tree (no query on a warm cache), so any app's page
that extends ``base.html`` gets the same navigation. Amounts are written with
``{% load money %}{{ amount|money }}`` (``shop.core``).

Query strings come from Django's built-in ``{% querystring %}`` tag.
"""

from django import template

from shop.catalog.cache import cached_category_tree
from shop.catalog.selectors import low_stock_threshold

register = template.Library()


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
