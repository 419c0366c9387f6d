"""
Model signal receivers: whatever saves a catalog model (the admin, an import,
a service) invalidates the cached pages, announces price and availability
changes to the other apps (and every change staff make to a product, and
stock on hand lowered across the low-stock threshold:
``services.announcements``), reprices the sales a variant is in when its
price, its product's category or the category tree changes
(``services.sales``), and refreshes the listing columns of a saved or
deleted variant's product (``services.listing``).

Changes are detected against the values the instance was loaded with
(``TracksLoadedValues``); a new instance announces nothing, and
``QuerySet.update()`` bypasses signals, so code that changes prices or active
flags in bulk must save instances or publish the events itself.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shop.core.messaging import publish

from .cache import catalog_changed
from .db import db
from .events import ProductAvailabilityChanged, VariantPriceChanged
from .models import Category, Product, ProductImage, Variant
from .services import announcements, listing, sales

_UNKNOWN = object()


@receiver(post_save, sender=Category)
@receiver(post_delete, sender=Category)
@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
@receiver(post_save, sender=Variant)
@receiver(post_delete, sender=Variant)
@receiver(post_save, sender=ProductImage)
@receiver(post_delete, sender=ProductImage)
def invalidate_cached_pages(sender, **kwargs):
    catalog_changed()


def _changed(instance, field: str) -> bool:
    before = instance.loaded_values.get(field, _UNKNOWN)
    return before is not _UNKNOWN and before != getattr(instance, field)


def _saved_fields(instance, update_fields) -> set[str]:
    return set(instance.tracked_fields if update_fields is None else update_fields)


def _remember_saved(instance, saved: set[str]) -> None:
    """What was just saved is what the next save compares against."""
    if hasattr(instance, "_loaded_values"):
        instance._loaded_values.update(
            {name: getattr(instance, name) for name in saved if name in instance.tracked_fields}
        )
    else:
        instance.remember_loaded_values()


def _publish(*events) -> None:
    """
    Record the events in the transaction of the save (admin, services and
    imports save inside one); a bare save commits first, then announces.
    """
    if events:
        with db.atomic():
            for event in events:
                publish(event)


def _variant_events(instance: Variant, saved: set[str]):
    if any(name in saved and _changed(instance, name) for name in ("price", "compare_at_price")):
        yield VariantPriceChanged(
            sku=instance.sku,
            price=instance.price,
            previous_price=instance.loaded_values["price"],
            compare_at_price=instance.compare_at_price,
        )
    if "is_active" in saved and _changed(instance, "is_active"):
        product = Product.objects.filter(pk=instance.product_id, is_active=True).first()
        if product is not None:
            yield ProductAvailabilityChanged(
                product_slug=product.slug, skus=(instance.sku,), is_active=instance.is_active
            )


def _announce_stock_fall(instance: Variant, saved: set[str]) -> None:
    """A variant for sale as loaded whose stock on hand went down (``StockLow``)."""
    loaded = instance.loaded_values
    if "stock_on_hand" in saved and "stock_on_hand" in loaded and loaded.get("is_active", True):
        announcements.stock_lowered(instance.pk, loaded["stock_on_hand"], instance.stock_on_hand)


@receiver(post_save, sender=Variant)
def announce_variant_changes(sender, instance: Variant, created, raw, update_fields, **kwargs):
    saved = _saved_fields(instance, update_fields)
    if not created and not raw:
        _publish(*_variant_events(instance, saved))
        _announce_stock_fall(instance, saved)
    repriced = any(name in saved and _changed(instance, name) for name in ("price", "gift_card"))
    if not raw:
        with listing.deferred():
            if created or repriced:
                sales.reprice_variants([instance.pk])
            listing.refresh([instance.product_id])
    _remember_saved(instance, saved)


@receiver(post_save, sender=Product)
def announce_product_changes(sender, instance: Product, created, raw, update_fields, **kwargs):
    saved = _saved_fields(instance, update_fields)
    if "category" in saved:
        saved.add("category_id")
    if not created and not raw and "category_id" in saved and _changed(instance, "category_id"):
        sales.reprice_product(instance.pk)
    if not created and not raw and "is_active" in saved and _changed(instance, "is_active"):
        skus = tuple(instance.variants.filter(is_active=True).values_list("sku", flat=True))
        if skus:
            _publish(
                ProductAvailabilityChanged(
                    product_slug=instance.slug, skus=skus, is_active=instance.is_active
                )
            )
    _remember_saved(instance, saved)


# A stock count or movement saves only this; it is no change to the product.
_STOCK_ONLY = frozenset({"stock_on_hand"})


@receiver(post_save, sender=Product)
@receiver(post_save, sender=Variant)
@receiver(post_delete, sender=Variant)
def announce_product_updated(
    sender, instance, raw=False, created=False, update_fields=None, **kwargs
):
    if raw or created or (update_fields is not None and set(update_fields) <= _STOCK_ONLY):
        return
    announcements.product_changed(instance.pk if sender is Product else instance.product_id)


@receiver(post_delete, sender=Variant)
def refresh_listing_of_deleted_variant(sender, instance: Variant, **kwargs):
    listing.refresh([instance.product_id])


@receiver(post_delete, sender=Variant)
def announce_variant_deleted(sender, instance: Variant, **kwargs):
    if not instance.is_active:
        return
    product = Product.objects.filter(pk=instance.product_id, is_active=True).first()
    if product is not None:
        _publish(
            ProductAvailabilityChanged(
                product_slug=product.slug, skus=(instance.sku,), is_active=False
            )
        )


@receiver(post_save, sender=Category)
def reprice_moved_category(sender, instance: Category, created, raw, update_fields, **kwargs):
    """A category moved in the tree: the sales on its old and new ancestors change hands."""
    saved = _saved_fields(instance, update_fields)
    if "parent" in saved:
        saved.add("parent_id")
    if not created and not raw and "parent_id" in saved and _changed(instance, "parent_id"):
        sales.reprice_all()
    _remember_saved(instance, saved)
