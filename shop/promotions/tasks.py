"""The promotions service's Celery tasks: periodic clean-ups (scheduled in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import giftcards, vouchers


@shared_task(name="promotions.release_expired_voucher_uses")
def release_expired_voucher_uses() -> int:
    """
    Periodic: close held voucher uses and gift card holds past their expiry;
    returns how many.
    """
    return vouchers.release_expired_voucher_uses() + giftcards.release_expired_gift_card_holds()
