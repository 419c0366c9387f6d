"""
Abstract bases for each app's messaging tables. An app that publishes events
owns a concrete ``OutboxMessage``; an app that consumes them owns a concrete
``InboxMessage``. Both live in the app's own database tables, so the event is
written in the same transaction as the change it announces, and a consumer's
"already done" mark in the same transaction as its effect.
"""

import uuid

from django.db import models
from django.utils import timezone


class BaseOutboxMessage(models.Model):
    """
    An event waiting to be (or already) handed to the broker. ``attempts``
    counts every time the relay tried, broker outages included; ``failures``
    only the tries that failed because of the event itself (its consumer
    raised in-process, it is no longer in the catalog). After
    ``OUTBOX_MAX_FAILURES`` of those it is parked (``parked_at``): the relay
    leaves it until staff send it again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_name = models.CharField(max_length=100, db_index=True)
    event_version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(
        default=0, help_text="Tries that failed because of the event itself (not the broker)."
    )
    last_error = models.TextField(blank=True)
    parked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the relay gave up on it: nothing sends it until staff send it again.",
    )
    # The W3C trace context of the span that published it (shop.core.tracing),
    # empty while tracing is off: its consumers' spans continue that trace.
    traceparent = models.CharField(
        max_length=55, blank=True, help_text="The trace it was published in (W3C traceparent)."
    )
    tracestate = models.CharField(max_length=512, blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at"]
        indexes = [
            # What the periodic relay reads: waiting events, the least failed first.
            models.Index(
                fields=["failures", "created_at"],
                name="%(app_label)s_outbox_waiting",
                condition=models.Q(sent_at__isnull=True, parked_at__isnull=True),
            ),
            # What /readyz counts, and the admin's "Parked" filter.
            models.Index(
                fields=["parked_at"],
                name="%(app_label)s_outbox_parked",
                condition=models.Q(parked_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.event_name} {self.id}"

    def envelope(self) -> dict:
        """What a consumer task receives."""
        return {
            "id": str(self.id),
            "name": self.event_name,
            "version": self.event_version,
            "occurred_at": self.created_at.isoformat(),
            "payload": self.payload,
        }

    @property
    def state(self) -> str:
        if self.sent_at is not None:
            return "sent"
        return "parked" if self.parked_at is not None else "waiting"


class BaseInboxMessage(models.Model):
    """One event one consumer has acted on; the unique pair makes redelivery a no-op."""

    event_id = models.UUIDField()
    consumer = models.CharField(max_length=150)
    event_name = models.CharField(max_length=100)
    processed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["event_id", "consumer"], name="%(app_label)s_inbox_once"
            ),
        ]

    def __str__(self):
        return f"{self.consumer} <- {self.event_name} {self.event_id}"
