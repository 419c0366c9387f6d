"""
Who a checkout or order is for when the buyer has no account (decision 0023).

A guest's checkout names the anonymous cart (``cart_key``) and the email the
confirmation goes to; its order is reached through a link that carries its
own key, an HMAC of the order number with the site's ``SECRET_KEY`` (salted
for this use), so the link is the permission and a wrong key is a 404 like a
missing order. The checkout's status page after paying is reached the same
way, keyed by the checkout id, so it works without the session.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

ORDER_SALT = "shop.orders.guest-order"
CHECKOUT_SALT = "shop.orders.guest-checkout"


@dataclass(frozen=True)
class Guest:
    """A buyer without an account: their anonymous cart's key and their email."""

    cart_key: str
    email: str


def _key(salt: str, value: str) -> str:
    return salted_hmac(salt, str(value), algorithm="sha256").hexdigest()[:32]


def order_key(number: str) -> str:
    """The key of a guest order's link (32 hex characters)."""
    return _key(ORDER_SALT, number)


def checkout_key(checkout_id) -> str:
    """The key of a guest checkout's status page."""
    return _key(CHECKOUT_SALT, checkout_id)


def order_key_matches(number: str, key: str) -> bool:
    return isinstance(key, str) and constant_time_compare(order_key(number), key)


def checkout_key_matches(checkout_id, key: str) -> bool:
    return isinstance(key, str) and constant_time_compare(checkout_key(checkout_id), key)


def order_path(number: str) -> str:
    return reverse("orders:guest-detail", args=[number, order_key(number)])


def order_link(number: str) -> str:
    """The absolute link a guest's emails carry to their order."""
    return settings.SHOP_URL.rstrip("/") + order_path(number)


def checkout_path(checkout_id) -> str:
    return reverse("orders:guest-checkout-status", args=[checkout_id, checkout_key(checkout_id)])
