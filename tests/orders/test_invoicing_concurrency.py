"""
Orders completed at the same instant get invoices with contiguous numbers:
the ``orders.issue_invoice`` consumer and the confirmation email (which
issues the invoice to attach it) race for every order, on PostgreSQL, each
in its own thread and connection, as workers would.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from shop.invoices.models import Invoice, NumberSequence
from shop.orders import tasks
from shop.orders.models import OutboxMessage

from .factories import make_order

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ORDERS = 6


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("The concurrency proof needs PostgreSQL: set DATABASE_URL.")


@pytest.fixture(autouse=True)
def _events_stay_in_the_outbox(monkeypatch):
    """The threads below deliver them: keep them off the broker a worker may be reading."""
    monkeypatch.setattr("shop.core.messaging._relay_committed", lambda model, pk: None)


def test_orders_completed_at_once_get_one_invoice_each_with_contiguous_numbers(
    ada, mailoutbox, settings
):
    settings.ORDERS_ATTACH_INVOICE = True  # the email issues the invoice too: both race
    orders = [make_order(user_id=ada.pk) for _ in range(ORDERS)]
    envelopes = [
        message.envelope()
        for message in OutboxMessage.objects.filter(event_name="orders.OrderPlaced")
    ]
    jobs = [(task, envelope) for envelope in envelopes
            for task in (tasks.issue_invoice, tasks.email_order_placed)]  # fmt: skip
    start = threading.Barrier(len(jobs))

    def consume(job):
        task, envelope = job
        try:
            start.wait()
            task(envelope)
        except Exception as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(consume, jobs))

    assert [r for r in results if r is not None] == []
    invoices = Invoice.objects.order_by("sequence")
    assert sorted(i.order_number for i in invoices) == sorted(o.number for o in orders)
    assert [i.sequence for i in invoices] == list(range(1, ORDERS + 1))
    assert NumberSequence.objects.get(series="INV").last == ORDERS
    assert len(mailoutbox) == ORDERS
    attached = {mail.attachments[0][0] for mail in mailoutbox}
    assert attached == {f"{i.number}.pdf" for i in invoices}
