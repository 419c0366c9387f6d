from django.core.management.base import BaseCommand

from ...demo import DEMO_RATES, seed_tax_rates


class Command(BaseCommand):
    help = "Create the demo tax rates (standard, reduced, zero) of a few countries, if missing."

    def handle(self, *args, **options):
        created = seed_tax_rates()
        countries = ", ".join(DEMO_RATES)
        self.stdout.write(f"{created} tax rates created ({countries}; others are untaxed).")
