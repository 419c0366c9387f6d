"""
Delivering promotions' sale announcements to catalog's consumers in this
process, as the relay would: ``deliver_sales()`` after saving or deleting a
``Sale`` in a test that does not commit.
"""

from celery import current_app
from django.utils import timezone

from shop.promotions.models import OutboxMessage


def deliver_sales() -> int:
    pending = list(OutboxMessage.objects.filter(sent_at__isnull=True).order_by("created_at"))
    for message in pending:
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
        for name in ("catalog.record_sale", "catalog.forget_sale"):
            if name.endswith("record_sale") == (message.event_name == "promotions.SaleChanged"):
                current_app.tasks[name](message.envelope())
    return len(pending)
