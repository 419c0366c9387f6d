from django.core.management.base import BaseCommand

from shop.shipping import demo


class Command(BaseCommand):
    help = (
        "Replace the default shipping zone with the demo's: Germany, the EU, the United "
        "Kingdom and a few countries overseas, with rates by weight and by order value; "
        "every other country (Brazil, say) is not served. Does nothing when staff have "
        "changed the zones, unless --reset."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true", help="Replace the zones even if staff changed them."
        )

    def handle(self, *args, reset, verbosity, **options):
        if not reset and not demo.is_untouched():
            self.stdout.write("Shipping zones were set up already; nothing to do (--reset).")
            return
        methods = demo.seed()
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {len(demo.ZONES)} shipping zones with {methods} methods; "
                    "countries outside them (Brazil, say) are not served."
                )
            )
