"""
Payments' part of the sales dashboard (``public.payment_report``): the
refunds asked for in a period, by status and the latest, and the payments
flagged for staff, in four queries whatever the period.

Refunds are counted here by the day they were asked for, whichever order
they belong to, because a failed or pending refund is something staff act
on. Every refund that went through is also in the order's refunded total
(orders' figures), which is where revenue net of refunds comes from.
"""

from datetime import date

from django.db.models import Count, DecimalField, Sum, Value
from django.db.models.functions import Coalesce

from shop.core.days import period_bounds
from shop.core.money import quantize, store_currency

from .data import FlaggedPayment, PaymentReport, RefundEntry, RefundTotals
from .models import MONEY, Payment, Refund


def payment_report(first_day: date, last_day: date, limit: int) -> PaymentReport:
    since, until = period_bounds(first_day, last_day)
    limit = max(0, min(limit, 500))
    asked = Refund.objects.filter(created_at__gte=since, created_at__lt=until)
    totals = (
        asked.order_by()
        .values("status")
        .annotate(
            refunds=Count("pk"),
            amount=Coalesce(Sum("amount"), Value(0, output_field=DecimalField(**MONEY))),
        )
        .order_by("status")
    )
    latest = asked.select_related("payment").order_by("-created_at", "-pk")[:limit]
    flagged = Payment.objects.filter(flagged=True)
    return PaymentReport(
        first_day=first_day,
        last_day=last_day,
        currency=store_currency(),
        refund_totals=tuple(
            RefundTotals(
                status=row["status"], refunds=row["refunds"], amount=quantize(row["amount"])
            )
            for row in totals
        ),
        refunds=tuple(_refund_entry(refund) for refund in latest),
        flagged_count=flagged.count(),
        flagged=tuple(_flagged(payment) for payment in flagged.order_by("-created_at")[:limit]),
    )


def _refund_entry(refund: Refund) -> RefundEntry:
    return RefundEntry(
        id=str(refund.pk),
        reference=refund.payment.reference,
        amount=refund.amount,
        status=refund.status,
        reason=refund.reason,
        created_at=refund.created_at,
    )


def _flagged(payment: Payment) -> FlaggedPayment:
    return FlaggedPayment(
        id=str(payment.pk),
        reference=payment.reference,
        amount=payment.amount,
        status=payment.status,
        flag_reason=payment.flag_reason,
        created_at=payment.created_at,
    )
