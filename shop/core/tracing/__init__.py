"""
Traces (OpenTelemetry): what one request, task or event did, across processes.

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set. Then each process turns it
on once, where it starts (``config/wsgi.py`` for gunicorn and runserver,
``config/celery.py`` in each pool process of a worker, ``manage.py`` for
commands): the SDK's tracer provider exports over OTLP/HTTP, and the official
instrumentations of Django, Celery, psycopg, Redis and requests are installed
(``sdk``). Otherwise nothing of the SDK is imported, no library is
instrumented, no header is added, and the hooks below cost an attribute read.

The outbox carries the context (decision 0045): ``publishing`` wraps the
insert of an outbox row in a span and gives its W3C ``traceparent`` and
``tracestate`` to the row; ``resumed`` puts them back around the relay's
send, whenever and wherever that runs, so the task message's headers carry
them (Celery's instrumentation injects them) and the consumer's span is a
child of the span that published the event. ``continued`` starts a span in
a trace stored earlier, linked to the current one: a payment's notification
from the gateway continues the trace of the checkout that asked for it.
"""

import os
from contextlib import contextmanager, nullcontext
from types import MappingProxyType

from opentelemetry import context, trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

ENDPOINT_VARIABLE = "OTEL_EXPORTER_OTLP_ENDPOINT"
# W3C: a tracestate longer than this may be dropped; the outbox keeps no more.
TRACESTATE_MAX_LENGTH = 512

_tracer: trace.Tracer | None = None
_propagator = TraceContextTextMapPropagator()
_NOTHING = nullcontext(MappingProxyType({}))


def is_on() -> bool:
    return _tracer is not None


def service_name(role: str, queues=()) -> str:
    """
    ``OTEL_SERVICE_NAME``, else the deployment and the process's role:
    ``shop-web``, ``shop-worker``, ``payments-web``, ``payments-worker``,
    ``shop-manage``. A worker that consumes only some of its deployment's
    queues (``-Q orders,payments``) is named for them: ``shop-worker-orders-payments``.
    """
    from django.conf import settings

    if os.environ.get("OTEL_SERVICE_NAME"):
        return os.environ["OTEL_SERVICE_NAME"]
    name = f"{settings.SHOP_SERVICE_NAME}-{role}"
    every = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    chosen = set(queues)
    if chosen and chosen != every:
        name += "-" + "-".join(sorted(chosen))
    return name


def setup(role: str, *, queues=()) -> bool:
    """
    Turn tracing on for this process if ``OTEL_EXPORTER_OTLP_ENDPOINT`` is
    set (once: later calls change nothing). True when tracing is on.
    """
    if _tracer is not None or not os.environ.get(ENDPOINT_VARIABLE):
        return is_on()
    from django.conf import settings

    from . import sdk

    provider = sdk.exporting_provider(
        service_name(role, queues),
        {
            "shop.deployment": settings.SHOP_SERVICE_NAME,
            "shop.role": role,
            "shop.queues": sorted(queues),
        },
    )
    trace.set_tracer_provider(provider)
    start(provider)
    return True


def start(provider) -> None:
    """Instrument the libraries and the outbox with ``provider`` (the tests pass their own)."""
    global _tracer
    from . import sdk

    sdk.instrument(provider)
    _tracer = provider.get_tracer(__name__)


def stop() -> None:
    """Take the instrumentation out again (the tests' clean-up)."""
    global _tracer
    from . import sdk

    sdk.uninstrument()
    _tracer = None


def publishing(event_name: str, event_id):
    """
    ``with publishing(name, id) as trace_context:`` a span around writing an
    event to the outbox; ``trace_context`` is its ``traceparent`` and
    ``tracestate``, for the outbox row (empty when tracing is off).
    """
    if _tracer is None:
        return _NOTHING
    return _publishing(event_name, event_id)


@contextmanager
def _publishing(event_name: str, event_id):
    with _tracer.start_as_current_span(
        f"publish {event_name}",
        kind=trace.SpanKind.PRODUCER,
        attributes={
            "messaging.system": "shop.outbox",
            "messaging.operation.type": "create",
            "messaging.destination.name": event_name,
            "messaging.message.id": str(event_id),
        },
    ):
        carrier: dict[str, str] = {}
        _propagator.inject(carrier)
        state = carrier.get("tracestate", "")
        yield {
            "traceparent": carrier.get("traceparent", ""),
            "tracestate": state if len(state) <= TRACESTATE_MAX_LENGTH else "",
        }


def resumed(traceparent: str, tracestate: str = ""):
    """
    ``with resumed(...):`` the trace context an outbox row stored is the
    current one (the current one stays, for a row stored without). What the
    block leaves attached goes with it: Celery's instrumentation leaves its
    span current when the broker refuses a message.
    """
    if _tracer is None:
        return _NOTHING
    if not traceparent:
        return _attached(context.get_current())
    return _attached(_propagator.extract({"traceparent": traceparent, "tracestate": tracestate}))


@contextmanager
def _attached(stored):
    token = context.attach(stored)
    try:
        yield
    finally:
        context.detach(token)


def continued(traceparent: str, name: str, attributes: dict | None = None):
    """
    ``with continued(stored, name):`` a span named ``name`` in the trace
    ``stored`` (a ``traceparent`` kept earlier), linked to the current span,
    which stays in a trace of its own.
    """
    if _tracer is None or not traceparent:
        return _NOTHING
    parent = _propagator.extract({"traceparent": traceparent})
    here = trace.get_current_span().get_span_context()
    links = [trace.Link(here)] if here.is_valid else []
    return _tracer.start_as_current_span(name, context=parent, links=links, attributes=attributes)


def current_traceparent() -> str:
    """The current span's ``traceparent``, to store with a record a later step continues."""
    if _tracer is None:
        return ""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent", "")


def span(name: str, attributes: dict | None = None):
    """``with span(name):`` a span in the current trace (nothing when tracing is off)."""
    if _tracer is None:
        return _NOTHING
    return _tracer.start_as_current_span(name, attributes=attributes)


def annotate(attributes: dict) -> None:
    """Set ``attributes`` on the current span."""
    if _tracer is not None:
        trace.get_current_span().set_attributes(attributes)
