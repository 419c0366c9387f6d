"""
What payments tells the sales dashboard: the refunds asked for in a period
by status with the latest listed, and the payments flagged now, in four
queries whatever the period.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from shop.core.errors import InvalidPeriod
from shop.payments import public
from shop.payments.models import Payment, Refund

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shop_in_berlin")]

BERLIN = ZoneInfo("Europe/Berlin")


def payment(reference: str, amount="50.00", **fields) -> Payment:
    return Payment.objects.create(
        reference=reference,
        provider="test",
        status="succeeded",
        amount=Decimal(amount),
        currency="EUR",
        return_url="http://testserver/",
        cancel_url="http://testserver/",
        **fields,
    )


def refund_of(paid: Payment, amount: str, status: str, at: datetime) -> Refund:
    return Refund.objects.create(
        payment=paid, key=f"{paid.reference}-{amount}-{status}", amount=Decimal(amount),
        status=status, created_at=at,
    )  # fmt: skip


def test_refunds_of_the_period_by_status_and_the_latest_first(django_assert_num_queries):
    paid = payment("checkout-1")
    may = datetime(2026, 5, 4, 12, tzinfo=BERLIN)
    refund_of(paid, "10.00", "succeeded", may)
    refund_of(paid, "5.50", "succeeded", may + timedelta(hours=1))
    refund_of(paid, "7.00", "failed", may + timedelta(hours=2))
    refund_of(paid, "3.00", "pending", may + timedelta(hours=3))
    refund_of(paid, "1.00", "succeeded", datetime(2026, 5, 5, 0, 0, tzinfo=BERLIN))  # next day

    with django_assert_num_queries(4):
        report = public.payment_report(date(2026, 5, 4), date(2026, 5, 4), limit=3)

    assert [(t.status, t.refunds, t.amount) for t in report.refund_totals] == [
        ("failed", 1, Decimal("7.00")),
        ("pending", 1, Decimal("3.00")),
        ("succeeded", 2, Decimal("15.50")),
    ]
    assert [(r.reference, r.amount, r.status) for r in report.refunds] == [
        ("checkout-1", Decimal("3.00"), "pending"),
        ("checkout-1", Decimal("7.00"), "failed"),
        ("checkout-1", Decimal("5.50"), "succeeded"),
    ]


def test_flagged_payments_are_all_counted_whenever_made_and_the_latest_listed():
    for number in range(3):
        payment(f"flagged-{number}", flagged=True, flag_reason=f"Odd {number}")
    payment("fine")
    Payment.objects.filter(reference="flagged-0").update(
        created_at=timezone.now() - timedelta(days=900)
    )

    report = public.payment_report(date(2026, 5, 4), date(2026, 5, 4), limit=2)

    assert report.flagged_count == 3
    assert [(p.reference, p.flag_reason) for p in report.flagged] == [
        ("flagged-2", "Odd 2"),
        ("flagged-1", "Odd 1"),
    ]


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(InvalidPeriod):
        public.payment_report(date(2026, 5, 4), date(2026, 5, 3))
