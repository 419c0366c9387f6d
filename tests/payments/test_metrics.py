"""
Payments' part of /metrics: a flagged payment is counted once for staff, a
gateway notification given up is counted, and what is in flight (payments
on their page, notifications waiting) is read when Prometheus scrapes.
"""

import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from shop.payments.gateways import PaymentUpdate
from shop.payments.models import GatewayEvent, Payment
from shop.payments.services import status

from .conftest import create_payment

pytestmark = pytest.mark.django_db

TOKEN = "scraper-secret-0123456789"


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_payment_flagged_for_staff_is_counted_once(
    test_gateway, customer, django_capture_on_commit_callbacks
):
    payment = create_payment(customer, amount="49.90")
    before = value("shop_payment_flags_total")
    short = PaymentUpdate(status="succeeded", amount_paid=990, currency=payment.currency)

    with django_capture_on_commit_callbacks(execute=True):
        status.apply_update(payment.id, short, source="test")
        status.apply_update(payment.id, short, source="test")  # the same news again

    assert Payment.objects.get(pk=payment.id).flagged
    assert value("shop_payment_flags_total") - before == 1


def test_what_is_in_flight_is_read_when_prometheus_scrapes(
    client, settings, test_gateway, customer
):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = TOKEN, []
    create_payment(customer, reference="checkout-1")
    create_payment(customer, reference="checkout-2")
    GatewayEvent.objects.create(provider="test", event_id="evt-1", type="paid", payload={})

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    gauges = {
        family.name: family.samples[0].value
        for family in text_string_to_metric_families(response.content.decode())
        if family.type == "gauge" and family.name.startswith(("shop_payment", "shop_refunds"))
    }
    assert gauges["shop_payments_pending"] == 2
    assert gauges["shop_refunds_pending"] == 0
    assert gauges["shop_payment_gateway_events_waiting"] == 1
    assert 0 <= gauges["shop_payment_gateway_events_oldest_waiting_age_seconds"] < 60
