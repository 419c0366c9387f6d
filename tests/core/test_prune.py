import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from shop.catalog.models import OutboxMessage
from shop.core.messaging import prune_messages
from shop.orders.models import InboxMessage

pytestmark = pytest.mark.django_db


def test_old_sent_events_and_inbox_marks_are_forgotten_but_unsent_events_are_kept():
    long_ago = timezone.now() - timedelta(days=40)
    old_sent = OutboxMessage.objects.create(event_name="catalog.X", payload={}, sent_at=long_ago)
    old_unsent = OutboxMessage.objects.create(
        event_name="catalog.X", payload={}, created_at=long_ago
    )
    recent = OutboxMessage.objects.create(
        event_name="catalog.X", payload={}, sent_at=timezone.now()
    )
    InboxMessage.objects.create(event_id=uuid.uuid4(), consumer="orders.y", processed_at=long_ago)
    fresh_mark = InboxMessage.objects.create(event_id=uuid.uuid4(), consumer="orders.y")

    assert prune_messages() == 2

    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {old_unsent.pk, recent.pk}
    assert list(InboxMessage.objects.all()) == [fresh_mark]
    assert not OutboxMessage.objects.filter(pk=old_sent.pk).exists()
