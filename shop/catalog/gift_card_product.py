"""
The demo's and the browser tests' "Gift card" product (decision 0030): one
variant per value, each a gift card worth its price. Cards are codes, not
parcels, so each variant has plenty of stock (``STOCK``) rather than none:
the stock machinery stays one, and staff see how many were sold.
"""

from decimal import Decimal

from .db import db
from .models import Category, Product, Variant

SLUG = "gift-card"
VALUES = ("25.00", "50.00", "100.00")
STOCK = 100_000


def create_gift_card_product(category: Category | None = None) -> Product | None:
    """The product with its 25/50/100 variants; nothing (``None``) when it exists already."""
    if Product.objects.filter(slug=SLUG).exists():
        return None
    with db.atomic():
        product = Product.objects.create(
            name="Gift card",
            slug=SLUG,
            category=category,
            description=(
                "A gift card worth its value, spent at checkout over as many orders as it "
                "lasts. Its code is emailed to you and shown on your order page as soon as "
                "the order is placed: pass it on to whoever it is for."
            ),
        )
        for position, value in enumerate(VALUES):
            Variant.objects.create(
                product=product,
                sku=f"GIFT-CARD-{Decimal(value):.0f}",
                options={"value": f"€{Decimal(value):.0f}"},
                price=Decimal(value),
                stock_on_hand=STOCK,
                gift_card=True,
                position=position,
            )
    return product
