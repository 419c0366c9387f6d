"""
Announcing sales: every save or delete of a ``Sale`` (the admin, a shell, a
test) publishes the whole definition or its removal through promotions'
outbox, in the transaction of the change, so catalog's read model follows.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shop.core.messaging import publish

from .db import db
from .events import SaleChanged, SaleRemoved
from .models import Sale


def sale_changed(sale: Sale) -> SaleChanged:
    return SaleChanged(
        sale_id=sale.pk,
        revision=sale.revision,
        sale_name=sale.name,
        kind=sale.kind,
        value=sale.value,
        product_ids=tuple(sale.product_ids),
        category_ids=tuple(sale.category_ids),
        starts_at=sale.starts_at,
        ends_at=sale.ends_at,
        active=sale.active,
    )


@receiver(post_save, sender=Sale)
def announce_sale_saved(sender, instance: Sale, raw, **kwargs):
    if raw:
        return
    with db.atomic():
        publish(sale_changed(instance))


@receiver(post_delete, sender=Sale)
def announce_sale_removed(sender, instance: Sale, **kwargs):
    with db.atomic():
        # One above the last save: no SaleChanged of this sale can outrank it.
        publish(SaleRemoved(sale_id=instance.pk, revision=instance.revision + 1))
