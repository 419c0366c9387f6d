"""
Events go through the publishing app's outbox: delivered after commit, never
after a rollback, late (not lost) when the broker is down, and acted on once
however often they arrive.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

import pytest
from celery import current_app
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.utils import timezone

from shop.cart.db import db as cart_db
from shop.cart.models import OutboxMessage as CartOutbox
from shop.core import eventcatalog, messaging
from shop.core.events import Event
from shop.core.messaging import publish, relay_pending
from shop.core.registry import shop_app_labels
from shop.core.tasks import relay_outbox
from shop.orders.models import InboxMessage as OrdersInbox
from shop.orders.models import OutboxMessage as OrdersOutbox
from tests.conftest import broker_is_real, wait_for

from .messaging import BROKEN, Line, Pinged, Ponged, answer_ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def ping(note: str) -> Pinged:
    return Pinged(note=note, amount=Decimal("12.30"), at=timezone.now(), lines=(Line("SKU-1", 2),))


def answers(note: str) -> int:
    return OrdersOutbox.objects.filter(event_name=Ponged.name, payload__note=note).count()


def publish_committed(note: str):
    with cart_db.atomic():
        return publish(ping(note))


def test_committed_event_reaches_its_consumer_only_after_commit():
    with cart_db.atomic():
        event_id = publish(ping("hello"))
        assert answers("hello") == 0

    assert wait_for(lambda: answers("hello") == 1)
    assert CartOutbox.objects.get(pk=event_id).sent_at is not None


def test_event_published_in_rolled_back_transaction_is_never_delivered():
    class CheckoutFailed(Exception):
        pass

    with pytest.raises(CheckoutFailed), cart_db.atomic():
        publish(ping("ghost"))
        raise CheckoutFailed

    assert not CartOutbox.objects.exists()
    assert relay_pending(older_than=0) == (0, 0)
    publish_committed("after the ghost")
    assert wait_for(lambda: answers("after the ghost") == 1)
    assert answers("ghost") == 0


def test_event_committed_while_broker_is_down_is_delivered_once_it_is_back(
    broker_unreachable, settings
):
    settings.OUTBOX_RESEND_AFTER = 0
    with broker_unreachable():
        event_id = publish_committed("patience")
        message = CartOutbox.objects.get(pk=event_id)
        assert message.sent_at is None
        assert "OperationalError" in message.last_error
        assert relay_outbox() == {"sent": 0, "failed": 1}

    assert answers("patience") == 0
    assert relay_outbox() == {"sent": 1, "failed": 0}
    assert wait_for(lambda: answers("patience") == 1)
    assert CartOutbox.objects.get(pk=event_id).attempts == 3


def test_a_relay_run_stops_at_the_first_event_the_broker_cannot_take(broker_unreachable, settings):
    """Otherwise a backlog of N events would hold the relay for N publish timeouts."""
    settings.OUTBOX_RESEND_AFTER = 0
    with broker_unreachable():
        ids = [publish_committed(f"backlog {number}") for number in range(3)]
        attempts = dict(CartOutbox.objects.filter(pk__in=ids).values_list("pk", "attempts"))

        assert relay_outbox() == {"sent": 0, "failed": 1}

        tried = dict(CartOutbox.objects.filter(pk__in=ids).values_list("pk", "attempts"))
        assert sum(tried[pk] - attempts[pk] for pk in ids) == 1

    assert relay_outbox() == {"sent": 3, "failed": 0}
    assert wait_for(lambda: all(answers(f"backlog {number}") == 1 for number in range(3)))


def test_same_event_delivered_twice_is_acted_on_once():
    event_id = publish_committed("twice")
    assert wait_for(lambda: answers("twice") == 1)

    # The relay died after sending but before recording it: the periodic
    # relay sends the event again, and a stray copy arrives as well.
    CartOutbox.objects.filter(pk=event_id).update(sent_at=None)
    assert relay_pending(older_than=0) == (1, 0)
    answer_ping.apply(args=(CartOutbox.objects.get(pk=event_id).envelope(),))

    publish_committed("barrier")
    assert wait_for(lambda: answers("barrier") == 1)
    assert not wait_for(lambda: answers("twice") > 1, timeout=1)
    assert OrdersInbox.objects.filter(event_id=event_id).count() == 1


def test_periodic_relay_leaves_just_committed_events_to_the_on_commit_relay(
    broker_unreachable, settings
):
    settings.OUTBOX_RESEND_AFTER = 60
    with broker_unreachable():
        publish_committed("fresh")

    assert relay_pending() == (0, 0)
    assert relay_pending(older_than=0) == (1, 0)
    assert wait_for(lambda: answers("fresh") == 1)


def test_publishing_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match=r"transaction\.atomic"):
        publish(ping("loose"))
    assert not CartOutbox.objects.exists()


@pytest.fixture
def in_process_delivery():
    """Deliver in this process, as on a laptop without a broker."""
    app = current_app
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def test_event_whose_consumer_fails_in_process_is_kept_and_delivered_later(in_process_delivery):
    BROKEN["now"] = True
    try:
        event_id = publish_committed("broken once")
        row = CartOutbox.objects.get(pk=event_id)
        assert row.sent_at is None
        assert "ConsumerBroken" in row.last_error
        assert answers("broken once") == 0
    finally:
        BROKEN["now"] = False

    assert relay_pending(older_than=0) == (1, 0)
    assert answers("broken once") == 1


@dataclass(frozen=True)
class Foreign(Event):
    """Heard only by a service this process does not run."""

    name: ClassVar[str] = "cart.TestForeign"

    note: str


eventcatalog.declare(Foreign.name, consumers=["elsewhere.count_it"])


@pytest.mark.services
def test_an_event_reaches_the_queue_of_a_consumer_whose_code_is_not_here():
    """
    The relay sends by the catalog's task name to the consumer's queue: the
    service that will run ``elsewhere.count_it`` is not installed here, and
    nothing of its code is imported.
    """
    if not broker_is_real():
        pytest.fail("Needs a real broker: make services-test.")
    assert "elsewhere" not in shop_app_labels()
    with current_app.connection_for_write() as connection:
        redis = connection.default_channel.client
        redis.delete("elsewhere")
        try:
            with cart_db.atomic():
                event_id = publish(Foreign(note="over there"))

            assert wait_for(lambda: redis.llen("elsewhere") == 1)
            message = json.loads(redis.lindex("elsewhere", 0))
        finally:
            redis.delete("elsewhere")
            # Celery declared the queue to send to it; this process consumes no such queue.
            current_app.amqp.queues.pop("elsewhere", None)

    assert message["headers"]["task"] == "elsewhere.count_it"
    assert CartOutbox.objects.get(pk=event_id).sent_at is not None
    # What monitors and the worker's logs show of it: the event, not its payload.
    assert message["headers"]["argsrepr"] == f"({Foreign.name} v1 {event_id})"
    assert "over there" not in json.dumps(message["headers"])


# --- poison events: parked after a bounded number of their own failures ------------------


@pytest.fixture
def consumer_broken():
    BROKEN["now"] = True
    yield
    BROKEN["now"] = False


@pytest.fixture
def parked(in_process_delivery, consumer_broken, settings):
    """An event whose consumer failed OUTBOX_MAX_FAILURES (2) times: parked."""
    settings.OUTBOX_MAX_FAILURES = 2
    event_id = publish_committed("broken forever")
    relay_pending(older_than=0)
    assert CartOutbox.objects.get(pk=event_id).state == "parked"
    return event_id


def test_an_event_whose_consumer_always_fails_is_parked_after_the_set_failures(
    in_process_delivery, consumer_broken, settings, caplog
):
    settings.OUTBOX_MAX_FAILURES = 3
    event_id = publish_committed("broken forever")

    assert relay_pending(older_than=0) == (0, 1)
    assert relay_pending(older_than=0) == (0, 1)
    assert relay_pending(older_than=0) == (0, 0)
    assert relay_pending(older_than=0) == (0, 0)

    row = CartOutbox.objects.get(pk=event_id)
    assert (row.state, row.failures, row.attempts) == ("parked", 3, 3)
    assert "ConsumerBroken: broken forever" in row.last_error
    assert f"Outbox {row} parked after 3 failures" in caplog.text
    assert answers("broken forever") == 0


def test_a_broker_outage_never_parks_an_event(broker_unreachable, settings):
    """At least once: the broker being away is not the event's fault, however long it lasts."""
    settings.OUTBOX_RESEND_AFTER = 0
    settings.OUTBOX_MAX_FAILURES = 2
    with broker_unreachable():
        event_id = publish_committed("outage")
        for _ in range(4):
            assert relay_outbox() == {"sent": 0, "failed": 1}
        row = CartOutbox.objects.get(pk=event_id)
        assert (row.state, row.failures, row.attempts) == ("waiting", 0, 5)

    assert relay_outbox() == {"sent": 1, "failed": 0}
    assert wait_for(lambda: answers("outage") == 1)


def test_an_event_that_keeps_failing_does_not_hold_up_newer_ones(
    in_process_delivery, consumer_broken, settings, monkeypatch
):
    """The relay takes the least failed first: a failing event waits behind a new one."""
    settings.OUTBOX_MAX_FAILURES = 100
    publish_committed("broken again and again")
    monkeypatch.setattr(messaging, "_relay_committed", lambda model, pk: None)  # the relay's job
    publish_committed("newer")

    assert relay_pending(older_than=0, limit=1) == (1, 0)

    assert answers("newer") == 1


def test_a_parked_event_is_listed_for_staff_with_its_error_and_sent_again(
    parked, client, django_user_model
):
    admin = django_user_model.objects.create_superuser(email="root@example.com", password="x")
    client.force_login(admin)
    outbox = "/admin/cart/outboxmessage/"

    listing = client.get(outbox, {"state": "parked"})
    assert [row.pk for row in listing.context["cl"].result_list] == [parked]
    assert "ConsumerBroken: broken forever" in listing.content.decode()
    BROKEN["now"] = False  # the consumer is fixed

    response = client.post(
        outbox, {"action": "send_again", "_selected_action": [str(parked)]}, follow=True
    )

    assert "Sent 1 event(s) again." in response.content.decode()
    assert CartOutbox.objects.get(pk=parked).state == "sent"
    assert answers("broken forever") == 1


def test_only_staff_who_may_change_the_outbox_can_send_events_again(parked, client):
    viewer = get_user_model().objects.create_user(
        email="viewer@example.com", password="x", is_staff=True
    )
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_outboxmessage", content_type__app_label="cart")
    )
    client.force_login(viewer)

    listing = client.get("/admin/cart/outboxmessage/")

    assert listing.status_code == 200
    assert "send_again" not in listing.content.decode()


def test_relay_outbox_names_parked_events_and_sends_them_again_with_parked(parked, capsys):
    call_command("relay_outbox")
    assert "1 event(s) are parked" in capsys.readouterr().err
    BROKEN["now"] = False

    call_command("relay_outbox", "--parked", "--id", str(parked))

    assert "Sent 1 parked event(s) again; 0 failed again." in capsys.readouterr().out
    assert answers("broken forever") == 1


def test_an_event_sent_again_that_fails_again_waits_for_the_relay(parked, capsys):
    call_command("relay_outbox", "--parked")

    assert "Sent 0 parked event(s) again; 1 failed again." in capsys.readouterr().out
    row = CartOutbox.objects.get(pk=parked)
    assert (row.state, row.failures) == ("waiting", 1)
