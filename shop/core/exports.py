"""
What every export command shares: where the rows go (a file, or standard
output for ``-``), a progress bar on standard error (only on a terminal, and
not with ``--no-progress`` or ``-v 0``), and CSV as RFC 4180 writes it.

An app's command subclasses ``ExportCommand`` and hands ``write_csv`` its
columns and an iterator of rows streamed from its selectors, so an export's
memory does not grow with the data.

Every text cell is written spreadsheet-safe (``neutralise``): a cell that
Excel, LibreOffice or Google Sheets would run as a formula (one starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return, as OWASP lists them)
gets a leading apostrophe, which spreadsheets take as "this is text" and do
not show. Only ``str`` cells: numbers, amounts and dates handed over as
``Decimal``, ``int`` or ``datetime`` stay numbers, negative ones included.
An import that reads an export back undoes it with ``restore``
(docs/decisions/0017-spreadsheet-safe-exports.md).
"""

import csv
import sys
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

STDOUT = "-"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    """
    ``cell``, with an apostrophe before it if it is text a spreadsheet would
    run as a formula. Text that already starts with apostrophes before such a
    character gets one more, so ``restore`` gives back exactly what was
    written.
    """
    if isinstance(cell, str) and cell.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def restore(text: str) -> str:
    """The text ``neutralise`` was given: one leading apostrophe dropped where it added one."""
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


class ExportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def open_output(self, target: str):
        """A context manager over the text stream to write: ``target`` or standard output."""
        if target == STDOUT:
            return nullcontext(_Raw(self.stdout))
        try:
            return Path(target).open("w", encoding="utf-8", newline="")
        except OSError as exc:
            raise CommandError(f"Cannot write {target}: {exc.strerror}.") from None

    def progress_bar(self, total: int, unit: str, *, no_progress: bool, verbosity: int) -> tqdm:
        return tqdm(
            total=total,
            unit=unit,
            desc="Exporting",
            file=sys.stderr,
            disable=no_progress or verbosity == 0 or not sys.stderr.isatty(),
        )

    def write_csv(
        self, target: str, columns: Sequence[str], rows: Iterable[Sequence], *, progress: tqdm
    ) -> int:
        """Write a header and ``rows`` to ``target``; returns how many rows were written."""
        count = 0
        with self.open_output(target) as out, progress:
            writer = csv.writer(out)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([neutralise(cell) for cell in row])
                count += 1
                progress.update()
        return count

    def report(self, target: str, count: int, what: str, verbosity: int) -> None:
        """Say what was written, unless it went to standard output."""
        if verbosity and target != STDOUT:
            self.stdout.write(self.style.SUCCESS(f"Exported {count} {what} to {target}."))


class _Raw:
    """Write through Django's ``OutputWrapper`` without it adding line endings."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")
