"""
The promotions service's data: vouchers and their uses, sales, and gift cards
with their ledgers. Products and categories are referred to by their catalog
ids, never by a key into catalog's tables; customers by a key string
(``customer_key``).
"""

from django.db import models
from django.db.models.functions import Upper

from shop.core.models import BaseInboxMessage, BaseOutboxMessage

MONEY = {"max_digits": 12, "decimal_places": 2}


class OutboxMessage(BaseOutboxMessage):
    """Events the promotions service publishes (a sale saved or deleted)."""


class InboxMessage(BaseInboxMessage):
    """Events the promotions service's consumers have acted on (none yet)."""


class Voucher(models.Model):
    """
    A code that takes money off a basket. Codes are stored upper-case and are
    unique whatever their case. Empty ``product_ids`` and ``category_ids``
    mean every line; otherwise a line counts if its product is listed or one
    of its categories is. ``max_uses`` counts committed uses and held ones
    that have not expired.
    """

    class Kind(models.TextChoices):
        PERCENT = "percent", "Percentage off the lines"
        FIXED = "fixed", "Fixed amount off the lines"
        FREE_SHIPPING = "free_shipping", "Free shipping"

    code = models.CharField(max_length=40, help_text="Letters, digits and dashes; any case.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(
        **MONEY,
        default=0,
        help_text="Percent (10 is 10 %) or the amount off; ignored for free shipping.",
    )
    product_ids = models.JSONField(default=list, blank=True, help_text="Catalog product ids.")
    category_ids = models.JSONField(default=list, blank=True, help_text="Catalog category ids.")
    minimum_subtotal = models.DecimalField(**MONEY, default=0)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: unlimited.")
    max_uses_per_customer = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: unlimited."
    )
    active = models.BooleanField(default=True)
    batch = models.CharField(
        max_length=60, blank=True, help_text="The batch generate_vouchers made it in."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="promotions_voucher_code_ci"),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="promotions_voucher_value_not_negative"
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        self.code = normalise_code(self.code)
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        self.code = normalise_code(self.code)
        if self.kind == self.Kind.PERCENT and self.value > 100:
            raise ValidationError({"value": "A percentage cannot be above 100."})
        for field in ("product_ids", "category_ids"):
            ids = getattr(self, field)
            if not isinstance(ids, list) or not all(
                isinstance(pk, int) and not isinstance(pk, bool) for pk in ids
            ):
                raise ValidationError({field: "A list of ids, such as [3, 7]."})
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": "The end must come after the start."})


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


class VoucherUse(models.Model):
    """
    A voucher held for, or spent by, the caller's ``key`` (orders: the
    checkout's). ``held`` counts against the limits until ``expires_at``;
    ``committed`` for good; ``released`` not at all.
    """

    class Status(models.TextChoices):
        HELD = "held", "Held"
        COMMITTED = "committed", "Committed"
        RELEASED = "released", "Released"

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="uses")
    key = models.CharField(max_length=100, unique=True)
    customer = models.CharField(max_length=320, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    discount = models.DecimalField(**MONEY, default=0)
    shipping_discount = models.DecimalField(**MONEY, default=0)
    lines = models.JSONField(default=list, help_text="[[sku, amount], …] as priced.")
    applies_to = models.JSONField(default=list)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["voucher", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self):
        return f"{self.voucher.code} for {self.key}"


class Sale(models.Model):
    """
    An automatic price reduction on products and categories (a category
    covers its subcategories) from ``starts_at`` until ``ends_at`` (empty:
    open-ended). Catalog prices it: every save or delete is announced
    (``SaleChanged``, ``SaleRemoved``) and catalog keeps the sale price of
    each variant it covers. ``revision`` grows with every save, so a consumer
    can tell an older announcement from a newer one.
    """

    class Kind(models.TextChoices):
        PERCENT = "percent", "Percentage off each unit"
        FIXED = "fixed", "Fixed amount off each unit"

    name = models.CharField(max_length=80, help_text='Shown to customers, e.g. "Winter sale".')
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(**MONEY, help_text="Percent (20 is 20 %) or the amount off.")
    product_ids = models.JSONField(default=list, blank=True, help_text="Catalog product ids.")
    category_ids = models.JSONField(
        default=list, blank=True, help_text="Catalog category ids (their subcategories too)."
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until switched off.")
    active = models.BooleanField(default=True)
    revision = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gt=0), name="promotions_sale_value_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, update_fields=None, **kwargs):
        self.revision += 1
        if update_fields is not None:
            update_fields = {*update_fields, "revision"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.value is not None:
            if self.value <= 0:
                errors["value"] = "The reduction must be above 0."
            elif self.kind == self.Kind.PERCENT and self.value > 100:
                errors["value"] = "A percentage cannot be above 100."
        for field in ("product_ids", "category_ids"):
            ids = getattr(self, field)
            if not isinstance(ids, list) or not all(
                isinstance(pk, int) and not isinstance(pk, bool) and pk > 0 for pk in ids
            ):
                errors[field] = "A list of ids, such as [3, 7]."
        if not errors and not self.product_ids and not self.category_ids:
            errors["category_ids"] = "Name at least one product or category."
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end must come after the start."
        if errors:
            raise ValidationError(errors)


class GiftCard(models.Model):
    """
    A code with a balance, spent over several orders (decision 0030). The
    balance is never stored: it is the sum of the card's ledger entries that
    count (``GiftCardEntry``), read under a row lock on the card. ``source``
    says where it came from: ``staff`` or ``order:<number>`` (bought).
    """

    code = models.CharField(max_length=19, unique=True, editable=False)
    initial_amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    active = models.BooleanField(default=True, help_text="Off: the card is refused everywhere.")
    expires_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=60, default="staff")
    recipient_email = models.EmailField(max_length=254, blank=True)
    note = models.CharField(max_length=255, blank=True)
    issue_key = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(initial_amount__gt=0), name="promotions_giftcard_amount_positive"
            ),
        ]

    def __str__(self):
        return mask(self.code)


def mask(code: str) -> str:
    """What anyone but the card's buyer or recipient sees of its code: the last four characters."""
    return f"••••{code[-4:]}" if code else ""


class GiftCardEntry(models.Model):
    """
    One line of a card's ledger under the caller's ``key``: ``amount`` is
    signed (issue and refund add, spend and void take). A ``spend`` is
    ``held`` until ``expires_at``, then ``committed`` (the order was placed)
    or ``released``; the others are written ``committed``. Entries that count
    towards the balance: committed ones, and held ones not yet expired.
    A refund names the spend it gives back to (``spend_key``).
    """

    class Kind(models.TextChoices):
        ISSUE = "issue", "Issued"
        SPEND = "spend", "Spent"
        REFUND = "refund", "Refunded"
        VOID = "void", "Voided"

    class Status(models.TextChoices):
        HELD = "held", "Held"
        COMMITTED = "committed", "Committed"
        RELEASED = "released", "Released"

    card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="entries")
    key = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.DecimalField(**MONEY)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMMITTED)
    spend_key = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "gift card entries"
        indexes = [
            models.Index(fields=["card", "status"]),
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["spend_key"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.key})"
