"""
Deliveries: one per event and endpoint, sent from the table, retried on the
schedule for about a day, logged per attempt; an endpoint failing for a day
is disabled and its staff told once.
"""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone

from shop.webhooks.models import Attempt, Delivery, Endpoint
from shop.webhooks.services import deliveries, endpoints
from shop.webhooks.tasks import send_due

pytestmark = pytest.mark.django_db


def record(event_type="order.placed", event_id=None):
    return deliveries.record(
        event_type, event_id or uuid.uuid4(), datetime.now(UTC), {"number": "SO-1"}
    )


def make_due(*ids):
    Delivery.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())


def test_an_event_becomes_one_delivery_per_endpoint_that_wants_it_and_once(receiver, endpoint):
    endpoints.create(receiver.url, ["order.shipped"])
    disabled = endpoints.create(receiver.url, ["order.placed"])
    endpoints.update(disabled, enabled=False)
    event_id = uuid.uuid4()

    first = record(event_id=event_id)
    again = record(event_id=event_id)

    assert first == again
    assert list(Delivery.objects.values_list("endpoint_id", flat=True)) == [endpoint.pk]


def test_a_2xx_answer_delivers_and_logs_the_attempt(receiver, endpoint):
    receiver.answer = b"x" * 5000
    (delivery,) = record()

    assert deliveries.send() == 1

    row = Delivery.objects.get(pk=delivery)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 1, 200)
    attempt = Attempt.objects.get(delivery=row)
    assert attempt.succeeded and attempt.status_code == 200
    assert attempt.response_excerpt == "x" * 1024
    assert deliveries.send() == 0


def test_failures_are_retried_after_5s_5min_30min_2h_5h_10h_10h_then_failed(receiver, endpoint):
    receiver.status = 500
    (delivery,) = record()
    waits = []

    for _ in range(8):
        before = timezone.now()
        assert deliveries.send() == 1
        row = Delivery.objects.get(pk=delivery)
        if row.next_attempt_at:
            waits.append(round((row.next_attempt_at - before).total_seconds() / 5) * 5)
        make_due(delivery)

    assert waits == [5, 300, 1800, 7200, 18000, 36000, 36000]
    row = Delivery.objects.get(pk=delivery)
    assert (row.status, row.attempts, row.last_error) == ("failed", 8, "HTTP 500")
    assert Attempt.objects.filter(delivery=row, succeeded=False).count() == 8
    assert deliveries.send() == 0


def test_a_refused_connection_is_logged_with_its_error(receiving, settings):
    endpoint = endpoints.create("http://127.0.0.1:9/", ["order.placed"])
    (delivery,) = record()

    deliveries.send()

    attempt = Attempt.objects.get(delivery_id=delivery)
    assert attempt.status_code is None and "Error" in attempt.error
    assert Endpoint.objects.get(pk=endpoint.pk).failing_since is not None


def test_due_deliveries_are_found_in_the_table_by_the_periodic_task(receiver, endpoint):
    ids = [record()[0] for _ in range(3)]  # no on-commit send ran: as if the worker restarted

    assert send_due() == 3

    assert set(Delivery.objects.values_list("status", flat=True)) == {"delivered"}
    assert len(receiver.received) == 3 and set(ids) == set(
        Delivery.objects.values_list("pk", flat=True)
    )


def test_a_delivery_claimed_by_a_worker_that_died_is_due_again_when_its_lease_ends(
    receiver, endpoint
):
    (delivery,) = record()
    assert [claimed.id for claimed in deliveries.claim()] == [delivery]
    assert deliveries.claim() == []

    make_due(delivery)

    assert deliveries.send() == 1
    assert Delivery.objects.get(pk=delivery).status == "delivered"


@pytest.fixture
def webhook_staff(django_user_model):
    staff = django_user_model.objects.create_user(
        email="ops@example.com", password="pw-for-tests-1", is_staff=True
    )
    staff.user_permissions.add(Permission.objects.get(codename="change_endpoint"))
    django_user_model.objects.create_user(
        email="support@example.com", password="pw-for-tests-1", is_staff=True
    )
    return staff


def test_an_endpoint_failing_for_a_day_is_disabled_and_its_staff_emailed_once(
    receiver, endpoint, webhook_staff, django_capture_on_commit_callbacks
):
    receiver.status = 503
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(hours=23)
    )
    first, waiting = record()[0], record()[0]
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.send([first])
    assert Endpoint.objects.get(pk=endpoint.pk).enabled
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - timedelta(hours=24, minutes=1)
    )
    make_due(first)

    with django_capture_on_commit_callbacks(execute=True):
        deliveries.send([first])
        deliveries.send_test(Endpoint.objects.get(pk=endpoint.pk))

    row = Endpoint.objects.get(pk=endpoint.pk)
    assert not row.enabled and "failed for 24 hours" in row.disabled_reason
    assert Delivery.objects.get(pk=waiting).status == "failed"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ops@example.com"]
    assert receiver.url in mail.outbox[0].subject


def test_a_success_ends_the_run_of_failures(receiver, endpoint):
    receiver.status = 500
    (first,) = record()
    deliveries.send()
    assert Endpoint.objects.get(pk=endpoint.pk).failing_since is not None
    receiver.status = 204
    make_due(first)

    deliveries.send()

    assert Endpoint.objects.get(pk=endpoint.pk).failing_since is None


def test_send_again_puts_a_failed_delivery_back_with_fresh_retries(receiver, endpoint):
    (delivery,) = record()
    Delivery.objects.filter(pk=delivery).update(status="failed", attempts=8, next_attempt_at=None)

    deliveries.send_again([delivery])
    deliveries.send()

    assert Delivery.objects.get(pk=delivery).status == "delivered"
    assert len(receiver.received) == 1


def test_making_deliveries_costs_the_same_queries_for_one_endpoint_as_for_five(
    receiver, endpoint, django_assert_num_queries
):
    with django_assert_num_queries(2):
        record()
    for _ in range(4):
        endpoints.create(receiver.url, ["order.placed"])

    with django_assert_num_queries(2):
        record()


def test_sending_costs_a_bounded_number_of_queries_per_delivery(
    receiver, endpoint, django_assert_num_queries
):
    for _ in range(5):
        record()

    # The claim (a locked read and the lease) and, per delivery, its attempt,
    # the delivery's update and the endpoint's (two when it fails).
    with django_assert_num_queries(2 + 5 * 3):
        assert deliveries.send() == 5
