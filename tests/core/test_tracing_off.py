"""
Without ``OTEL_EXPORTER_OTLP_ENDPOINT`` tracing is off: nothing of the SDK is
loaded, no library is instrumented, events and payments store no trace, and
calls to other services carry no header. With it, each process names itself
after its deployment and role.
"""

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.cart.db import db as cart_db
from shop.cart.models import OutboxMessage as CartOutbox
from shop.core import messaging, tracing
from shop.core.messaging import publish
from shop.payments.models import Payment
from tests.conftest import ROOT

from .loopback import a_payment, remote_payments
from .messaging import Pinged

# What a web process reports about itself once started (config.wsgi imported).
STARTED = """
import json, sys
import config.wsgi
import psycopg, requests
from django.conf import settings
from opentelemetry import trace
from shop.core import tracing
provider = trace.get_tracer_provider()
print(json.dumps({
    "on": tracing.is_on(),
    "sdk_loaded": sorted(m for m in sys.modules if m.startswith(("opentelemetry.sdk",
        "opentelemetry.instrumentation"))),
    "middleware": settings.MIDDLEWARE[0],
    "traced_middleware": [m for m in settings.MIDDLEWARE if m.startswith("opentelemetry")],
    "queries_wrapped": hasattr(psycopg.connect, "__wrapped__"),
    "calls_wrapped": hasattr(requests.Session.send, "__wrapped__"),
    "service": dict(getattr(provider, "resource", None).attributes)["service.name"]
        if tracing.is_on() else None,
}))
"""


def web_process(settings_module="config.settings", **variables) -> dict:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("OTEL_") and name not in ("SHOP_SERVICE_NAME", "CELERY_BROKER_URL")
    }
    env.update(DJANGO_SETTINGS_MODULE=settings_module, **variables)
    done = subprocess.run(
        [sys.executable, "-c", STARTED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_web_process_without_an_endpoint_loads_and_instruments_nothing():
    started = web_process()

    assert started == {
        "on": False,
        "sdk_loaded": [],
        "middleware": "shop.core.metrics.requests.RequestMetricsMiddleware",
        "traced_middleware": [],
        "queries_wrapped": False,
        "calls_wrapped": False,
        "service": None,
    }


@pytest.mark.parametrize(
    ("settings_module", "service"),
    [("config.settings", "shop-web"), ("config.payments_settings", "payments-web")],
)
def test_a_web_process_with_an_endpoint_traces_under_its_deployments_name(settings_module, service):
    started = web_process(settings_module, OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:9")

    assert started["on"]
    assert started["service"] == service
    assert started["middleware"].startswith("opentelemetry.instrumentation.django")
    assert started["queries_wrapped"] and started["calls_wrapped"]


def test_a_worker_is_named_for_its_queues_when_it_consumes_only_some(monkeypatch):
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)

    assert tracing.service_name("worker") == "shop-worker"
    assert tracing.service_name("worker", queues=["payments", "orders"]) == (
        "shop-worker-orders-payments"
    )
    monkeypatch.setenv("OTEL_SERVICE_NAME", "storefront")
    assert tracing.service_name("web") == "storefront"


def test_setting_up_without_an_endpoint_leaves_tracing_off(monkeypatch):
    monkeypatch.delenv(tracing.ENDPOINT_VARIABLE, raising=False)

    assert tracing.setup("web") is False
    assert not tracing.is_on()


@pytest.fixture
def off():
    assert not tracing.is_on(), "a test left tracing on"


@pytest.mark.django_db(transaction=True)
def test_an_event_published_with_tracing_off_stores_no_trace(off, monkeypatch):
    monkeypatch.setattr(messaging, "_send", lambda message: None)
    with cart_db.atomic():
        event_id = publish(Pinged(note="quiet", amount=Decimal("1.00"), at=timezone.now()))

    row = CartOutbox.objects.get(pk=event_id)
    assert (row.traceparent, row.tracestate) == ("", "")
    assert "trace" not in json.dumps(row.envelope())


@pytest.mark.django_db
def test_a_remote_call_with_tracing_off_adds_no_header_and_a_payment_stores_no_trace(off):
    remote, adapter = remote_payments()
    created = a_payment()

    assert remote.get_payment(created.id) == created

    sent = {name.lower() for name in adapter.sent[0].headers}
    assert "x-shop-service" in sent
    assert not sent & {"traceparent", "tracestate", "baggage"}
    assert Payment.objects.get().traceparent == ""
