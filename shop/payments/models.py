"""
The payments service's records: every payment asked for, every refund, every
notification a gateway sent, and a log of what happened to each payment.

Another app's things are referenced by identifier only: ``reference`` is the
caller's (orders uses its checkout id), ``user_id`` the accounts user's.
"""

import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone

from shop.core.models import BaseInboxMessage, BaseOutboxMessage

MONEY = {"max_digits": 12, "decimal_places": 2}


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    TEST = "test", "Test gateway"


class Payment(models.Model):
    """
    One payment for one ``reference``. Its status only moves forward:
    ``pending`` → ``succeeded`` | ``failed`` | ``canceled``, and a succeeded
    payment → ``partially_refunded`` → ``refunded``.
    ``services.status.apply_update`` is the one place that moves it, under a
    row lock.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELED = "canceled", "Canceled"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=100, unique=True)
    provider = models.CharField(max_length=20, choices=Provider.choices)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    amount = models.DecimalField(**MONEY)
    refunded_amount = models.DecimalField(**MONEY, default=0)
    currency = models.CharField(max_length=3)
    # None: a guest bought it (shop orders, decision 0023).
    user_id = models.BigIntegerField(db_index=True, null=True, blank=True)
    description = models.CharField(max_length=255, blank=True)
    return_url = models.CharField(max_length=2000)
    cancel_url = models.CharField(max_length=2000)
    redirect_url = models.CharField(
        max_length=2000, blank=True, help_text="Where the customer pays (the gateway's page)."
    )
    checkout_session_id = models.CharField(max_length=255, blank=True, db_index=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    failure_reason = models.CharField(
        max_length=20, blank=True, help_text='"declined", "expired" or "canceled".'
    )
    flagged = models.BooleanField(
        default=False, help_text="The gateway reported something staff must look at."
    )
    flag_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    settled_at = models.DateTimeField(
        null=True, blank=True, help_text="When it left pending (paid, failed or canceled)."
    )
    # The trace of the call that asked for it (a checkout's), empty while
    # tracing is off: the gateway's notification that settles it continues it.
    traceparent = models.CharField(max_length=55, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payments_payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0)
                & models.Q(refunded_amount__lte=models.F("amount")),
                name="payments_payment_refunded_within_amount",
            ),
        ]
        indexes = [
            # The sales dashboard lists the flagged ones, latest first, on every visit.
            models.Index(
                fields=["-created_at"],
                name="payments_payment_flagged",
                condition=models.Q(flagged=True),
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def refundable_amount(self):
        """What is left to give back, not counting refunds still in progress."""
        if self.status not in (self.Status.SUCCEEDED, self.Status.PARTIALLY_REFUNDED):
            return Decimal(0)
        return self.amount - self.refunded_amount


class Refund(models.Model):
    """Money given back; ``key`` names the request, so asking twice refunds once."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    key = models.CharField(max_length=150, unique=True)
    amount = models.DecimalField(**MONEY)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.CharField(max_length=255, blank=True)
    gateway_refund_id = models.CharField(max_length=255, blank=True, db_index=True)
    failure_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payments_refund_amount_positive"
            ),
        ]
        indexes = [
            # The sales dashboard reads the refunds asked for in a period.
            models.Index(fields=["created_at"], name="payments_refund_created"),
        ]

    def __str__(self):
        return f"Refund {self.amount} of {self.payment_id} ({self.get_status_display()})"


class GatewayEvent(models.Model):
    """
    A notification from a gateway (a Stripe webhook, a click on the test
    gateway's page), stored once per ``(provider, event_id)`` after its
    signature was verified, and processed later by the
    ``payments.process_gateway_event`` task.

    One that cannot be processed is given up (``failed_at``) at once when its
    fields are not what its type promises, or after
    ``PAYMENTS_EVENT_MAX_ATTEMPTS`` failed attempts of the overdue sweep; the
    sweep then leaves it for staff (the admin, ``reconcile_payments``).
    """

    provider = models.CharField(max_length=20, choices=Provider.choices)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    payment = models.ForeignKey(
        Payment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gateway_events",
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveIntegerField(
        default=0, help_text="Attempts to process it that failed."
    )
    last_error = models.TextField(blank=True, help_text="Why the last attempt failed.")
    failed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When processing it was given up: nothing retries it; staff must look.",
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_event_once"),
        ]
        indexes = [
            # The overdue sweep reads the few unprocessed events every minute;
            # without this it would walk every event ever received.
            models.Index(
                fields=["attempts", "received_at"],
                condition=models.Q(processed_at__isnull=True, failed_at__isnull=True),
                name="payments_event_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.provider} {self.type} {self.event_id}"

    @property
    def state(self) -> str:
        if self.processed_at is not None:
            return "processed"
        return "failed" if self.failed_at is not None else "waiting"


class PaymentLogEntry(models.Model):
    """What happened to a payment, in order, for staff: the story behind its status."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="log")
    created_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(
        max_length=50, help_text='Who or what: "checkout", "webhook", "admin: …", "reconcile".'
    )
    message = models.TextField()
    status = models.CharField(
        max_length=20, choices=Payment.Status.choices, help_text="The status afterwards."
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "payment log entry"
        verbose_name_plural = "payment log"

    def __str__(self):
        return self.message


class OutboxMessage(BaseOutboxMessage):
    """Events the payments service publishes, written in the transaction that makes the change."""


class InboxMessage(BaseInboxMessage):
    """Events the payments service's consumers have already acted on."""
