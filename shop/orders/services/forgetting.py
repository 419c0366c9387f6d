"""
Forgetting a customer who deleted their account (``accounts.UserDeleted``):
their orders and checkouts lose email, names, address and phone; amounts,
SKUs, dates and the country stay for the books. A checkout still waiting for
payment gives its stock back and its payment page is closed, since nobody
could receive the order. The customer is remembered as forgotten, so an order
placed afterwards from one of their checkouts (events arrive in any order)
is anonymised as it is created.
"""

from django.utils import timezone

from shop.accounts import public as accounts

from ..actors import GUEST, customer
from ..checkout import holds
from ..db import db
from ..models import Checkout, ForgottenCustomer, GuestClaim, Order


def _anonymous_address(address) -> dict:
    """The address with only the country left (what the books need for tax)."""
    if not isinstance(address, dict):
        return {}
    return {key: (value if key == "country" else "") for key, value in address.items()}


def _anonymise_order(order: Order, when) -> None:
    order.email = accounts.deleted_user_email(order.user_id)
    order.shipping_address = _anonymous_address(order.shipping_address)
    order.anonymised_at = when
    order.save(update_fields=["email", "shipping_address", "anonymised_at", "updated_at"])
    order.status_changes.filter(actor__in=[customer(order.user_id), GUEST]).update(note="")
    order.refund_requests.filter(actor=customer(order.user_id)).update(reason="")


def anonymise_if_forgotten(order: Order) -> None:
    """Anonymise a new order at once if its customer was forgotten before it was placed."""
    forgotten = ForgottenCustomer.objects.filter(user_id=order.user_id).first()
    if forgotten is not None:
        _anonymise_order(order, forgotten.deleted_at)


def is_forgotten(user_id: int) -> bool:
    """The customer deleted their account (``accounts.UserDeleted`` was handled)."""
    return ForgottenCustomer.objects.filter(user_id=user_id).exists()


def forget_customer(user_id: int, deleted_at) -> int:
    """
    Anonymise the orders and checkouts of a deleted user and end their
    checkouts awaiting payment; returns how many orders changed.
    """
    with db.atomic():
        ForgottenCustomer.objects.get_or_create(
            user_id=user_id, defaults={"deleted_at": deleted_at}
        )
        # The addresses it claimed: later guest orders with them stay guests'.
        GuestClaim.objects.filter(user_id=user_id).delete()
        now = timezone.now()
        orders = Order.objects.select_for_update().filter(user_id=user_id, anonymised_at=None)
        count = 0
        for order in orders:
            _anonymise_order(order, now)
            count += 1
        checkouts = list(Checkout.objects.select_for_update().filter(user_id=user_id))
        for checkout in checkouts:
            checkout.email = accounts.deleted_user_email(user_id)
            checkout.shipping_address = _anonymous_address(checkout.shipping_address)
            checkout.updated_at = now
            if checkout.status == Checkout.Status.AWAITING_PAYMENT:
                holds.give_up(checkout, "The customer deleted their account.", save=False)
        Checkout.objects.bulk_update(
            checkouts, ["email", "shipping_address", "status", "failure_reason", "updated_at"]
        )
    return count
