"""Reads of payments that the services build on."""

from decimal import Decimal

import pytest

from shop.payments import selectors
from shop.payments.models import Payment, Provider, Refund

pytestmark = pytest.mark.django_db


def paid_payment(amount="49.90") -> Payment:
    return Payment.objects.create(
        reference="checkout-42",
        provider=Provider.TEST,
        status=Payment.Status.SUCCEEDED,
        amount=Decimal(amount),
        currency="EUR",
        user_id=7,
        return_url="https://shop.example.com/checkout/42/",
        cancel_url="https://shop.example.com/checkout/42/?canceled=1",
    )


def test_refunds_in_progress_add_up_only_the_pending_ones():
    payment = paid_payment()
    for key, amount, status in (
        ("a", "5.00", Refund.Status.PENDING),
        ("b", "2.50", Refund.Status.PENDING),
        ("c", "10.00", Refund.Status.SUCCEEDED),
        ("d", "1.00", Refund.Status.FAILED),
    ):
        Refund.objects.create(payment=payment, key=key, amount=Decimal(amount), status=status)

    assert selectors.refunds_in_progress(payment) == Decimal("7.50")


def test_no_refund_in_progress_is_zero():
    assert selectors.refunds_in_progress(paid_payment()) == Decimal(0)
