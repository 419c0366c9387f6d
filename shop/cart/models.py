"""
The cart service's data: a cart of ``(sku, quantity)`` lines.

A cart belongs to a user (``user_id``, one cart each) or to an anonymous
visitor, who holds its ``token``: the browser keeps it in the session, an
API client in the ``X-Cart-Token`` header. Prices and names are not stored:
they are read from the catalog whenever the cart is shown. The only price kept
is the one the customer saw when adding the line, so the cart can say when it
changed.
"""

import uuid

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shop.core.models import BaseInboxMessage, BaseOutboxMessage


class OutboxMessage(BaseOutboxMessage):
    """Events the cart service publishes, written in the transaction that makes the change."""


class InboxMessage(BaseInboxMessage):
    """Events the cart service's consumers have already acted on."""


class Cart(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user_id = models.PositiveBigIntegerField(null=True, blank=True, unique=True)
    token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Any change to the cart or its lines touches it; the clean-up of
    # abandoned anonymous carts goes by it.
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The voucher code the customer entered (promotions prices it each time
    # the cart is shown; the checkout holds it); "" for none.
    voucher_code = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(user_id__isnull=False) | Q(token__isnull=False),
                name="cart_cart_has_owner",
            ),
        ]

    def __str__(self):
        return f"Cart of user {self.user_id}" if self.user_id else f"Anonymous cart {self.pk}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField("SKU", max_length=64)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    # The unit price the customer was shown when they last set this line.
    price_seen = models.DecimalField(max_digits=12, decimal_places=2)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "sku"], name="cart_line_one_per_sku"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_line_quantity_gte_1"),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.sku}"


class MergedCart(models.Model):
    """
    An anonymous cart merged into ``user_id``'s at sign-in. A guest checkout
    started from it names the anonymous cart; when its order is placed, what
    was bought is taken out of the account's cart it went into.
    """

    token = models.CharField(max_length=64, unique=True)
    user_id = models.PositiveBigIntegerField(db_index=True)
    merged_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"Anonymous cart merged into user {self.user_id}'s"


class Clearance(models.Model):
    """
    A cart cleared for an order, by key: clearing again with the same key
    (a redelivered event) does nothing, even if the customer has since added
    more to the cart.
    """

    key = models.CharField(max_length=100, unique=True)
    cart_id = models.UUIDField(null=True)
    cleared_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return self.key
