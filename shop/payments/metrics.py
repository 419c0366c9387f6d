"""
Payments' part of /metrics (``shop.core.metrics``). Counters of payments
and refunds by the status they reach, and of what staff must look at
(flags, gateway notifications given up), each counted once the transaction
that did it commits; gauges of what is in flight, read on every scrape from
indexed columns.
"""

from collections.abc import Iterable

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric

from .models import GatewayEvent, Payment, Refund

PAYMENTS = Counter(
    "shop_payments",
    "Payments by the status they reached: pending (asked for), succeeded, failed, canceled, "
    "partially_refunded, refunded.",
    ["status"],
)
REFUNDS = Counter(
    "shop_refunds",
    "Refunds by what happened: requested (by the shop), succeeded (ours, or made in the "
    "gateway's dashboard), failed (refused by the gateway).",
    ["status"],
)
FLAGS = Counter(
    "shop_payment_flags",
    "Payments flagged for staff: money the status cannot account for (paid after a cancel, "
    "a different amount, a refund on an unpaid payment). Each needs a person.",
)
GATEWAY_EVENTS_GIVEN_UP = Counter(
    "shop_payment_gateway_events_given_up",
    "Gateway notifications given up (unreadable, or failing PAYMENTS_EVENT_MAX_ATTEMPTS times); "
    "staff must look (the admin's gateway notifications, filter Failed).",
)
for _status in Payment.Status.values:
    PAYMENTS.labels(_status)
for _status in ("requested", "succeeded", "failed"):
    REFUNDS.labels(_status)


def gauges() -> Iterable[Metric]:
    pending = Payment.objects.filter(status=Payment.Status.PENDING).count()
    refunds = Refund.objects.filter(status=Refund.Status.PENDING).count()
    waiting = GatewayEvent.objects.filter(
        processed_at__isnull=True, failed_at__isnull=True
    ).aggregate(count=Count("pk"), oldest=Min("received_at"))
    age = (timezone.now() - waiting["oldest"]).total_seconds() if waiting["oldest"] else 0.0
    return [
        GaugeMetricFamily(
            "shop_payments_pending",
            "Payments asked for and not settled yet (the customer is on the payment page).",
            value=pending,
        ),
        GaugeMetricFamily(
            "shop_refunds_pending",
            "Refunds the gateway has not confirmed (it was unreachable; they are sent again).",
            value=refunds,
        ),
        GaugeMetricFamily(
            "shop_payment_gateway_events_waiting",
            "Gateway notifications stored and not processed yet.",
            value=waiting["count"],
        ),
        GaugeMetricFamily(
            "shop_payment_gateway_events_oldest_waiting_age_seconds",
            "Age of the oldest gateway notification not processed yet; 0 when none waits.",
            value=max(age, 0.0),
        ),
    ]
