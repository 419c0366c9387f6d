"""The catalog's Celery tasks: periodic clean-ups (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import reservations


@shared_task(name="catalog.release_expired_reservations")
def release_expired_reservations() -> int:
    """Periodic: close reservations past their expiry; returns how many."""
    return reservations.release_expired_reservations()
