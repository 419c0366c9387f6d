"""
Gap-free numbers per series and year: ``INV-2026-00001``, ``INV-2026-00002`` …

``take(series, year)`` moves the sequence's row on by one and gives back its
new value in the same statement, inside the caller's transaction, which then
inserts the document under that number. The UPDATE takes the row's write
lock (on SQLite the transaction holds the database's write lock anyway), so
a second transaction asking for a number waits until the first commits and
then gets the next one; if the first rolls back, its increment goes with it
and the number is given again, and one that finds its document issued by
another meanwhile gives it back (``give_back``). A number is therefore never
shared and never skipped. A new year's row is created with INSERT … ON
CONFLICT DO NOTHING, so two first documents of a year create it once.
"""

from django.db.models import F

from shop.core.db import update_returning

from .models import NumberSequence

INVOICE = "INV"
CREDIT_NOTE = "CN"
DIGITS = 5


def take(series: str, year: int) -> int:
    """
    The next number of ``series`` in ``year``; call it inside the transaction
    that uses it. One statement: the row moved on and its new value given
    back together (``UPDATE … RETURNING``).
    """
    sequence = NumberSequence.objects.filter(series=series, year=year)
    taken = update_returning(sequence, ("last",), last=F("last") + 1)
    if not taken:
        NumberSequence.objects.bulk_create(
            [NumberSequence(series=series, year=year, last=0)], ignore_conflicts=True
        )
        taken = update_returning(sequence, ("last",), last=F("last") + 1)
    return taken[0][0]


def give_back(series: str, year: int) -> None:
    """
    Undo this transaction's ``take``, whose number no document got: the row is
    still locked by that ``take``, so nobody took a number after it.
    """
    NumberSequence.objects.filter(series=series, year=year).update(last=F("last") - 1)


def formatted(series: str, year: int, number: int) -> str:
    return f"{series}-{year}-{number:0{DIGITS}d}"
