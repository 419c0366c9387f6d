"""The spreadsheet-safe cells every export writes (``shop.core.exports``)."""

from datetime import date
from decimal import Decimal

import pytest

from shop.core.exports import neutralise, restore


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),
        ("Linen shirt", "Linen shirt"),
        ("'quoted", "'quoted"),
        ("1-2", "1-2"),
        ("", ""),
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe_and_reads_back_unchanged(cell, written):
    assert neutralise(cell) == written
    assert restore(written) == cell


@pytest.mark.parametrize("value", [Decimal("-5.00"), -3, 2.5, date(2026, 11, 3), None])
def test_numbers_and_dates_stay_as_they_are_negative_amounts_included(value):
    assert neutralise(value) is value
