"""
Deliveries: one per event and subscribed enabled endpoint, each sent until
it is answered 2xx or its retries run out.

- ``record`` makes them for an event (idempotent: a delivery's id is derived
  from the event's and the endpoint's, so a redelivered event inserts
  nothing new) and asks for them to be sent once they commit.
- ``claim`` takes deliveries that are due (``next_attempt_at`` passed) under
  ``SELECT … FOR UPDATE SKIP LOCKED``, and pushes their ``next_attempt_at``
  past the attempt (a lease): a worker that dies mid-attempt leaves the
  delivery due again when the lease ends, and two workers never send one
  delivery at once. The table is the schedule: the periodic ``send_due``
  finds every delivery due, whatever happened to the Celery messages.
- ``attempt`` sends one, logs it (``Attempt``) and decides what next: 2xx
  delivered; otherwise the next try after ``RETRY_DELAYS`` (5 s, 5 min,
  30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about a day and a
  half), then failed. An endpoint whose attempts have failed without a
  success for ``WEBHOOKS_DISABLE_AFTER_HOURS`` is disabled, its waiting
  deliveries failed, and staff who may change endpoints are emailed, once.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from shop.accounts import public as accounts

from .. import metrics, payloads, sending, signing
from ..db import db
from ..models import Attempt, Delivery, Endpoint
from . import endpoints

logger = logging.getLogger(__name__)

RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
TEST_EVENT = "webhook.test"
PERMISSION = "webhooks.change_endpoint"


def delivery_id(event_id, endpoint_id) -> uuid.UUID:
    return uuid.uuid5(uuid.UUID(str(event_id)), f"webhooks/{endpoint_id}")


def record(event_type: str, event_id, occurred_at: datetime, data: dict) -> list[uuid.UUID]:
    """
    A delivery of ``data`` as ``event_type`` to each enabled endpoint that
    wants it (two statements); each is sent once the transaction commits.
    Returns the deliveries' ids.

    An event no endpoint wants came because the relay had no record of what
    webhooks wants (it fails open: Redis restarted, the record expired, beat
    not running yet): it is told again now, so the next such event is not sent.
    """
    wanted = [
        endpoint_id
        for endpoint_id, types in Endpoint.objects.filter(enabled=True).values_list(
            "pk", "event_types"
        )
        if event_type in (types or ())
    ]
    if not wanted:
        endpoints.announce_demand()
        return []
    now = timezone.now()
    ids = [delivery_id(event_id, endpoint_id) for endpoint_id in wanted]
    Delivery.objects.bulk_create(
        [
            Delivery(
                id=delivery,
                endpoint_id=endpoint_id,
                event_id=event_id,
                event_type=event_type,
                body=payloads.body(str(delivery), event_type, occurred_at, data),
                next_attempt_at=now,
                created_at=now,
            )
            for delivery, endpoint_id in zip(ids, wanted, strict=True)
        ],
        ignore_conflicts=True,
    )
    db.on_commit(lambda: _send_soon(ids))
    return ids


def _send_soon(ids) -> None:
    from ..tasks import send_delivery

    for delivery in ids:
        send_delivery.delay(str(delivery))


def send_test(endpoint: Endpoint) -> uuid.UUID:
    """A ``webhook.test`` delivery to ``endpoint`` (enabled or not), sent now."""
    event_id = uuid.uuid4()
    now = timezone.now()
    delivery = delivery_id(event_id, endpoint.pk)
    with db.atomic():
        Delivery.objects.create(
            id=delivery,
            endpoint=endpoint,
            event_id=event_id,
            event_type=TEST_EVENT,
            body=payloads.body(
                str(delivery), TEST_EVENT, now, {"message": "A test event from the shop."}
            ),
            next_attempt_at=now,
            created_at=now,
        )
    send([delivery], include_disabled=True)
    return delivery


def send_again(delivery_ids) -> int:
    """Put deliveries (failed, delivered or waiting) back in line, due now, with fresh retries."""
    with db.atomic():
        count = Delivery.objects.filter(pk__in=list(delivery_ids)).update(
            status=Delivery.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            delivered_at=None,
        )
    db.on_commit(lambda: _send_soon(delivery_ids))
    return count


def _lease() -> timedelta:
    return timedelta(seconds=2 * settings.WEBHOOKS_TIMEOUT + 60)


@dataclass(frozen=True)
class Claimed:
    id: uuid.UUID
    endpoint_id: int
    url: str
    secret: str
    body: str
    attempts: int


def claim(ids=None, *, limit: int = 50, include_disabled: bool = False) -> list[Claimed]:
    """
    The due deliveries (of ``ids``, or any), at most ``limit``, each leased to
    this caller: two statements however many.
    """
    now = timezone.now()
    with db.atomic(savepoint=False):
        due = Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        rows = list(
            due.select_for_update(skip_locked=True, of=("self",))
            .filter(**({} if include_disabled else {"endpoint__enabled": True}))
            .order_by("next_attempt_at")
            .values_list(
                "pk", "endpoint_id", "endpoint__url", "endpoint__secret", "body", "attempts"
            )[:limit]
        )
        if rows:
            Delivery.objects.filter(pk__in=[row[0] for row in rows]).update(
                next_attempt_at=now + _lease()
            )
    return [Claimed(*row) for row in rows]


def send(ids=None, *, limit: int = 50, include_disabled: bool = False) -> int:
    """Claim the due deliveries (of ``ids``, or any) and attempt each; how many were tried."""
    claimed = claim(ids, limit=limit, include_disabled=include_disabled)
    for delivery in claimed:
        attempt(delivery)
    return len(claimed)


def attempt(delivery: Claimed) -> sending.Outcome:
    """One attempt at ``delivery``, logged, and what it leads to."""
    started = timezone.now()
    body = delivery.body.encode()
    headers = signing.headers(delivery.secret, str(delivery.id), started, body)
    outcome = sending.post(delivery.url, body, headers)
    number = delivery.attempts + 1
    now = timezone.now()
    with db.atomic(savepoint=False):
        Attempt.objects.create(
            delivery_id=delivery.id,
            number=number,
            started_at=started,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            response_excerpt=outcome.excerpt,
            error=outcome.error,
            succeeded=outcome.succeeded,
        )
        change = {
            "attempts": number,
            "last_status_code": outcome.status_code,
            "last_error": outcome.error
            or ("" if outcome.succeeded else f"HTTP {outcome.status_code}"),
        }
        if outcome.succeeded:
            result = "delivered"
            change |= {
                "status": Delivery.Status.DELIVERED,
                "delivered_at": now,
                "next_attempt_at": None,
            }
            Endpoint.objects.filter(pk=delivery.endpoint_id, failing_since__isnull=False).update(
                failing_since=None
            )
        elif number >= MAX_ATTEMPTS:
            result = "failed"
            change |= {"status": Delivery.Status.FAILED, "next_attempt_at": None}
        else:
            result = "retrying"
            change |= {"next_attempt_at": now + RETRY_DELAYS[number - 1]}
        Delivery.objects.filter(pk=delivery.id, status=Delivery.Status.PENDING).update(**change)
        if not outcome.succeeded:
            _failed_at(delivery.endpoint_id, now)
        db.on_commit(lambda: metrics.DELIVERIES.labels(result).inc())
    if not outcome.succeeded:
        logger.warning(
            "Webhook delivery %s to endpoint %s failed (attempt %s, %s): %s",
            delivery.id,
            delivery.endpoint_id,
            number,
            result,
            change["last_error"],
        )
    return outcome


def _failed_at(endpoint_id: int, now: datetime) -> None:
    """Start the endpoint's run of failures, or end it by disabling it after a day."""
    Endpoint.objects.filter(pk=endpoint_id, failing_since__isnull=True).update(failing_since=now)
    limit = now - timedelta(hours=settings.WEBHOOKS_DISABLE_AFTER_HOURS)
    reason = (
        f"Every delivery failed for {settings.WEBHOOKS_DISABLE_AFTER_HOURS:g} hours; "
        f"disabled {now:%Y-%m-%d %H:%M} UTC."
    )
    disabled = Endpoint.objects.filter(
        pk=endpoint_id, enabled=True, failing_since__lte=limit
    ).update(enabled=False, disabled_at=now, disabled_reason=reason)
    if not disabled:
        return
    given_up = Delivery.objects.filter(
        endpoint_id=endpoint_id, status=Delivery.Status.PENDING
    ).update(
        status=Delivery.Status.FAILED, next_attempt_at=None, last_error="The endpoint was disabled."
    )
    logger.error("Webhook endpoint %s disabled: %s", endpoint_id, reason)
    db.on_commit(lambda: _disabled(endpoint_id, reason, given_up))


def _disabled(endpoint_id: int, reason: str, given_up: int) -> None:
    metrics.ENDPOINTS_DISABLED.inc()
    endpoints.announce_demand()
    endpoint = Endpoint.objects.filter(pk=endpoint_id).values("url", "description").first()
    recipients = accounts.staff_emails(PERMISSION)
    if not (endpoint and recipients):
        return
    send_mail(
        subject=f"[{settings.SHOP_NAME}] Webhook endpoint disabled: {endpoint['url']}",
        message=(
            f"The webhook endpoint {endpoint['url']}"
            f"{' (' + endpoint['description'] + ')' if endpoint['description'] else ''} "
            f"was disabled. {reason}\n\n"
            f"{given_up} waiting deliveries were marked failed. Once the receiver works "
            "again, enable the endpoint in the admin (Webhooks > Endpoints, action "
            '"Enable") and send the failed deliveries again (Webhooks > Deliveries, filter '
            'Failed, action "Send again").\n'
        ),
        from_email=None,
        recipient_list=list(recipients),
    )


def due_count() -> int:
    return Delivery.objects.filter(
        status=Delivery.Status.PENDING,
        next_attempt_at__lte=timezone.now(),
        endpoint__enabled=True,
    ).count()
