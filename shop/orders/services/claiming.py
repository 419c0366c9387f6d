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

from ..db import db
from ..models import Checkout, GuestClaim, Order


def claim_guest_orders(user_id: int, email: str) -> int:
    """Give ``user_id`` the guest orders and checkouts of ``email``; returns how many orders."""
    email = (email or "").strip().lower()
    if not email:
        return 0
    with db.atomic():
        GuestClaim.objects.update_or_create(email=email, defaults={"user_id": user_id})
        claimed = Order.objects.filter(user_id=None, email__iexact=email).update(user_id=user_id)
        Checkout.objects.filter(user_id=None, email__iexact=email).exclude(
            status=Checkout.Status.AWAITING_PAYMENT
        ).update(user_id=user_id)
    return claimed


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
