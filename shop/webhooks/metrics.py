"""
Webhooks' part of /metrics (``shop.core.metrics``): attempts by what came of
them, endpoints the shop disabled, and how many deliveries are due now
(read on every scrape from the "due" index).
"""

from collections.abc import Iterable

from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric

DELIVERIES = Counter(
    "shop_webhook_deliveries",
    "Webhook delivery attempts by outcome: delivered (2xx), retrying (failed, tried again "
    "later), failed (the last retry failed; staff may send it again).",
    ["outcome"],
)
ENDPOINTS_DISABLED = Counter(
    "shop_webhook_endpoints_disabled",
    "Webhook endpoints the shop disabled after their deliveries failed for a day; staff "
    "with the webhooks permission were emailed.",
)
for _outcome in ("delivered", "retrying", "failed"):
    DELIVERIES.labels(_outcome)


def gauges() -> Iterable[Metric]:
    from .services import deliveries

    return [
        GaugeMetricFamily(
            "shop_webhook_deliveries_due",
            "Webhook deliveries due to be sent now (to enabled endpoints); a number that "
            "stays up means no worker runs webhooks.send_due (the queue webhooks, or beat).",
            value=deliveries.due_count(),
        )
    ]
