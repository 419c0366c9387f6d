from django.core.management.base import BaseCommand

from shop.catalog.services import reservations


class Command(BaseCommand):
    help = (
        "Close stock reservations past their expiry (the periodic task "
        "catalog.release_expired_reservations does the same)."
    )

    def handle(self, *args, **options):
        count = reservations.release_expired_reservations()
        noun = "reservation" if count == 1 else "reservations"
        self.stdout.write(self.style.SUCCESS(f"Released {count} expired {noun}."))
