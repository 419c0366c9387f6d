"""
The catalog's Celery tasks: periodic clean-ups (scheduled in CELERY_BEAT_SCHEDULE)
and the consumers that keep its read model of promotions' sales.
"""

from celery import shared_task

from shop.core.messaging import consumer
from shop.promotions.events import SaleChanged, SaleRemoved

from .services import listing, reservations, sales


@shared_task(name="catalog.release_expired_reservations")
def release_expired_reservations() -> int:
    """Periodic: close reservations past their expiry; returns how many."""
    return reservations.release_expired_reservations()


@shared_task(name="catalog.refresh_listing")
def refresh_listing() -> int:
    """
    Periodic: store again the listing prices a sale start or end overtook
    (listings are exact without it, and fast again after it); returns how many.
    """
    return listing.refresh_due()


@consumer(SaleChanged, name="catalog.record_sale")
def record_sale(event: SaleChanged) -> None:
    """A sale created or changed: the variants it covers are priced afresh."""
    sales.record_sale(event)


@consumer(SaleRemoved, name="catalog.forget_sale")
def forget_sale(event: SaleRemoved) -> None:
    """A sale deleted: its prices go."""
    sales.forget_sale(event)
