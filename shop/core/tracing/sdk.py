"""
Tracing switched on: the SDK's tracer provider, its exporter and sampler, and
the official instrumentations. Imported only by ``shop.core.tracing`` once an
endpoint is set, so a process without one never loads any of this.

- **Export**: batched, over OTLP/HTTP to ``OTEL_EXPORTER_OTLP_ENDPOINT``
  (the exporter reads ``OTEL_EXPORTER_OTLP_HEADERS``, ``…_TIMEOUT`` and the
  rest of the standard variables itself).
- **Sampling**: decided where a trace starts and followed by every span
  after it, across processes and through the outbox, so a purchase is kept
  or dropped whole: ``OTEL_TRACES_SAMPLER_ARG`` is the share of traces kept
  (default 1, all). A database, Redis or HTTP call made outside any request,
  task or publish is not traced: those are a library's housekeeping (a
  management command's queries, the broker's bookkeeping), one root span
  each, which would bury the traces worth reading.
- **Django**: every request but the probes, static files and ``/metrics``
  (``OTEL_PYTHON_DJANGO_EXCLUDED_URLS`` replaces that list); the internal
  endpoint other services call is traced like any view, and continues the
  caller's trace from its ``traceparent``. A request's span keeps its route
  (``orders/guest/<key:number>/<key:key>/``), never the path and query the
  client sent: those carry the keys of guest order links, password resets
  and payment pages, which whoever reads the traces must not be able to use.
  Queries are recorded with their placeholders and Redis commands without
  their arguments (the instrumentations' defaults), so no customer's data
  is exported.
"""

import os
from urllib.parse import urlsplit

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.celery import CeleryInstrumentor
from opentelemetry.instrumentation.django import DjangoInstrumentor
from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.requests import RequestsInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import (
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
    TraceIdRatioBased,
)
from opentelemetry.trace import SpanKind

INSTRUMENTORS = (
    DjangoInstrumentor,
    CeleryInstrumentor,
    PsycopgInstrumentor,
    RedisInstrumentor,
    RequestsInstrumentor,
)
# Matched (re.search) against each request's absolute URL.
EXCLUDED_URLS = r"^https?://[^/]+/(healthz|readyz|metrics|static/|media/)"


class NoCallsWithoutParent(Sampler):
    """The root sampler: a client call (query, Redis command, HTTP call) never starts a trace."""

    def __init__(self, root: Sampler):
        self.root = root

    def should_sample(self, parent_context, trace_id, name, kind=None, *args, **kwargs):
        if kind == SpanKind.CLIENT:
            return SamplingResult(Decision.DROP)
        return self.root.should_sample(parent_context, trace_id, name, kind, *args, **kwargs)

    def get_description(self) -> str:
        return f"NoCallsWithoutParent{{{self.root.get_description()}}}"


def sampler() -> Sampler:
    ratio = float(os.environ.get("OTEL_TRACES_SAMPLER_ARG") or 1.0)
    return ParentBased(root=NoCallsWithoutParent(TraceIdRatioBased(ratio)))


def exporting_provider(service_name: str, attributes: dict) -> TracerProvider:
    """A provider that names this process ``service_name`` and exports in batches."""
    provider = TracerProvider(
        resource=Resource.create({**attributes, SERVICE_NAME: service_name}),
        sampler=sampler(),
    )
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def route_only(span, request, response) -> None:
    """Replace the URL a request's span recorded with its route (Django's ``response_hook``)."""
    if not span.is_recording():
        return
    match = getattr(request, "resolver_match", None)
    route = f"/{match.route}" if match else "/(no route)"
    recorded = span.attributes
    for name in ("http.url", "url.full"):
        if name in recorded:
            sent = urlsplit(recorded[name])
            span.set_attribute(name, f"{sent.scheme}://{sent.netloc}{route}")
    for name in ("http.target", "url.path"):
        if name in recorded:
            span.set_attribute(name, route)
    if "url.query" in recorded:
        span.set_attribute("url.query", "")


def instrument(provider) -> None:
    django = {
        "excluded_urls": os.environ.get("OTEL_PYTHON_DJANGO_EXCLUDED_URLS", EXCLUDED_URLS),
        "response_hook": route_only,
    }
    for instrumentor in INSTRUMENTORS:
        options = django if instrumentor is DjangoInstrumentor else {}
        instrumentor().instrument(tracer_provider=provider, **options)


def uninstrument() -> None:
    for instrumentor in INSTRUMENTORS:
        instrumentor().uninstrument()
