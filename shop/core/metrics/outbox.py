"""
The outboxes' gauges: the relay's own bookkeeping (``shop.core.messaging``),
which the kernel reads from every installed service's outbox as the relay
and ``/readyz`` do, each through the router on its service's database. One
query per outbox, on its two partial indexes (waiting, parked).
"""

from collections.abc import Iterable

from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from ..messaging import outbox_models

WAITING = Q(sent_at__isnull=True, parked_at__isnull=True)
PARKED = Q(parked_at__isnull=False)


def gauges() -> Iterable[Metric]:
    backlog = GaugeMetricFamily(
        "shop_outbox_backlog",
        "Events committed but not yet handed to the broker (parked ones not counted).",
        labels=["app"],
    )
    oldest = GaugeMetricFamily(
        "shop_outbox_oldest_unsent_age_seconds",
        "Age of the oldest event waiting in the outbox; 0 when none waits.",
        labels=["app"],
    )
    parked = GaugeMetricFamily(
        "shop_outbox_parked",
        "Events the relay gave up on after OUTBOX_MAX_FAILURES; staff must send them again.",
        labels=["app"],
    )
    now = timezone.now()
    for model in outbox_models():
        app = model._meta.app_label
        counts = model.objects.filter(WAITING | PARKED).aggregate(
            waiting=Count("pk", filter=WAITING),
            oldest=Min("created_at", filter=WAITING),
            parked=Count("pk", filter=PARKED),
        )
        backlog.add_metric([app], counts["waiting"])
        age = (now - counts["oldest"]).total_seconds() if counts["oldest"] else 0.0
        oldest.add_metric([app], max(age, 0.0))
        parked.add_metric([app], counts["parked"])
    return [backlog, oldest, parked]
