"""
Row locks on variants. Every writer takes them in primary-key order (after
the reservation's row, when there is one), so two writers with overlapping
SKUs queue up instead of deadlocking.
"""

from collections.abc import Iterable

from ..errors import VariantNotFound
from ..models import Variant


def lock_variants(skus: Iterable[str]) -> None:
    """
    Lock the variants with these SKUs in primary-key order, the order every
    stock change takes them in, so a batch of changes cannot deadlock with
    checkouts or with another batch.
    """
    list(Variant.objects.select_for_update().filter(sku__in=list(skus)).order_by("pk").values("pk"))


def locked_variants(skus: Iterable[str]) -> list[Variant]:
    """The variants with these SKUs, locked in primary-key order; unknown SKUs are absent."""
    return list(Variant.objects.select_for_update().filter(sku__in=list(skus)).order_by("pk"))


def locked_variant(sku: str) -> Variant:
    """The variant ``sku``, locked; raises ``VariantNotFound``."""
    try:
        return Variant.objects.select_for_update().get(sku=sku)
    except Variant.DoesNotExist:
        raise VariantNotFound(f"No product variant has the SKU {sku!r}.", sku=sku) from None
