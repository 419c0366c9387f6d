"""
What every export command shares: where the rows go (a file, or standard
output for ``-``), a progress bar on standard error (only on a terminal, and
not with ``--no-progress`` or ``-v 0``), and CSV as RFC 4180 writes it.

An app's command subclasses ``ExportCommand`` and hands ``write_csv`` its
columns and an iterator of rows streamed from its selectors, so an export's
memory does not grow with the data.
"""

import csv
import sys
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

STDOUT = "-"


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
                writer.writerow(row)
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
