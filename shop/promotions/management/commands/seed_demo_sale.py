from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.utils import timezone

from shop.promotions.models import Sale


class Command(BaseCommand):
    help = (
        "A running demo sale, 'Winter sale': 20 % off the catalog categories given by id "
        "(their subcategories too; default 1, the demo store's first department) for two "
        "weeks. Promotions knows no category names: make demo passes the id. Does nothing "
        "when a sale exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--category-ids", type=int, nargs="+", default=[1])

    def handle(self, *args, category_ids, verbosity, **options):
        if Sale.objects.exists():
            self.stdout.write("A sale exists already; nothing to do.")
            return
        now = timezone.now()
        Sale.objects.create(
            name="Winter sale",
            kind=Sale.Kind.PERCENT,
            value=Decimal(20),
            category_ids=category_ids,
            starts_at=now,
            ends_at=now + timedelta(days=14),
        )
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS("Created the Winter sale: 20 % off for two weeks.")
            )
