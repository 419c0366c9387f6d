"""Small builders for catalog test data; every argument has a sensible default."""

import itertools
from decimal import Decimal

from django.utils.text import slugify

from shop.catalog.models import Category, Product, Variant

_numbers = itertools.count(1)


def make_category(name: str | None = None, parent: Category | None = None, **fields) -> Category:
    name = name or f"Category {next(_numbers)}"
    fields.setdefault("slug", slugify(name))
    return Category.objects.create(name=name, parent=parent, **fields)


def make_product(
    name: str | None = None,
    *,
    price="10.00",
    stock: int = 10,
    category: Category | None = None,
    variants: list[dict] | None = None,
    **fields,
) -> Product:
    """
    A product with one variant (a simple product) priced ``price`` with
    ``stock`` on hand, or with ``variants``: dicts of Variant fields
    (``sku``, ``options``, ``price``, ``stock_on_hand``...).
    """
    number = next(_numbers)
    name = name or f"Product {number}"
    fields.setdefault("slug", f"{slugify(name)}-{number}")
    product = Product.objects.create(name=name, category=category, **fields)
    for position, variant in enumerate(variants or [{}]):
        values = {
            "sku": f"SKU-{number}-{position}",
            "price": Decimal(str(price)),
            "stock_on_hand": stock,
            "position": position,
            **variant,
        }
        Variant.objects.create(product=product, **values)
    return product
