"""
The products list's answer written out (decision 0041): what
``ProductListItemSerializer`` declares, one dict per listed product, built by
a function made once per page. Every uncached page of
``GET /api/v1/catalog/products/`` answers with it: DRF's generic loop over the
declared fields took about 14 % of such a request, and a ``reverse()`` for
each product's URL another 6.5 %. The serializer stays the schema and the
reference, and ``tests/catalog/test_api_answer.py`` keeps the two equal.
"""

import re
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch
from rest_framework.relations import Hyperlink
from rest_framework.reverse import reverse

from shop.core.api.answers import datetime_text, decimal_text
from shop.taxes import public as taxes

from ..images import list_thumbnail_url
from ..models import PRICE_DIGITS, Product
from ..sale_prices import pricing

money = decimal_text(**PRICE_DIGITS)

PRODUCT_VIEW = "catalog-api:product-detail"
# The ``slug`` path converter's pattern: such a slug is the same once quoted.
URL_SAFE_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
STAND_IN = "slug-stand-in-0"


def listed_product_answer(request, format: str | None = None) -> Callable[[Product], dict]:
    """
    What ``ProductListItemSerializer`` makes of a product of
    ``selectors.product_listing()``, as a function made once for the
    serializer's ``request`` and ``format``.
    """
    url = product_url(request, format)
    absolute = request.build_absolute_uri if request else str
    currency = settings.SHOP_CURRENCY
    prices_include_tax = taxes.prices_include_tax()

    def answer(product: Product) -> dict:
        category, price_from, in_stock = product.category, product.price_from, product.in_stock
        now = pricing(
            product.regular_from,
            product.compare_at_from,
            price_from,
            product.sale_name_from,
            product.sale_ends_from,
        )
        compare_at = now.compare_at_price
        image = product.thumbnail_name
        return {
            "slug": str(product.slug),
            "name": str(product.name),
            "category": None
            if category is None
            else {"slug": str(category.slug), "name": str(category.name)},
            "currency": currency,
            "prices_include_tax": prices_include_tax,
            "url": url(product),
            "price_from": None if price_from is None else money(price_from),
            "compare_at_from": None if compare_at is None else money(compare_at),
            "sale": _sale(now) if now.sale_name else None,
            "in_stock": None if in_stock is None else bool(in_stock),
            "thumbnail": absolute(list_thumbnail_url(image)) if image else None,
        }

    return answer


def product_url(request, format: str | None = None) -> Callable[[Product], Hyperlink | None]:
    """
    What the ``url`` field (``HyperlinkedIdentityField``) makes of a product,
    without a ``reverse()`` for each one: the URL of a stand-in slug, reversed
    once as the field reverses (script prefix, host, a ``?format=`` kept), with
    the product's slug in its place. A slug the ``slug`` converter would not
    take as it is, or a stand-in the URL holds twice, is reversed as the field
    does, and refused as it refuses one no URL can carry.
    """

    def reversed_url(product: Product) -> Hyperlink:
        slug = product.slug
        try:
            url = reverse(PRODUCT_VIEW, kwargs={"slug": slug}, request=request, format=format)
        except NoReverseMatch as error:
            raise ImproperlyConfigured(f"No URL for the product {slug!r}.") from error
        return Hyperlink(url, product)

    try:
        template = reverse(PRODUCT_VIEW, kwargs={"slug": STAND_IN}, request=request, format=format)
    except NoReverseMatch:
        template = ""
    if template.count(STAND_IN) != 1:
        return lambda product: None if product.pk in (None, "") else reversed_url(product)
    head, _, tail = template.partition(STAND_IN)

    def url(product: Product) -> Hyperlink | None:
        if product.pk in (None, ""):
            return None
        slug = product.slug
        if isinstance(slug, str) and URL_SAFE_SLUG.fullmatch(slug):
            return Hyperlink(f"{head}{slug}{tail}", product)
        return reversed_url(product)

    return url


def _sale(now) -> dict:
    ends_at = now.sale_ends_at
    return {
        "name": str(now.sale_name),
        "ends_at": None if ends_at is None else datetime_text(ends_at),
    }
