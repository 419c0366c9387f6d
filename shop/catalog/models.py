from shop.core.models import BaseInboxMessage, BaseOutboxMessage


class OutboxMessage(BaseOutboxMessage):
    """Events the catalog service publishes, written in the transaction that makes the change."""


class InboxMessage(BaseInboxMessage):
    """Events the catalog service's consumers have already acted on."""
