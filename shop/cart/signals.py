"""
The login merge. The cart listens to Django's ``user_logged_in`` signal (it
never imports accounts): whatever an anonymous visitor put in their cart is
added to their own cart when they sign in, in the browser or through the
headless API (which may send the anonymous cart's ``X-Cart-Token``).
"""

import logging

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .errors import InvalidCartToken
from .owners import SESSION_KEY, TOKEN_HEADER
from .services import merge_anonymous_cart
from .tokens import token_key

logger = logging.getLogger(__name__)


@receiver(user_logged_in, dispatch_uid="cart.merge_anonymous_cart")
def merge_anonymous_cart_at_login(sender, request, user, **kwargs):
    if request is None:
        return
    session = getattr(request, "session", None)
    candidates = [
        session.pop(SESSION_KEY, None) if session is not None else None,
        request.headers.get(TOKEN_HEADER),
    ]
    capped = []
    for signed in filter(None, candidates):
        try:
            key = token_key(signed)
        except InvalidCartToken:
            continue
        capped += merge_anonymous_cart(key, user.pk)
    if capped:
        skus = ", ".join(line.sku for line in capped)
        logger.info("Cart merge for user %s capped lines %s", user.pk, skus)
        messages.warning(
            request,
            "Your cart was added to the one you had saved. Some quantities were lowered "
            f"to what is in stock ({skus}).",
            fail_silently=True,
        )
