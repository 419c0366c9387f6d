from django.core.management.base import BaseCommand

from shop.catalog.gift_card_product import create_gift_card_product
from shop.catalog.models import Category


class Command(BaseCommand):
    help = (
        "The demo's 'Gift card' product: €25, €50 and €100 variants, each a gift card "
        "worth its price, in the 'Gifts' category if there is one. Does nothing when it exists."
    )

    def handle(self, *args, verbosity, **options):
        product = create_gift_card_product(Category.objects.filter(slug="gifts").first())
        if verbosity:
            self.stdout.write(
                "The gift card product exists already; nothing to do."
                if product is None
                else self.style.SUCCESS("Created the Gift card product (€25, €50, €100).")
            )
