"""
Guest orders join an account (``accounts.EmailConfirmed``, decision 0023):
once someone confirms an email address (or signs in with one already
confirmed), the orders and finished checkouts a guest made with that address
(case-insensitive) and no account get their ``user_id``. Idempotent: a second
event claims nothing more.

Never on an address that was not confirmed: the event is only published for
one. A checkout still awaiting payment keeps its guest form (it holds stock
under its cart, and the account may hold a checkout of its own); the claim is
remembered (``GuestClaim``) and the order placed from it later belongs to the
account at once. A deleted account's claims are forgotten with it
(``forgetting``).
"""

from django.utils import timezone

from ..actors import SYSTEM
from ..db import db
from ..models import Checkout, GuestClaim, Order, OrderStatusChange


def claim_guest_orders(user_id: int, email: str) -> int:
    """
    Give ``user_id`` the guest orders and checkouts of ``email``; returns how
    many orders. Each order's history notes it for staff (``internal``).
    """
    email = (email or "").strip().lower()
    if not email:
        return 0
    with db.atomic():
        GuestClaim.objects.update_or_create(email=email, defaults={"user_id": user_id})
        orders = list(Order.objects.select_for_update().filter(user_id=None, email__iexact=email))
        now = timezone.now()
        for order in orders:
            order.user_id, order.updated_at = user_id, now
        Order.objects.bulk_update(orders, ["user_id", "updated_at"])
        OrderStatusChange.objects.bulk_create(
            OrderStatusChange(
                order=order,
                from_status=order.status,
                to_status=order.status,
                actor=SYSTEM,
                note=f"Bought as a guest; joined account {user_id}, which confirmed {email}.",
                internal=True,
            )
            for order in orders
        )
        Checkout.objects.filter(user_id=None, email__iexact=email).exclude(
            status=Checkout.Status.AWAITING_PAYMENT
        ).update(user_id=user_id, updated_at=now)
    return len(orders)


def claim_for_claimed_email(checkout: Checkout) -> None:
    """
    A guest checkout being completed whose email an account claimed meanwhile
    belongs to that account (set on ``checkout``; the caller saves it).
    """
    if checkout.user_id is not None:
        return
    claim = GuestClaim.objects.filter(email=checkout.email.strip().lower()).first()
    if claim is not None:
        checkout.user_id = claim.user_id
