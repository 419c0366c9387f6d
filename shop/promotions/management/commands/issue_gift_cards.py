"""
``manage.py issue_gift_cards --amount 50 --count 10 [--expires YYYY-MM-DD]
[--note TEXT] [--output FILE]``

Issue ``--count`` gift cards worth ``--amount`` each and write them, codes in
full, as spreadsheet-safe CSV (to standard output without ``--output``).
"""

import uuid

from django.core.management.base import CommandError

from shop.core.exports import STDOUT, ExportCommand
from shop.promotions.db import db
from shop.promotions.issuing import CSV_COLUMNS, csv_rows, issue

from .generate_vouchers import _day_end, _decimal


class Command(ExportCommand):
    help = "Issue gift cards worth an amount each and export their codes as CSV."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--amount", required=True)
        parser.add_argument("--count", type=int, default=1)
        parser.add_argument("--expires", default=None, help="Last valid day (YYYY-MM-DD).")
        parser.add_argument("--note", default="", help="A note staff see in the admin.")
        parser.add_argument("--output", default=STDOUT)

    def handle(self, *args, **options):
        count = options["count"]
        if not 1 <= count <= 10_000:
            raise CommandError("--count must be between 1 and 10000.")
        amount = _decimal(options["amount"])
        if amount <= 0 or amount != amount.quantize(amount.__class__("0.01")):
            raise CommandError("--amount must be above 0, to the cent.")
        expires = _day_end(options["expires"]) if options["expires"] else None
        batch = uuid.uuid4().hex[:12]
        with db.atomic():
            cards = [
                issue(f"staff:{batch}:{n}", amount, expires_at=expires, note=options["note"])
                for n in range(count)
            ]
        progress = self.progress_bar(
            len(cards), "cards", no_progress=options["no_progress"], verbosity=options["verbosity"]
        )
        written = self.write_csv(options["output"], CSV_COLUMNS, csv_rows(cards), progress=progress)
        self.report(options["output"], written, "gift cards", options["verbosity"])
