from shop.catalog import csv_io
from shop.core.exports import STDOUT, ExportCommand


class Command(ExportCommand):
    help = (
        "Write the catalog as CSV, one row per variant, in the format import_catalog reads "
        "(to a file, or to standard output with - or no argument)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=STDOUT, help="Where to write; - for stdout.")
        super().add_arguments(parser)

    def handle(self, *args, file, no_progress, verbosity, **options):
        progress = self.progress_bar(
            csv_io.count_variants(), "variant", no_progress=no_progress, verbosity=verbosity
        )
        count = self.write_csv(file, csv_io.COLUMNS, csv_io.export_rows(), progress=progress)
        self.report(file, count, "variant(s)", verbosity)
