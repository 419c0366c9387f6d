"""
Orders' part of /metrics (``shop.core.metrics``). Counters of what happens
to checkouts and orders, each counted once the transaction that did it
commits (``db.on_commit``: a retried attempt counts once); gauges of the
checkouts awaiting payment, read on every scrape from their partial index.
"""

from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric

from .models import Checkout

CHECKOUTS = Counter(
    "shop_checkouts",
    "Checkouts by what happened: started (stock held), completed (an order placed), "
    "failed (payment declined, or never opened) and expired (nobody paid in time, or a "
    "payment came too late and was refunded).",
    ["status"],
)
CHECKOUT_STARTED = CHECKOUTS.labels("started")
CHECKOUT_COMPLETED = CHECKOUTS.labels("completed")
CHECKOUT_FAILED = CHECKOUTS.labels("failed")
CHECKOUT_EXPIRED = CHECKOUTS.labels("expired")

PAID_AND_REFUNDED = Counter(
    "shop_checkouts_refunded",
    "Paid checkouts that could not become an order and were refunded in full, by why: "
    "stock_gone (paid after expiry and the stock was sold), gift_card_spent, "
    "customer_deleted.",
    ["reason"],
)
FOUND_PAID_AT_EXPIRY = Counter(
    "shop_checkouts_found_paid_at_expiry",
    "Paid checkouts the expiry task found still waiting for their PaymentSucceeded (a message "
    "the broker lost): it completes them, or refunds them if their stock is gone.",
)
ORDERS_PLACED = Counter("shop_orders_placed", "Orders placed: paid checkouts that became orders.")


def gauges() -> Iterable[Metric]:
    counts = Checkout.objects.filter(status=Checkout.Status.AWAITING_PAYMENT).aggregate(
        awaiting=Count("pk"),
        overdue=Count("pk", filter=Q(expires_at__lte=timezone.now())),
    )
    return [
        GaugeMetricFamily(
            "shop_checkouts_awaiting_payment",
            "Checkouts holding stock while their customer pays.",
            value=counts["awaiting"],
        ),
        GaugeMetricFamily(
            "shop_checkouts_overdue",
            "Checkouts awaiting payment past their expiry, which the minutely expiry task "
            "has not handled yet (staying above 0: beat or the orders worker is down).",
            value=counts["overdue"],
        ),
    ]
