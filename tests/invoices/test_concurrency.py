"""
The proof that numbers are gap-free under load: threads with their own
PostgreSQL connections issue invoices and credit notes at the same instant.
Two documents never share a number, none is skipped, a rolled-back one gives
its number back, and racing calls for one order issue one invoice.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from shop.invoices import public as invoices
from shop.invoices.db import db
from shop.invoices.models import CreditNote, Invoice, NumberSequence

from .factories import credit_request, invoice_request, order_number

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

CALLERS = 12


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.fail("The concurrency proof needs PostgreSQL: set DATABASE_URL.")


def race(work, count: int = CALLERS) -> list:
    """``work(i)`` in ``count`` threads released at once; each result, or the exception raised."""
    start = threading.Barrier(count)

    def run(index):
        try:
            start.wait()
            return work(index)
        except Exception as error:
            return error
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def sequences(numbers) -> list[int]:
    return sorted(int(number.rsplit("-", 1)[1]) for number in numbers)


def test_invoices_issued_at_the_same_instant_take_contiguous_numbers():
    orders = [order_number() for _ in range(CALLERS)]

    results = race(lambda i: invoices.issue_invoice(invoice_request(orders[i])).number)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sequences(results) == list(range(1, CALLERS + 1))
    assert Invoice.objects.count() == CALLERS
    assert NumberSequence.objects.get(series="INV").last == CALLERS


def test_racing_calls_for_one_order_issue_one_invoice_and_use_one_number():
    number = order_number()

    results = race(lambda _i: invoices.issue_invoice(invoice_request(number)).number)

    assert [r for r in results if isinstance(r, Exception)] == []
    assert len(set(results)) == 1
    assert Invoice.objects.get().sequence == 1
    assert NumberSequence.objects.get(series="INV").last == 1


def test_invoices_rolled_back_while_others_commit_leave_no_gap():
    class Crash(Exception):
        pass

    orders = [order_number() for _ in range(CALLERS)]

    def issue(i):
        with db.atomic():
            issued = invoices.issue_invoice(invoice_request(orders[i]))
            if i % 3 == 0:
                raise Crash(issued.number)
        return issued.number

    results = race(issue)

    committed = [r for r in results if isinstance(r, str)]
    assert len(committed) == CALLERS - len(range(0, CALLERS, 3))
    assert sequences(committed) == list(range(1, len(committed) + 1))
    assert sequences(Invoice.objects.values_list("number", flat=True)) == sequences(committed)
    assert NumberSequence.objects.get(series="INV").last == len(committed)


def test_credit_notes_of_racing_refunds_take_contiguous_numbers_and_never_overcredit():
    number = order_number()
    invoices.issue_invoice(invoice_request(number))  # 134.60: room for 5 credits of 23.80

    results = race(lambda i: invoices.issue_credit_note(credit_request(number, f"re_{i}")).number)

    issued = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, invoices.InvalidDocumentRequest)]
    assert len(issued) == 5
    assert len(refused) == CALLERS - 5
    assert sequences(issued) == [1, 2, 3, 4, 5]
    assert CreditNote.objects.count() == 5
