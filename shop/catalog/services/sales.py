"""
Keeping catalog's read model of promotions' sales: the definitions as
announced (``Sale``) and, per variant they cover, the sale price
(``VariantSalePrice``). A sale covers its listed products and the products of
its listed categories and every category below them.

Rows are recomputed when a sale is announced or removed (the consumers in
``tasks``), when a variant is added or its price changes, when a product
moves to another category and when a category moves in the tree
(``signals``). A sale that has ended gets no rows. Every change bumps the
catalog version, so cached pages show it on the next request, and refreshes
the listing columns of the products it touched (``listing``).
"""

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from shop.promotions.events import SaleChanged, SaleRemoved

from .. import selectors
from ..cache import catalog_changed
from ..db import db
from ..models import Sale, Variant, VariantSalePrice
from ..sale_prices import reduced_price
from . import listing


def record_sale(event: SaleChanged) -> None:
    """Keep the announced definition (unless a newer one is known) and price its variants."""
    with db.atomic():
        known = Sale.objects.select_for_update().filter(sale_id=event.sale_id).first()
        if known is not None and known.revision >= event.revision:
            return
        sale, _ = Sale.objects.update_or_create(
            sale_id=event.sale_id,
            defaults={
                "revision": event.revision,
                "name": event.sale_name,
                "kind": event.kind,
                "value": event.value,
                "product_ids": list(event.product_ids),
                "category_ids": list(event.category_ids),
                "starts_at": event.starts_at,
                "ends_at": event.ends_at,
                "active": event.active,
                "removed": False,
            },
        )
        _reprice_sale(sale)


def forget_sale(event: SaleRemoved) -> None:
    """Drop the sale's prices; keep it marked removed so a late announcement stays ignored."""
    with db.atomic():
        known = Sale.objects.select_for_update().filter(sale_id=event.sale_id).first()
        if known is not None and known.revision >= event.revision:
            return
        Sale.objects.update_or_create(
            sale_id=event.sale_id,
            defaults={
                "revision": event.revision,
                "removed": True,
                "active": False,
                "name": known.name if known else "",
                "kind": known.kind if known else "",
                "value": known.value if known else 0,
                "starts_at": known.starts_at if known else timezone.now(),
            },
        )
        rows = VariantSalePrice.objects.filter(sale_id=event.sale_id)
        touched = set(rows.values_list("variant__product_id", flat=True))
        rows.delete()
        listing.refresh(touched)
        catalog_changed()


def reprice_variants(variant_ids: Iterable[int]) -> None:
    """Recompute the rows of these variants against every sale still to run (one query if none)."""
    ids = list(variant_ids)
    if not ids:
        return
    sales = list(_live_sales())
    if not sales:
        return  # rows left of ended sales never count again
    with db.atomic(), listing.deferred():
        listing.refresh_variants(ids)
        VariantSalePrice.objects.filter(variant_id__in=ids).delete()
        covered = _covering(sales)
        rows = [
            _row(sale, variant)
            for variant in Variant.objects.filter(pk__in=ids, gift_card=False).select_related(
                "product"
            )
            for sale in sales
            if covered[sale.sale_id](variant.product_id, variant.product.category_id)
        ]
        VariantSalePrice.objects.bulk_create(rows)
        catalog_changed()


def reprice_product(product_id: int) -> None:
    reprice_variants(Variant.objects.filter(product_id=product_id).values_list("pk", flat=True))


def reprice_all() -> None:
    """
    Every sale afresh: the category tree changed, or variants were written in
    bulk. The listing columns of every product a sale covered or covers now
    are refreshed; the others' prices did not change.
    """
    with db.atomic():
        rows = VariantSalePrice.objects.all()
        touched = set(rows.values_list("variant__product_id", flat=True).distinct())
        rows.delete()
        for sale in _live_sales():
            _reprice_sale(sale, changed=False, refresh=False)
        touched.update(rows.values_list("variant__product_id", flat=True).distinct())
        listing.refresh(touched)
        catalog_changed()


def _now():
    return timezone.now()


def _live_sales():
    return Sale.objects.filter(active=True, removed=False).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=_now())
    )


def _covering(sales: list[Sale]) -> dict:
    """Per sale, a test ``(product_id, category_id) -> bool`` (one query for the tree)."""
    tree = selectors.category_tree()
    tests = {}
    for sale in sales:
        products = set(sale.product_ids)
        categories = _with_descendants(tree, sale.category_ids)
        tests[sale.sale_id] = lambda product, category, p=products, c=categories: (
            product in p or category in c
        )
    return tests


def _with_descendants(tree, category_ids) -> set[int]:
    wanted, found = set(category_ids), set()

    def walk(nodes):
        for node in nodes:
            if node.id in wanted:
                found.update(node.descendant_ids())
            else:
                walk(node.children)

    walk(tree)
    return found


def _row(sale: Sale, variant: Variant) -> VariantSalePrice:
    return VariantSalePrice(
        variant=variant,
        sale_id=sale.sale_id,
        sale_name=sale.name,
        price=reduced_price(variant.price, sale.kind, sale.value),
        starts_at=sale.starts_at,
        ends_at=sale.ends_at,
    )


def _reprice_sale(sale: Sale, changed: bool = True, refresh: bool = True) -> None:
    old = VariantSalePrice.objects.filter(sale_id=sale.sale_id)
    touched = set(old.values_list("variant__product_id", flat=True)) if refresh else set()
    old.delete()
    if sale.active and not sale.removed and (sale.ends_at is None or sale.ends_at > _now()):
        categories = _with_descendants(selectors.category_tree(), sale.category_ids)
        # A gift card is worth what is paid for it: a sale would sell money at a discount.
        variants = list(
            Variant.objects.filter(
                Q(product_id__in=sale.product_ids) | Q(product__category_id__in=categories)
            )
            .filter(gift_card=False)
            .only("pk", "price", "product")
        )
        rows = [_row(sale, variant) for variant in variants]
        VariantSalePrice.objects.bulk_create(rows, batch_size=2000)
        touched.update(variant.product_id for variant in variants)
    if refresh:
        listing.refresh(touched)
    if changed:
        catalog_changed()
