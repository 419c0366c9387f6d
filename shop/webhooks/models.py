"""
The webhooks service's tables: the endpoints staff register, one delivery
per event and endpoint, every attempt at sending one, and the outbox and
inbox every service has.

A delivery's body is stored as the bytes it is signed and sent as, so every
retry sends the same message (Standard Webhooks: the same ``webhook-id``,
the same body). Which deliveries are due is read from the table
(``next_attempt_at``), never only from a Celery countdown: a worker that
restarts, or a broker that forgets a long countdown, loses nothing.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from shop.core.models import BaseInboxMessage, BaseOutboxMessage


class OutboxMessage(BaseOutboxMessage):
    """Events the webhooks service publishes (none)."""


class InboxMessage(BaseInboxMessage):
    """Events the webhooks service's consumers have acted on (unused: deliveries are keyed)."""


def _event_types_are_known(value):
    from .payloads import EVENT_TYPES

    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one event type.", code="no_event_types")
    unknown = sorted(set(value) - set(EVENT_TYPES))
    if unknown:
        raise ValidationError(
            "Unknown event types: %(unknown)s.",
            code="unknown_event_type",
            params={"unknown": ", ".join(map(str, unknown))},
        )


class Endpoint(models.Model):
    """
    An integrator's URL that hears the event types it asked for. Disabled by
    staff, or by the shop after its deliveries failed for
    ``WEBHOOKS_DISABLE_AFTER_HOURS`` on end (``disabled_reason`` says why).
    """

    url = models.URLField("URL", max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    enabled = models.BooleanField(default=True)
    event_types = models.JSONField(
        default=list,
        validators=[_event_types_are_known],
        help_text="The event types it hears (order.placed, stock.low, …).",
    )
    secret = models.CharField(
        max_length=100, editable=False, help_text="Signs every delivery (whsec_…)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # The first failed attempt since the endpoint's last success: the start of
    # the run of failures that disables it after a day.
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.url


class Delivery(models.Model):
    """One event for one endpoint: the body it is sent as and where it stands."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    # The message id (header webhook-id and the body's "id"), the same on every retry.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(Endpoint, related_name="deliveries", on_delete=models.CASCADE)
    event_id = models.UUIDField(help_text="The integration event it comes from (or a test's own).")
    event_type = models.CharField(max_length=40)
    body = models.TextField(help_text="The JSON sent, exactly as signed.")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When it is sent next; while an attempt runs, when that attempt is given
    # up for lost (its worker died) and the delivery is due again.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["event_id", "endpoint"], name="webhooks_delivery_once")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhooks_delivery_due",
            )
        ]

    def __str__(self):
        return f"{self.event_type} to {self.endpoint_id} ({self.status})"


class Attempt(models.Model):
    """One HTTP POST of a delivery, and what came of it."""

    delivery = models.ForeignKey(Delivery, related_name="attempt_log", on_delete=models.CASCADE)
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True, help_text="The first KB of the answer.")
    error = models.CharField(max_length=500, blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"attempt {self.number}"
