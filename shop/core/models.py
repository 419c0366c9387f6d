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
    """An event waiting to be (or already) handed to the broker."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_name = models.CharField(max_length=100, db_index=True)
    event_version = models.PositiveSmallIntegerField(default=1)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="%(app_label)s_outbox_unsent",
                condition=models.Q(sent_at__isnull=True),
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
