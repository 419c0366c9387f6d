import sys
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from shop.catalog import csv_io


class Command(BaseCommand):
    help = (
        "Write the catalog as CSV, one row per variant, in the format import_catalog reads "
        "(to a file, or to standard output with - or no argument)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", help="Where to write; - for stdout.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, file, no_progress, verbosity, **options):
        bar = tqdm(
            total=csv_io.count_variants(),
            unit="variant",
            desc="Exporting",
            file=sys.stderr,
            disable=no_progress or verbosity == 0 or not sys.stderr.isatty(),
        )
        with self._open(file) as out, bar:
            count = csv_io.export_catalog(out, progress=bar.update)
        if verbosity and file != "-":
            self.stdout.write(self.style.SUCCESS(f"Exported {count} variant(s) to {file}."))

    def _open(self, file: str):
        if file == "-":
            return nullcontext(_Raw(self.stdout))
        try:
            return Path(file).open("w", encoding="utf-8", newline="")
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}.") from None


class _Raw:
    """Write through Django's ``OutputWrapper`` without it adding line endings."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")
