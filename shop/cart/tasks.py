"""The cart's Celery tasks: the clean-up of abandoned carts and the reaction to deleted accounts."""

from celery import shared_task

from shop.accounts.events import UserDeleted
from shop.core.messaging import consumer

from . import services


@shared_task(name="cart.delete_abandoned_carts")
def delete_abandoned_carts() -> int:
    """Periodic: anonymous carts nobody touched for CART_ANONYMOUS_MAX_AGE_DAYS."""
    return services.delete_abandoned_carts()


@consumer(UserDeleted, name="cart.forget_customer")
def forget_customer(event: UserDeleted) -> None:
    """What a deleted customer meant to buy is personal data too."""
    services.delete_user_cart(event.user_id)
