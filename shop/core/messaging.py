"""
Publishing and consuming integration events through a transactional outbox.

Publishing: ``publish(event)`` inside the transaction that makes the change
writes a row to the publishing app's ``OutboxMessage`` table. Right after
commit a relay hands it to Celery, one task message per consuming service,
and marks the row sent: the consumer's own task when it is the service's only
consumer of the event, else ``<service>.deliver_event``, which runs each of
them in turn as its own task would and sends one that fails on as its own
task, retried on its own (decision 0043). If the broker is unreachable the row stays unsent and the
periodic ``core.relay_outbox`` task sends it later; a rolled-back transaction
leaves no row, so nothing is ever announced that did not happen.

Who receives an event is declared in the event catalog (``eventcatalog``,
``config/events.toml``), not discovered (an ``on_demand`` consumer receives
it only while its service wants it, ``demand``): the relay sends its messages by the
declared consumers' task names, without importing the consumers' code. An
event missing from the catalog cannot be published (``UndeclaredEvent``), so a
forgotten subscription fails loudly instead of being marked sent.

Consuming: ``@consumer(SomeEvent, name="orders.complete_checkout")`` makes a
Celery task that handles ``SomeEvent``; the catalog must list it among the
event's consumers (``manage.py check`` says so otherwise). Delivery is
at-least-once, so the task records ``(event id, task name)`` in the consuming
app's ``InboxMessage`` table in the same transaction as the handler's work: a
second delivery of the same event finds the row and does nothing. A handler
whose effect is already once by a key of its own (a row unique per order, a
claimed email) says ``inbox=False`` and is run without the mark, in the same
transaction (decision 0033). A consumer
refuses an event version it does not know (``UnknownEventVersion``): it logs
why, records nothing, and the delivery is retried, so the event waits for a
consumer that understands it instead of being lost or misread.

Events are not ordered: a consumer must cope with seeing them in any order.

Poison events: a row the relay cannot hand over because of the event itself
(its consumer raises in-process, the catalog no longer declares it) counts a
``failure``; after ``OUTBOX_MAX_FAILURES`` of them it is parked: the relay
leaves it, the admin's outbox lists it under "Parked" with its last error,
``/readyz`` counts it, and ``resend_parked`` (the admin's "Send again",
``manage.py relay_outbox --parked``) puts it back and relays it. A broker that
is unreachable is nobody's event's fault: it ends the run and counts no
failure, so an outage never parks anything and delivery stays at least once.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app, shared_task
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import router, transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from . import demand, eventcatalog, tracing
from .db import insert_new
from .events import Event, from_payload, to_payload
from .models import BaseInboxMessage, BaseOutboxMessage
from .registry import CORE, shop_app_labels

logger = logging.getLogger(__name__)

# A web request that commits while the broker is down waits at most about
# this long before leaving the event to the periodic relay.
PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}


class UnknownEventVersion(Exception):
    """A consumer got a version of its event it was not written for."""


def _app_model(app_label: str, model_name: str, base):
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise ImproperlyConfigured(
            f"App '{app_label}' has no {model_name} model (a subclass of {base.__name__})."
        ) from None
    if not issubclass(model, base):
        raise ImproperlyConfigured(f"{app_label}.{model_name} must subclass {base.__name__}.")
    return model


def outbox_models() -> list:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, BaseOutboxMessage) and model._meta.app_label in shop_app_labels()
    ]


def subscribers(event_name: str) -> tuple[str, ...]:
    """
    The task names that receive an event called ``event_name`` now: the event
    catalog's consumers, then its on-demand consumers whose service wants the
    event (``demand``, one cache read when it has any).
    """
    always = eventcatalog.subscribers(event_name)
    maybe = eventcatalog.on_demand(event_name)
    if not maybe:
        return always
    wants = demand.wanted_by({name.split(".", 1)[0] for name in maybe})
    return always + tuple(
        name
        for name in maybe
        if (names := wants[name.split(".", 1)[0]]) is None or event_name in names
    )


# --- Publishing -------------------------------------------------------------


def publish(event: Event) -> uuid.UUID:
    """
    Record ``event`` in its app's outbox, to be relayed when the surrounding
    transaction commits. Returns the event id.
    """
    if not isinstance(event, Event):
        raise TypeError(f"publish() takes an Event, not {type(event).__name__}.")
    eventcatalog.entry(event.name)
    model = _app_model(event.app_label(), "OutboxMessage", BaseOutboxMessage)
    using = router.db_for_write(model)
    if not transaction.get_connection(using).in_atomic_block:
        raise RuntimeError(
            "publish() must be called inside transaction.atomic(), together with "
            "the change the event announces."
        )
    event_id = uuid.uuid4()
    with tracing.publishing(event.name, event_id) as trace_context:
        message = model.objects.using(using).create(
            id=event_id,
            event_name=event.name,
            event_version=event.version,
            payload=to_payload(event),
            **trace_context,
        )
    transaction.on_commit(lambda: _relay_committed(model, message), using=using)
    return message.id


def _relay_committed(model, message) -> None:
    """
    Hand the row just committed to the broker as the transaction wrote it,
    without reading it back: one UPDATE marks it sent. (A periodic relay
    only takes rows ``OUTBOX_RESEND_AFTER`` old, so it does not race this;
    if it ever did, the event would go twice, which consumers absorb.)
    """
    _deliver(model, [message])


def relay_pending(*, older_than: float | None = None, limit: int = 500) -> tuple[int, int]:
    """
    Send outbox rows that were committed but never handed to the broker, the
    least failed first (so events that keep failing never hold up newer
    ones), parked rows left out. Returns ``(sent, failed)``. Rows locked by a
    concurrent relay are skipped.
    """
    age = settings.OUTBOX_RESEND_AFTER if older_than is None else older_than
    cutoff = timezone.now() - timedelta(seconds=age)
    sent = failed = 0
    for model in outbox_models():
        with transaction.atomic(using=router.db_for_write(model)):
            batch = (
                model.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, parked_at__isnull=True, created_at__lte=cutoff)
                .order_by("failures", "created_at")[:limit]
            )
            model_sent, model_failed = _deliver(model, batch)
        sent += model_sent
        failed += model_failed
    return sent, failed


def _deliver(model, messages) -> tuple[int, int]:
    """
    Hand ``messages`` to the broker, in order. The first one the broker
    cannot take ends the run: the others would each wait out the publish
    retries too (half a second apiece, minutes for a backlog) and fail the
    same way; the next run tries again, and nothing counts against the event.
    A message that fails for a reason of its own (a consumer failing
    in-process) counts a failure, is parked after ``OUTBOX_MAX_FAILURES``, and
    does not hold the others back.
    """
    sent = failed = 0
    for message in messages:
        try:
            _send(message)
        except BrokerUnreachable as exc:
            failed += 1
            logger.warning("Outbox %s not relayed, the broker is unreachable: %s", message, exc)
            model.objects.filter(pk=message.pk).update(
                attempts=F("attempts") + 1, last_error=_describe(exc)
            )
            break
        except Exception as exc:
            failed += 1
            _count_failure(model, message, exc)
        else:
            sent += 1
            model.objects.filter(pk=message.pk).update(
                attempts=F("attempts") + 1, sent_at=timezone.now(), last_error=""
            )
    return sent, failed


def _describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _count_failure(model, message, exc: Exception) -> None:
    """A failure of the event itself: counted, and the event parked at the limit."""
    failures = message.failures + 1
    park = failures >= settings.OUTBOX_MAX_FAILURES
    model.objects.filter(pk=message.pk).update(
        attempts=F("attempts") + 1,
        failures=F("failures") + 1,
        last_error=_describe(exc),
        parked_at=timezone.now() if park else None,
    )
    if park:
        logger.error(
            "Outbox %s parked after %s failures: %s. Nothing sends it until staff do (the "
            "admin's outbox, filter Parked, action Send again; or manage.py relay_outbox "
            "--parked).",
            message,
            failures,
            _describe(exc),
        )
    else:
        logger.warning("Outbox %s not relayed (failure %s), will retry: %s", message, failures, exc)


def resend_parked(model, ids=None) -> tuple[int, int]:
    """
    Put ``model``'s parked events (those of ``ids``, or all) back in the
    relay's hands with their failures forgotten, and relay them now.
    Returns ``(sent, failed)``; one that fails again waits for the relay and
    is parked again after ``OUTBOX_MAX_FAILURES``.
    """
    with transaction.atomic(using=router.db_for_write(model)):
        parked = model.objects.select_for_update().filter(parked_at__isnull=False)
        if ids is not None:
            parked = parked.filter(pk__in=list(ids))
        pks = list(parked.order_by("created_at").values_list("pk", flat=True))
        model.objects.filter(pk__in=pks).update(failures=0, parked_at=None)
        rows = model.objects.select_for_update().filter(pk__in=pks).order_by("created_at")
        return _deliver(model, rows)


def parked_counts() -> dict[str, int]:
    """How many events each app's outbox has parked (apps with none left out)."""
    counts = {
        model._meta.app_label: model.objects.filter(parked_at__isnull=False).count()
        for model in outbox_models()
    }
    return {app: count for app, count in counts.items() if count}


@dataclass(frozen=True)
class ParkedEvents:
    """The events of one name a service's outbox has parked: how many, and since when."""

    service: str
    event_name: str
    count: int
    oldest_created_at: datetime
    last_parked_at: datetime


def parked_events() -> list[ParkedEvents]:
    """
    Every service's parked events by name (one query per outbox, using its
    "parked" index), the services in the admin's order.
    """
    found = []
    for model in outbox_models():
        rows = (
            model.objects.filter(parked_at__isnull=False)
            .order_by()
            .values("event_name")
            .annotate(count=Count("pk"), oldest=Min("created_at"), last=Max("parked_at"))
            .order_by("event_name")
        )
        found += [
            ParkedEvents(
                service=model._meta.app_label,
                event_name=row["event_name"],
                count=row["count"],
                oldest_created_at=row["oldest"],
                last_parked_at=row["last"],
            )
            for row in rows
        ]
    return found


def _send(message: BaseOutboxMessage) -> None:
    """
    Hand ``message`` to its consumers in the trace of the span that published
    it, however much later and in whichever process (decision 0045).
    """
    with tracing.resumed(message.traceparent, message.tracestate):
        _send_now(message)


def _send_now(message: BaseOutboxMessage) -> None:
    app = current_app
    envelope = message.envelope()
    consumers = subscribers(message.event_name)
    if app.conf.task_always_eager:
        for task_name in consumers:
            task = app.tasks[task_name]
            # In-process there is no later: one attempt (no retries that would
            # block the request), and a failure keeps the row for the relay.
            task_id = str(uuid.uuid5(message.id, task_name))
            result = task.apply(args=(envelope,), task_id=task_id, retries=task.max_retries or 0)
            if result.failed():
                raise result.result
        return
    for service, names in _by_service(consumers).items():
        if len(names) == 1:
            _send_task(names[0], envelope)
        else:
            _send_task(f"{service}.{DELIVER_VERB}", envelope, names)


def _by_service(consumers) -> dict[str, list[str]]:
    """The consumer task names grouped by the service (queue) each runs in, in order."""
    grouped: dict[str, list[str]] = {}
    for name in consumers:
        grouped.setdefault(name.split(".", 1)[0], []).append(name)
    return grouped


def _send_task(task_name: str, envelope: dict, *extra, **options) -> None:
    """Hand ``envelope`` to ``task_name`` (by name, through the broker)."""
    current_app.send_task(
        task_name,
        args=(envelope, *extra),
        task_id=str(uuid.uuid5(uuid.UUID(envelope["id"]), task_name)),
        retry=True,
        retry_policy=PUBLISH_RETRY_POLICY,
        # What the worker's logs and monitors show of the arguments: the
        # event, not its payload (customers' data; and Celery's repr of it
        # cost a tenth of publishing).
        argsrepr=f"({envelope['name']} v{envelope['version']} {envelope['id']})",
        kwargsrepr="{}",
        **options,
    )


# A service with several consumers of one event gets it in one message, to
# the task "<service>.deliver_event" (decision 0043).
DELIVER_VERB = "deliver_event"
_deliverers: dict[str, object] = {}


def deliver_to_consumers(envelope: dict, names: list[str]) -> None:
    """
    Run each consumer ``names`` of the event in ``envelope``, in turn, as its
    own task would (its own transaction, its inbox mark or its own key). A
    consumer that fails is sent on as its own task, retried with its own
    backoff, and the others still run; one this worker does not have (a newer
    consumer than its code) is sent on as its own task too. Raises only if
    the broker will not take such a message: then the whole message is
    retried, and the consumers that ran absorb the second delivery.
    """
    for name in names:
        consume = getattr(current_app.tasks.get(name), "consume", None)
        if consume is None:
            _send_task(name, envelope)
            continue
        try:
            with tracing.span(f"run/{name}", {"celery.task_name": name}):
                consume(envelope)
        except Exception:
            logger.warning(
                "%s failed on event %s (delivered with the other consumers of its service); "
                "sent on as its own task, to be retried",
                name,
                envelope.get("id"),
                exc_info=True,
            )
            _send_task(name, envelope, countdown=1)


def _deliverer(app_label: str) -> None:
    """Declare ``<app_label>.deliver_event`` (once) where the app's consumers are."""
    name = f"{app_label}.{DELIVER_VERB}"
    if name in _deliverers:
        return
    _deliverers[name] = shared_task(
        name=name,
        acks_late=True,
        autoretry_for=(Exception,),
        retry_backoff=True,
        retry_backoff_max=300,
        max_retries=10,
    )(deliver_to_consumers)


def prune_messages(*, outbox_days: int = 7, inbox_days: int = 30) -> int:
    """Delete sent outbox rows and inbox marks past their retention; returns the count."""
    now = timezone.now()
    deleted = 0
    for model in apps.get_models():
        if model._meta.app_label not in shop_app_labels():
            continue
        if issubclass(model, BaseOutboxMessage):
            old = model.objects.filter(sent_at__lt=now - timedelta(days=outbox_days))
        elif issubclass(model, BaseInboxMessage):
            old = model.objects.filter(processed_at__lt=now - timedelta(days=inbox_days))
        else:
            continue
        deleted += old.delete()[0]
    return deleted


# --- Consuming --------------------------------------------------------------


def consumer(
    event_type: type[Event],
    *,
    name: str,
    versions: tuple[int, ...] | None = None,
    inbox: bool = True,
    envelope: bool = False,
    **task_options,
):
    """
    Turn ``handler(event)`` into a Celery task named ``name`` ("<app>.<verb>")
    that runs once per event, however often the event is delivered.

    ``versions`` are the versions of the event the handler understands (by
    default the event class's own); any other is refused, unmarked, and
    retried. The handler runs in a transaction with the inbox mark; if it
    raises, both roll back and Celery retries with backoff. ``inbox=False``
    leaves the mark out, for a handler that is idempotent by keys of its own
    (its docstring says which): a redelivery runs it again and it does nothing.
    ``envelope=True`` calls ``handler(event, envelope)``, for a handler that
    needs the event's id or when it occurred (webhooks keys its deliveries by it).
    """
    app_label, _, verb = name.partition(".")
    if not verb:
        raise ImproperlyConfigured(f"Consumer task name {name!r} must be '<app>.<verb>'.")
    known_versions = tuple(versions or (event_type.version,))
    with_envelope = envelope

    def decorator(handler):
        options = {
            "acks_late": True,
            "autoretry_for": (Exception,),
            "retry_backoff": True,
            "retry_backoff_max": 300,
            "max_retries": 10,
            **task_options,
        }

        def consume(envelope: dict):
            if tracing.is_on():
                tracing.annotate(
                    {
                        "shop.event.id": envelope.get("id", ""),
                        "shop.event.name": envelope.get("name", ""),
                    }
                )
            version = envelope.get("version", 1)
            if version not in known_versions:
                logger.error(
                    "%s refuses event %s: %s version %s, it knows version(s) %s; left unmarked "
                    "to be retried once a consumer that knows it runs",
                    name,
                    envelope.get("id"),
                    envelope.get("name"),
                    version,
                    ", ".join(map(str, known_versions)),
                )
                raise UnknownEventVersion(
                    f"{name} does not know version {version} of {envelope.get('name')}."
                )
            event = from_payload(event_type, envelope["payload"])
            arguments = (event, envelope) if with_envelope else (event,)
            if not inbox:
                with transaction.atomic(using=_handler_alias(app_label)):
                    handler(*arguments)
                return
            model = _app_model(app_label, "InboxMessage", BaseInboxMessage)
            using = router.db_for_write(model)
            with transaction.atomic(using=using):
                mark = model(event_id=envelope["id"], consumer=name, event_name=envelope["name"])
                if not insert_new(mark, using=using):
                    logger.info("%s already handled event %s", name, envelope["id"])
                    return
                handler(*arguments)

        task = shared_task(
            name=name, event_name=event_type.name, event_versions=known_versions, **options
        )(consume)
        task.handler = handler
        # The body without Celery's retries, for ``deliver_to_consumers``.
        task.consume = consume
        _deliverer(app_label)
        return task

    return decorator


def _handler_alias(app_label: str) -> str:
    """The database of the consuming app (its inbox's, which it has whether it uses it or not)."""
    return router.db_for_write(_app_model(app_label, "InboxMessage", BaseInboxMessage))


def route_task(name, args, kwargs, options, task=None, **kw):
    """
    Celery router: a task named ``<app>.<verb>`` goes to the queue ``<app>``,
    for the apps installed here and for every service the event catalog
    names, installed or not: a publisher hands an event to a consumer running
    in another process (another deployment) by its queue, without its code.
    """
    app_label = name.split(".", 1)[0]
    if app_label == CORE:
        return {"queue": settings.SHOP_CORE_QUEUE}
    if app_label in shop_app_labels() or app_label in eventcatalog.services():
        return {"queue": app_label}
    return None
