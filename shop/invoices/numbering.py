"""
Gap-free numbers per series and year: ``INV-2026-00001``, ``INV-2026-00002`` …

``take(series, year)`` moves the sequence's row on by one and reads it back,
inside the caller's transaction, which then inserts the document under that
number. The UPDATE comes first: it takes the row's write lock (on SQLite the
transaction holds the database's write lock anyway), so a second transaction
asking for a number waits until the first commits and then gets the next one;
if the first rolls back, its increment goes with it and the number is given
again. A number is therefore never shared and never skipped. A new year's
row is created with INSERT … ON CONFLICT DO NOTHING, so two first documents
of a year create it once.
"""

from django.db.models import F

from .models import NumberSequence

INVOICE = "INV"
CREDIT_NOTE = "CN"
DIGITS = 5


def take(series: str, year: int) -> int:
    """The next number of ``series`` in ``year``; call it inside the transaction that uses it."""
    sequence = NumberSequence.objects.filter(series=series, year=year)
    if not sequence.update(last=F("last") + 1):
        NumberSequence.objects.bulk_create(
            [NumberSequence(series=series, year=year, last=0)], ignore_conflicts=True
        )
        sequence.update(last=F("last") + 1)
    return sequence.values_list("last", flat=True).get()


def formatted(series: str, year: int, number: int) -> str:
    return f"{series}-{year}-{number:0{DIGITS}d}"
