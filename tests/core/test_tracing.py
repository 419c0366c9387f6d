"""
Traces follow a purchase across requests, the outbox, tasks and services
(shop.core.tracing). The spans go to an in-memory exporter: one tracer
provider for the whole module, with the instrumentations installed for it
alone (the process-wide provider is never set) and taken out at the end; the
exporter is emptied before each test.
"""

import gzip
import json
import os
import subprocess
import sys
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from celery import current_app
from django.test import Client
from django.utils import timezone
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from shop.cart.db import db as cart_db
from shop.cart.models import OutboxMessage as CartOutbox
from shop.core import messaging, tracing
from shop.core.messaging import deliver_to_consumers, publish, relay_pending
from shop.orders.models import Order, SentEmail
from shop.payments.models import Payment
from tests.catalog.factories import make_product
from tests.conftest import ROOT, broker_is_real, database_urls, wait_for
from tests.orders.test_checkout import api_for, fill_cart, make_buyer, pay, start

from . import traced_worker
from .loopback import a_payment, remote_payments
from .messaging import Line, Pinged, Rang

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def exporter():
    spans = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    tracing.start(provider)
    yield spans
    tracing.stop()


@pytest.fixture
def spans(exporter):
    exporter.clear()
    return Spans(exporter)


@pytest.fixture
def in_process(monkeypatch):
    """Tasks run in this process right after commit, the laptop default, whatever the broker."""
    monkeypatch.setattr(current_app.conf, "task_always_eager", True)


class Spans:
    """The spans finished so far, looked up by name, and their ancestry."""

    def __init__(self, exporter):
        self.exporter = exporter

    def all(self):
        return self.exporter.get_finished_spans()

    def named(self, name: str):
        found = [span for span in self.all() if span.name == name]
        assert len(found) == 1, f"{len(found)} spans named {name!r} in {self.names()}"
        return found[0]

    def names(self) -> list[str]:
        return [span.name for span in self.all()]

    def ancestry(self, span) -> list[str]:
        """``span``'s name and its ancestors', up to the root (or a parent not exported here)."""
        by_id = {each.context.span_id: each for each in self.all()}
        names = []
        while span is not None:
            names.append(span.name)
            span = by_id.get(span.parent.span_id) if span.parent else None
        return names


def test_the_order_email_is_in_the_trace_of_the_checkout_that_bought_it(spans, in_process):
    """
    The checkout request, the gateway's notification (here the test
    gateway's "Pay", which takes the webhook's path) and the consumers that
    place the order and send its email, in one trace; the notification's own
    request stays a trace of its own, linked.
    """
    api = api_for(make_buyer())
    fill_cart(api, make_product(price="20.00", stock=5).variants.get().sku)
    checkout = start(api).json()

    pay(api, checkout)

    order = Order.objects.get()
    assert SentEmail.objects.filter(order=order, kind="placed").exists()
    request = spans.named("POST api/v1/checkout/")
    email = spans.named("run/orders.email_order_placed")
    assert email.context.trace_id == request.context.trace_id
    assert spans.ancestry(email) == [
        "run/orders.email_order_placed",
        "publish orders.OrderPlaced",
        "run/orders.complete_checkout",
        "publish payments.PaymentSucceeded",
        "gateway notification payment.succeeded",
        "POST api/v1/checkout/",
    ]
    notification = spans.named("gateway notification payment.succeeded")
    paid = spans.named("POST api/v1/payments/test/<uuid:payment_id>/<str:key>/")
    assert paid.context.trace_id != request.context.trace_id
    assert [link.context.trace_id for link in notification.links] == [paid.context.trace_id]
    assert Payment.objects.get().traceparent.split("-")[1] == f"{request.context.trace_id:032x}"


def ping(note: str) -> Pinged:
    return Pinged(note=note, amount=Decimal("1.00"), at=timezone.now(), lines=(Line("SKU-1", 1),))


def test_an_event_relayed_later_is_consumed_in_the_trace_it_was_published_in(
    spans, in_process, broker_unreachable
):
    """The broker was away when the request committed; the periodic relay sends it later."""
    with broker_unreachable(), tracing.span("POST api/v1/something/"), cart_db.atomic():
        event_id = publish(ping("late"))
    assert CartOutbox.objects.get(pk=event_id).sent_at is None

    with tracing.span("run/core.relay_outbox"):
        assert relay_pending(older_than=0) == (1, 0)

    consumer = spans.named("run/orders.answer_test_ping")
    assert spans.ancestry(consumer) == [
        "run/orders.answer_test_ping",
        "publish cart.TestPinged",
        "POST api/v1/something/",
    ]
    assert consumer.attributes["shop.event.id"] == str(event_id)
    published = spans.named("publish cart.TestPinged")
    assert published.kind == SpanKind.PRODUCER
    assert published.attributes["messaging.message.id"] == str(event_id)
    traceparent = CartOutbox.objects.get(pk=event_id).traceparent
    _version, trace_id, parent_id, _flags = traceparent.split("-")
    assert (trace_id, parent_id) == (
        f"{published.context.trace_id:032x}",
        f"{published.context.span_id:016x}",
    )


def test_each_consumer_delivered_in_its_services_one_message_has_a_span(spans):
    with mock.patch.object(messaging, "_send"), cart_db.atomic():
        event_id = publish(Rang(note="both"))
    envelope = CartOutbox.objects.get(pk=event_id).envelope()

    with tracing.span("run/orders.deliver_event"):
        deliver_to_consumers(envelope, ["orders.answer_test_ring", "orders.echo_test_ring"])

    for name in ("orders.answer_test_ring", "orders.echo_test_ring"):
        assert spans.ancestry(spans.named(f"run/{name}"))[:2] == [
            f"run/{name}",
            "run/orders.deliver_event",
        ]


def test_a_remote_call_carries_the_trace_and_the_internal_endpoint_continues_it(
    spans,
):
    remote, adapter = remote_payments()
    payment = a_payment()

    with tracing.span("POST api/v1/checkout/"):
        assert remote.get_payment(payment.id).reference == "checkout-1"

    call = spans.named("POST")
    assert call.kind == SpanKind.CLIENT
    traceparent = adapter.sent[0].headers["traceparent"]
    assert traceparent.split("-")[2] == f"{call.context.span_id:016x}"
    served = spans.named("POST internal/<str:app>/<str:function>/")
    assert served.kind == SpanKind.SERVER
    assert spans.ancestry(served) == [
        "POST internal/<str:app>/<str:function>/",
        "POST",
        "POST api/v1/checkout/",
    ]
    assert json.loads(adapter.sent[0].body)["arguments"] == {"payment_id": str(payment.id)}


def test_a_request_span_keeps_the_route_never_the_keys_the_url_carried(spans):
    Client().get("/orders/guest/7K3Q-XM2P/a-secret-key/?key=another-secret")

    [served] = [span for span in spans.all() if span.kind == SpanKind.SERVER]
    assert served.attributes["http.url"] == (
        "http://testserver/orders/guest/<key:number>/<key:key>/"
    )
    assert "secret" not in json.dumps(dict(served.attributes))


def test_the_probes_are_not_traced(spans):
    assert Client().get("/healthz").status_code == 200

    assert not [span for span in spans.all() if span.kind == SpanKind.SERVER]


class Collector(ThreadingHTTPServer):
    """An OTLP/HTTP endpoint that keeps the spans other processes export to it."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), CollectorHandler)
        self.spans: list[dict] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def named(self, name: str) -> list[dict]:
        return [span for span in self.spans if span["name"] == name]


class CollectorHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        for resource_spans in ExportTraceServiceRequest.FromString(body).resource_spans:
            resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                self.server.spans.extend(
                    {
                        "name": span.name,
                        "trace_id": span.trace_id.hex(),
                        "parent_id": span.parent_span_id.hex(),
                        "service": resource["service.name"],
                    }
                    for span in scope_spans.spans
                )
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()
        self.wfile.write(ExportTraceServiceResponse().SerializeToString())

    def log_message(self, *args):
        pass


@pytest.fixture
def collector():
    server = Collector()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def worker_log(collector, tmp_path):
    """A real Celery worker for ``tracedworker`` alone, exporting its spans to ``collector``."""
    env = {
        **{name: value for name, value in os.environ.items() if not name.startswith("OTEL_")},
        **database_urls(),
        "OTEL_EXPORTER_OTLP_ENDPOINT": collector.url,
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    log = tmp_path / "worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", traced_worker.QUEUE,
        "--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle",
        "--include", traced_worker.__name__, "--logfile", str(log),
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        yield log
    finally:
        process.terminate()
        process.wait(timeout=20)
        current_app.amqp.queues.pop(traced_worker.QUEUE, None)


@pytest.mark.services
def test_a_worker_process_consumes_an_event_relayed_late_in_the_trace_it_was_published_in(
    spans, collector, worker_log, broker_unreachable
):
    if not broker_is_real():
        pytest.fail("Needs a real broker: make services-test.")
    with broker_unreachable(), tracing.span("POST api/v1/something/"), cart_db.atomic():
        publish(traced_worker.Traced(note="far"))

    assert relay_pending(older_than=0) == (1, 0)

    runs = wait_for(lambda: collector.named("run/tracedworker.note_trace"), timeout=60)
    assert runs, f"No span from the worker; its log: {worker_log.read_text()}"
    [run] = runs
    request = spans.named("POST api/v1/something/")
    assert run["trace_id"] == f"{request.context.trace_id:032x}"
    # Its parent: the span that sent it (or, after a send the broker refused,
    # the one that published it: Celery's instrumentation loses its own then).
    parent = next(s for s in spans.all() if f"{s.context.span_id:016x}" == run["parent_id"])
    assert spans.ancestry(parent)[-2:] == ["publish cart.TestTraced", "POST api/v1/something/"]
    assert run["service"] == "shop-worker-tracedworker"
