import sys
from functools import partial
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from shop.catalog import csv_io


class Command(BaseCommand):
    help = (
        "Create and update variants (and their products) from a CSV file, one row per "
        "variant, matched by SKU. Every row is checked first: a file with a bad row changes "
        "nothing unless --skip-invalid. Columns: " + ", ".join(csv_io.COLUMNS) + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8, with or without a BOM).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; write nothing."
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the good rows and report the bad ones (exit status 0).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, file, dry_run, skip_invalid, no_progress, verbosity, **options):
        path = Path(file)
        try:
            stream = path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise CommandError(f"Cannot open {file}: {exc.strerror}.") from None
        progress = partial(
            tqdm,
            unit="row",
            desc=f"Importing {path.name}",
            file=sys.stderr,
            disable=no_progress or verbosity == 0 or not sys.stderr.isatty(),
        )
        with stream:
            try:
                report = csv_io.import_catalog(
                    stream,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    note=f"Import of {path.name}",
                    progress=progress,
                )
            except csv_io.ImportFileError as exc:
                raise CommandError(f"{file}: {exc}") from None
        errors = "\n".join(f"  {error}" for error in report.errors)
        if report.errors and not report.written and not dry_run:
            raise CommandError(
                f"{file}: {report.bad_lines} bad row(s); nothing was imported "
                f"(fix them, or use --skip-invalid):\n{errors}"
            )
        if report.errors:
            skipped = "would be skipped" if dry_run else "skipped"
            self.stderr.write(
                self.style.WARNING(f"{report.bad_lines} bad row(s) {skipped}:\n{errors}")
            )
        if verbosity:
            prefix = "Dry run, nothing written. " if dry_run else ""
            self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
