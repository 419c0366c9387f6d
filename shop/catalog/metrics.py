"""
The catalog's part of /metrics (``shop.core.metrics``): the stock held for
checkouts now, read on every scrape from the reservations' partial index.
"""

from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from .models import Reservation


def gauges() -> Iterable[Metric]:
    now = timezone.now()
    counts = Reservation.objects.filter(status=Reservation.Status.ACTIVE).aggregate(
        holding=Count("pk", filter=Q(expires_at__gt=now)),
        lapsed=Count("pk", filter=Q(expires_at__lte=now)),
    )
    return [
        GaugeMetricFamily(
            "shop_stock_reservations_active",
            "Stock reservations holding stock for a checkout now.",
            value=counts["holding"],
        ),
        GaugeMetricFamily(
            "shop_stock_reservations_lapsed",
            "Reservations past their time that the minutely release has not closed yet "
            "(they hold nothing; a number that stays up means beat is not running).",
            value=counts["lapsed"],
        ),
    ]
