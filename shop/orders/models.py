"""
The orders service's data: checkouts (a purchase in progress, frozen at the
moment the customer commits to it) and orders (what was bought and paid).

Other apps' things are referenced by their stable identifiers (``user_id``,
``sku``, the payment's id), never by foreign keys.
"""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shop.core.models import BaseInboxMessage, BaseOutboxMessage

MONEY = {"max_digits": 12, "decimal_places": 2}


class OutboxMessage(BaseOutboxMessage):
    """Events the orders service publishes, written in the transaction that makes the change."""


class InboxMessage(BaseInboxMessage):
    """Events the orders service's consumers have already acted on."""


class TaxedTotals(models.Model):
    """
    The tax a checkout froze and its order keeps (decision 0021): the country it
    was taxed for, whether catalog prices were gross, the shipping line, and the
    totals per rate (``[{"rate", "net", "tax", "gross"}]``, amounts as strings).
    ``subtotal``, ``shipping_cost`` and ``total`` are gross: what the customer pays.
    """

    tax_country = models.CharField(max_length=2, blank=True)
    prices_include_tax = models.BooleanField(default=True)
    shipping_tax_rate = models.DecimalField(
        "shipping tax rate (%)", max_digits=5, decimal_places=2, default=0
    )
    shipping_net = models.DecimalField(**MONEY, default=0)
    shipping_tax = models.DecimalField(**MONEY, default=0)
    net_total = models.DecimalField(**MONEY, default=0)
    tax_total = models.DecimalField(**MONEY, default=0)
    tax_totals = models.JSONField(default=list, blank=True)
    # The voucher the customer used (issue 17, decision 0028): its code, what it
    # took off in all (lines and shipping) and off shipping; the lines' share
    # is on each line (``discount``), already off their net, tax and gross.
    voucher_code = models.CharField(max_length=40, blank=True)
    discount_total = models.DecimalField(**MONEY, default=0)
    shipping_discount = models.DecimalField(**MONEY, default=0)
    # The gift card that paid part or all of ``total`` (decision 0030): a means
    # of payment, after tax. Only the code's last four characters are kept.
    gift_card_code = models.CharField(max_length=8, blank=True)
    gift_card_amount = models.DecimalField(**MONEY, default=0)

    class Meta:
        abstract = True

    @property
    def card_payment(self) -> Decimal:
        """What the payment provider was asked for: the total less the gift card's part."""
        return self.total - self.gift_card_amount

    @property
    def rate_totals(self) -> list[dict]:
        """The totals per rate, highest first, as ``Decimal``s (the API, exports)."""
        return [{key: Decimal(value) for key, value in row.items()} for row in self.tax_totals]

    @property
    def tax_breakdown(self) -> list[dict]:
        """The totals of the taxed rates (pages, emails)."""
        return [row for row in self.rate_totals if row["rate"]]

    @property
    def untaxed(self) -> bool:
        """Shipped outside the tax zone: no tax charged (gross prices dropped to their net)."""
        return bool(self.tax_country) and not self.tax_total and not self.tax_breakdown


class Checkout(TaxedTotals, models.Model):
    """
    One attempt to buy the cart: lines, prices, address and totals frozen when
    it starts, stock reserved under ``reservation_key`` until ``expires_at``,
    and one payment. It ends ``completed`` (an order exists), ``failed``
    (payment declined) or ``expired`` (nobody paid in time).
    """

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Empty for a guest (decision 0023) until a confirmed address claims it.
    user_id = models.PositiveBigIntegerField(db_index=True, null=True, blank=True)
    # A guest's anonymous cart (the key the cart stores, never its signed token).
    cart_key = models.CharField(max_length=64, blank=True, db_index=True)
    email = models.EmailField(max_length=254)
    # The client's Idempotency-Key: the same key from the same buyer is the same checkout.
    idempotency_key = models.CharField(max_length=255, blank=True)
    # What the key was used for: the same key with another request is refused.
    request_fingerprint = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.AWAITING_PAYMENT)
    failure_reason = models.CharField(max_length=200, blank=True)
    shipping_method = models.CharField(max_length=20)
    # The method's name and carrier as offered when the checkout started (shop/shipping).
    shipping_method_name = models.CharField(max_length=100, blank=True)
    shipping_carrier = models.CharField(
        max_length=50, blank=True, help_text="Of SHIPPING_CARRIERS; empty: ORDERS_CARRIER."
    )
    shipping_address = models.JSONField(help_text="Snapshot of the address the order ships to.")
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(**MONEY)
    shipping_cost = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    reservation_key = models.CharField(max_length=100, unique=True)
    payment_id = models.CharField(max_length=64, blank=True)
    payment_provider = models.CharField(max_length=20, blank=True)
    payment_redirect_url = models.URLField(max_length=2000, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="orders_checkout_idempotency_key",
            ),
            # One checkout per customer holds stock (checkout/starting.py, decision 0015).
            models.UniqueConstraint(
                fields=["user_id"],
                condition=Q(status="awaiting_payment"),
                name="orders_checkout_one_awaiting",
            ),
            # The same for a guest, by their cart (decision 0023).
            models.UniqueConstraint(
                fields=["cart_key", "idempotency_key"],
                condition=~Q(idempotency_key="") & ~Q(cart_key=""),
                name="orders_checkout_guest_idempotency_key",
            ),
            models.UniqueConstraint(
                fields=["cart_key"],
                condition=Q(status="awaiting_payment") & ~Q(cart_key=""),
                name="orders_checkout_one_awaiting_per_cart",
            ),
        ]
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=Q(status="awaiting_payment"),
                name="orders_checkout_awaiting",
            ),
        ]

    def __str__(self):
        return f"Checkout {self.id}"


class PurchasedLine(models.Model):
    """
    A SKU bought, as the customer saw it when the checkout was started:
    ``variant_name`` holds the option values ("M / Blue"), empty for a
    product without options.
    """

    sku = models.CharField("SKU", max_length=64)
    product_name = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=200, blank=True)
    unit_price = models.DecimalField(**MONEY)
    quantity = models.PositiveIntegerField()
    # The line taxed by the taxes service when the checkout started (decision 0021):
    # net + tax == gross, the line's total as the customer pays it.
    tax_class = models.CharField(max_length=20, default="standard")
    tax_rate = models.DecimalField("tax rate (%)", max_digits=5, decimal_places=2, default=0)
    net = models.DecimalField(**MONEY, default=0)
    tax = models.DecimalField(**MONEY, default=0)
    gross = models.DecimalField(**MONEY, default=0)
    # What the voucher took off the line before tax (net, tax and gross are after it).
    discount = models.DecimalField(**MONEY, default=0)
    # A gift card bought (decision 0030): one card per unit, issued when the order is placed.
    gift_card = models.BooleanField(default=False)
    # While a sale lowered unit_price (decision 0029): what a unit cost without it, and
    # the sale's name, so the order says "Winter sale: was €89.00" after the sale ends.
    regular_price = models.DecimalField(**MONEY, null=True, blank=True)
    sale_name = models.CharField(max_length=80, blank=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self):
        return f"{self.quantity} \N{MULTIPLICATION SIGN} {self.sku}"

    @property
    def name(self) -> str:
        """ "Tee — M / Blue", or the product name alone."""
        if not self.variant_name:
            return self.product_name
        return f"{self.product_name} \N{EM DASH} {self.variant_name}"

    @property
    def line_total(self):
        """What the customer pays for the line: its gross (the net outside the tax zone)."""
        if self.gross or self.net:
            return self.gross
        return self.unit_price * self.quantity  # a line nobody taxed (tests' factories)

    @property
    def on_sale(self) -> bool:
        return bool(self.sale_name) and self.regular_price is not None


class CheckoutLine(PurchasedLine):
    checkout = models.ForeignKey(Checkout, on_delete=models.CASCADE, related_name="lines")

    class Meta(PurchasedLine.Meta):
        constraints = [
            models.UniqueConstraint(fields=["checkout", "sku"], name="orders_checkoutline_sku"),
        ]


# --- Orders (below: Order, OrderLine, OrderStatusChange, Shipment, ...) ------


class Order(TaxedTotals, models.Model):
    """
    What a customer bought and paid for: a snapshot of the checkout's lines,
    address and totals that no later price or address change touches. The
    one-to-one link to the checkout is the database's guarantee of exactly one
    order per checkout, however often the payment is reported.

    ``payment_reference`` is what payments knows the payment by (the
    checkout's id); ``refunded_amount`` is the payment's refunded total as
    payments last reported it.
    """

    class Status(models.TextChoices):
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    number = models.CharField(max_length=20, unique=True)
    checkout = models.OneToOneField(Checkout, on_delete=models.PROTECT, related_name="order")
    # Empty for a guest's order until a confirmed address claims it (decision 0023).
    user_id = models.PositiveBigIntegerField(null=True, blank=True)
    email = models.EmailField(max_length=254)
    status = models.CharField(max_length=20, choices=Status, default=Status.PAID)
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(**MONEY)
    shipping_cost = models.DecimalField(**MONEY)
    total = models.DecimalField(**MONEY)
    refunded_amount = models.DecimalField(**MONEY, default=0)
    # Of ``refunded_amount``, what went back on the gift card that paid (decision 0030).
    gift_card_refunded = models.DecimalField(**MONEY, default=0)
    shipping_method = models.CharField(max_length=20)
    # The method's name and carrier as offered when the checkout started (shop/shipping).
    shipping_method_name = models.CharField(max_length=100, blank=True)
    shipping_carrier = models.CharField(
        max_length=50, blank=True, help_text="Of SHIPPING_CARRIERS; empty: ORDERS_CARRIER."
    )
    shipping_address = models.JSONField(help_text="Snapshot of the address the order ships to.")
    payment_reference = models.CharField(max_length=64, unique=True)
    placed_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["user_id", "-placed_at"], name="orders_order_history"),
            models.Index(fields=["status", "-placed_at"], name="orders_order_status"),
        ]

    def __str__(self):
        return f"Order {self.number}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("orders:detail", args=[self.number])

    @property
    def is_guest(self) -> bool:
        """Bought without an account and not claimed by one (yet)."""
        return self.user_id is None

    @property
    def fully_refunded(self) -> bool:
        return self.refunded_amount >= self.total


class OrderLine(PurchasedLine):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField("SKU", max_length=64, db_index=True)
    # Units given back by refunds of items (``refunds.refund_lines``), never above ``quantity``.
    refunded_quantity = models.PositiveIntegerField(default=0)

    class Meta(PurchasedLine.Meta):
        constraints = [
            models.UniqueConstraint(fields=["order", "sku"], name="orders_orderline_sku"),
        ]


class OrderStatusChange(models.Model):
    """
    One entry of an order's history: a status transition (``from_status`` is
    empty for the order being placed), or a note that left the status as it
    was (``from_status == to_status``: a refund requested or received).
    ``actor`` is "customer:<user id>", "staff:<user id>" or "system";
    ``internal`` entries are not shown to the customer.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Order.Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Order.Status)
    at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=50)
    note = models.CharField(max_length=500, blank=True)
    internal = models.BooleanField(default=False, help_text="Shown to staff only.")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "status change"

    def __str__(self):
        return f"{self.order_id}: {self.from_status or '-'} → {self.to_status}"

    @property
    def is_transition(self) -> bool:
        return self.from_status != self.to_status


class Shipment(models.Model):
    """
    The parcel the carrier was asked to deliver: one per order (booking twice
    finds this one). Cancelling an unshipped order sets ``cancelled_at``.
    """

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="shipment")
    carrier = models.CharField(max_length=50)
    tracking_number = models.CharField(max_length=100)
    tracking_url = models.URLField(max_length=500, blank=True)
    booked_at = models.DateTimeField(default=timezone.now)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.carrier} {self.tracking_number}"


class RefundRequest(models.Model):
    """
    A refund orders asked payments for, under ``key`` (the same key never
    refunds twice). What actually went back is reported by
    ``payments.PaymentRefunded`` and lands in ``Order.refunded_amount``; a
    refund the gateway refused stays ``failed`` here for staff to act on.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="refund_requests")
    key = models.CharField(max_length=150, unique=True)
    amount = models.DecimalField(
        **MONEY, null=True, blank=True, help_text="Empty: all that was left."
    )
    # The tax inside what this refund gives back (its share of the order's tax).
    tax = models.DecimalField(**MONEY, null=True, blank=True)
    refund_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=20, blank=True, help_text="pending, succeeded or failed, as payments says."
    )
    actor = models.CharField(max_length=50)
    reason = models.CharField(max_length=255, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    # Put back on the gift card that paid (decision 0030), not through payments.
    to_gift_card = models.BooleanField(default=False)
    # A refund of items (``refunds.refund_lines``): the units given back,
    # [{"line": id, "sku", "name", "quantity", "rate"}], and this request's gross and
    # tax per rate, [{"rate", "gross", "tax"}] (empty: shared by the order's rates).
    lines = models.JSONField(default=list, blank=True)
    rates = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self):
        return self.key


class BoughtGiftCard(models.Model):
    """
    A gift card bought on the order (decision 0030): one per unit of a gift
    card line, issued by promotions under ``key``
    (``order:<number>:<line id>:<unit>``) for what that unit cost. ``code``
    is the card's code in full: the buyer's, shown on their order page and in
    their email only (the admin masks it). ``voided_at``: refunded or
    cancelled, ``voided_amount`` taken off the card then.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="gift_cards")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="gift_cards")
    unit = models.PositiveIntegerField()
    key = models.CharField(max_length=100, unique=True)
    code = models.CharField(max_length=19)
    amount = models.DecimalField(**MONEY)
    issued_at = models.DateTimeField(default=timezone.now)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_amount = models.DecimalField(**MONEY, null=True, blank=True)

    class Meta:
        ordering = ["line_id", "unit"]
        verbose_name = "gift card bought"
        verbose_name_plural = "gift cards bought"

    def __str__(self):
        return self.masked_code

    @property
    def masked_code(self) -> str:
        return f"••••{self.code[-4:]}"


class SentEmail(models.Model):
    """
    Each customer email is claimed here under a key ("placed:<number>",
    "refunded:<number>:<refund id>", "checkout-refunded:<checkout id>") in the
    transaction that sends it, so a redelivered or repeated event never mails
    the customer twice. It belongs to the order it is about, or to the
    checkout when no order came of it (a late payment refunded).
    """

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="emails", null=True, blank=True
    )
    checkout = models.ForeignKey(
        Checkout, on_delete=models.CASCADE, related_name="emails", null=True, blank=True
    )
    key = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = "sent email"
        constraints = [
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(checkout__isnull=False),
                name="orders_sentemail_about_something",
            ),
        ]

    def __str__(self):
        return self.key


class GuestClaim(models.Model):
    """
    A confirmed email address and the account that confirmed it
    (``accounts.EmailConfirmed``): guest orders and checkouts with that
    address belong to ``user_id``, including an order placed after the claim
    from a checkout that was still awaiting payment then.
    """

    email = models.EmailField(max_length=254, unique=True, help_text="Lower case.")
    user_id = models.PositiveBigIntegerField()
    claimed_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.email} → user {self.user_id}"


class ForgottenCustomer(models.Model):
    """
    A user who deleted their account (``accounts.UserDeleted``): their orders
    and checkouts are anonymised, and so is an order placed afterwards from a
    checkout they started before (events arrive in any order).
    """

    user_id = models.PositiveBigIntegerField(unique=True)
    deleted_at = models.DateTimeField()

    def __str__(self):
        return f"user {self.user_id}"
