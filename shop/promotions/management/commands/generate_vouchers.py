"""
``manage.py generate_vouchers COUNT --kind percent --value 10 [--prefix XMAS-]
[--batch NAME] [--minimum 50] [--valid-until 2026-12-31] [--output FILE]``

Make ``COUNT`` single-use codes and write them as CSV (to standard output
without ``--output``), spreadsheet-safe like every export.
"""

from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date

from shop.core.exports import STDOUT, ExportCommand
from shop.promotions.generating import CSV_COLUMNS, csv_rows, generate
from shop.promotions.models import Voucher


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"{text!r} is not an amount.") from None
    if not value.is_finite() or value < 0:
        raise CommandError(f"{text!r} is not an amount of at least 0.")
    return value


def _day_end(text: str) -> datetime:
    day = parse_date(text or "")
    if day is None:
        raise CommandError(f"{text!r} is not a date (YYYY-MM-DD).")
    return timezone.make_aware(datetime.combine(day, time.max))


class Command(ExportCommand):
    help = "Make a batch of unique single-use voucher codes and export them as CSV."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("count", type=int)
        parser.add_argument("--kind", choices=Voucher.Kind.values, default=Voucher.Kind.PERCENT)
        parser.add_argument("--value", default="0", help="Percent or amount off.")
        parser.add_argument("--prefix", default="")
        parser.add_argument("--length", type=int, default=10)
        parser.add_argument("--batch", default="", help="A name staff can filter the batch by.")
        parser.add_argument("--minimum", default="0", help="Minimum subtotal.")
        parser.add_argument("--valid-until", default=None, help="Last valid day (YYYY-MM-DD).")
        parser.add_argument("--output", default=STDOUT)

    def handle(self, *args, **options):
        count = options["count"]
        if not 1 <= count <= 100_000:
            raise CommandError("COUNT must be between 1 and 100000.")
        if not 6 <= options["length"] <= 30:
            raise CommandError("--length must be between 6 and 30.")
        value = _decimal(options["value"])
        if options["kind"] == Voucher.Kind.PERCENT and value > 100:
            raise CommandError("A percentage cannot be above 100.")
        prefix = options["prefix"]
        if len(prefix) + options["length"] > 40:
            raise CommandError("The prefix and length make codes longer than 40 characters.")
        vouchers = generate(
            count,
            kind=options["kind"],
            value=value,
            prefix=prefix,
            length=options["length"],
            batch=options["batch"],
            minimum_subtotal=_decimal(options["minimum"]),
            valid_until=_day_end(options["valid_until"]) if options["valid_until"] else None,
        )
        progress = self.progress_bar(
            len(vouchers),
            "codes",
            no_progress=options["no_progress"],
            verbosity=options["verbosity"],
        )
        written = self.write_csv(
            options["output"], CSV_COLUMNS, csv_rows(vouchers), progress=progress
        )
        self.report(options["output"], written, "voucher codes", options["verbosity"])
