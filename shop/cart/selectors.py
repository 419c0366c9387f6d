"""
Read logic of the cart: a cart's lines priced with the catalog's current
figures. Two queries whatever the number of lines: the lines, then every SKU
at once from ``shop.catalog.public.get_variants``.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Sum

from shop.catalog import public as catalog
from shop.core.money import quantize, store_currency

from . import counts
from .models import Cart, CartLine
from .services import Owner


@dataclass(frozen=True)
class CartItem:
    id: int
    sku: str
    quantity: int
    name: str
    product_name: str
    product_slug: str | None
    options: tuple[tuple[str, str], ...]
    image_url: str | None
    unit_price: Decimal
    price_seen: Decimal
    available: int
    is_available: bool
    tax_class: str = "standard"
    weight_grams: int = 0
    product_id: int = 0
    category_ids: tuple[int, ...] = ()
    # While a sale lowers the price: what it costs otherwise, the sale and its end.
    regular_price: Decimal | None = None
    sale_name: str | None = None
    sale_ends_at: datetime | None = None
    gift_card: bool = False

    @property
    def line_total(self) -> Decimal:
        return quantize(self.unit_price * self.quantity)

    @property
    def price_changed(self) -> bool:
        return self.unit_price != self.price_seen

    @property
    def problem(self) -> str | None:
        """What stands between this line and checkout: "unavailable", "short" or nothing."""
        if not self.is_available or self.available == 0:
            return "unavailable"
        if self.quantity > self.available:
            return "short"
        return None


@dataclass(frozen=True)
class CartContents:
    items: tuple[CartItem, ...]
    currency: str
    # The code the customer entered, "" for none (shown only with lines).
    voucher_code: str = ""

    @property
    def item_count(self) -> int:
        return sum(item.quantity for item in self.items)

    @property
    def subtotal(self) -> Decimal:
        """What the lines cost at today's prices (lines that cannot be bought left out)."""
        return quantize(
            sum(
                (item.line_total for item in self.purchasable),
                Decimal(0),
            )
        )

    @property
    def purchasable(self) -> tuple[CartItem, ...]:
        """The lines the subtotal counts (those still for sale)."""
        return tuple(item for item in self.items if item.problem != "unavailable")

    @property
    def weight_grams(self) -> int:
        """The packed weight of what the subtotal counts, for shipping rates by weight."""
        return sum(item.weight_grams * item.quantity for item in self.purchasable)

    @property
    def has_problems(self) -> bool:
        return any(item.problem for item in self.items)

    @property
    def price_changes(self) -> tuple[CartItem, ...]:
        return tuple(item for item in self.items if item.price_changed)


def _lines_of(owner: Owner):
    return CartLine.objects.filter(**{f"cart__{k}": v for k, v in owner.lookup().items()})


def cart_lines(owner: Owner | None) -> list[CartLine]:
    """The lines with their cart (its voucher code) in the same query."""
    return list(_lines_of(owner).select_related("cart")) if owner is not None else []


def cart_contents(owner: Owner | None) -> CartContents:
    lines = cart_lines(owner)
    variants = catalog.get_variants(line.sku for line in lines) if lines else {}
    return contents_of(lines, variants, lines[0].cart.voucher_code if lines else "")


def contents_of(lines, variants, voucher_code: str) -> CartContents:
    """The cart of ``lines`` priced with ``variants`` (read already, as an add reads them)."""
    return CartContents(
        items=tuple(_item(line, variants.get(line.sku)) for line in lines),
        currency=store_currency(),
        voucher_code=voucher_code if lines else "",
    )


def _item(line: CartLine, variant: catalog.VariantInfo | None) -> CartItem:
    if variant is None:
        # Deleted from the catalog since: show what the cart knows.
        variant = catalog.VariantInfo(
            sku=line.sku,
            name=line.sku,
            product_name=line.sku,
            product_slug="",
            options=(),
            price=line.price_seen,
            compare_at_price=None,
            available=0,
            is_active=False,
        )
    return CartItem(
        id=line.pk,
        sku=line.sku,
        quantity=line.quantity,
        name=variant.name,
        product_name=variant.product_name,
        product_slug=variant.product_slug or None,
        options=variant.options,
        image_url=variant.image_url,
        unit_price=variant.price,
        price_seen=line.price_seen,
        available=variant.available,
        is_available=variant.is_active,
        tax_class=variant.tax_class,
        weight_grams=variant.weight_grams,
        product_id=variant.product_id,
        category_ids=variant.category_ids,
        regular_price=variant.regular_price,
        sale_name=variant.sale_name,
        sale_ends_at=variant.sale_ends_at,
        gift_card=variant.gift_card,
    )


def voucher_code(owner: Owner) -> str:
    """The code the cart holds, "" for none; one query."""
    return (
        Cart.objects.filter(**owner.lookup()).values_list("voucher_code", flat=True).first() or ""
    )


def item_count(owner: Owner | None) -> int:
    """Units in the cart, for the header: kept in the cache per owner (``counts``)."""
    if owner is None:
        return 0
    return counts.cached(
        owner, lambda: _lines_of(owner).aggregate(total=Sum("quantity"))["total"] or 0
    )
