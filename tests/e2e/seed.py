"""
The store the browser tests shop in: a raincoat in three sizes (one dearer)
with a photo, two other products for search to leave out, a staff member in
the Order managers role and one in the Catalog managers role, the demo's tax
rates, and shipping to the United Kingdom and France at the prices a new
shop starts with, to Germany by its own zone (standard only, 3.90), and
nowhere else (Brazil is refused); a voucher for 10 % off; a jacket on a
running "Winter sale" (25 % off 120.00) and two gift cards, one worth less
than the jacket and one worth more. ``python -m tests.e2e.seed`` against the
shop's database (``LiveShop.run``); the constants are what the tests look
for.
"""

RAINCOAT = "Harbour Raincoat"
RAINCOAT_SIZES = {"S": "89.00", "M": "89.00", "L": "95.00"}
OTHER_PRODUCTS = ("Canvas Tote", "Wool Beanie")

GERMAN_DELIVERY = "Standard delivery within Germany"
VOUCHER = "HARBOUR10"  # 10 % off anything, as often as anyone likes
GIFT_CARD = "HRBR-GFTC-RD50-EUR5"  # a gift card worth 50.00 (decision 0030)
LARGE_GIFT_CARD = "HRBR-GFTC-C100-EUR9"  # worth 100.00: pays a whole jacket

JACKET = "Sailcloth Jacket"  # 120.00, 90.00 in the sale (decision 0029)
JACKET_PRICE = "120.00"
SALE = "Winter sale"
SALE_PERCENT = "25"
SALE_DAYS = 30

STAFF_EMAIL = "dispatch@example.com"
STAFF_PASSWORD = "parcel-desk-5521"
CATALOG_STAFF_EMAIL = "merchandising@example.com"
CATALOG_STAFF_PASSWORD = "shelf-label-7730"


def _photo() -> bytes:
    """A small JPEG, so pages show a product image from MEDIA_URL."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (640, 480), (11, 110, 79)).save(buffer, format="JPEG")
    return buffer.getvalue()


def seed() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from shop.accounts.roles import CATALOG_MANAGERS, ORDER_MANAGERS
    from shop.catalog.gift_card_product import create_gift_card_product
    from shop.catalog.models import ProductImage
    from shop.promotions.models import Voucher
    from tests.catalog.factories import make_category, make_product

    call_command("seed_tax_rates", verbosity=0)  # the demo's: GB 20 %, DE 19 %, ...
    outerwear = make_category("Outerwear")
    raincoat = make_product(
        RAINCOAT,
        category=outerwear,
        description="A light, fully taped raincoat for wet harbour days.",
        variants=[
            {"sku": f"RAIN-{size}", "options": {"size": size}, "price": price, "stock_on_hand": 20}
            for size, price in RAINCOAT_SIZES.items()
        ],
    )
    ProductImage.objects.create(
        product=raincoat, image=ContentFile(_photo(), name="raincoat.jpg"), alt_text="Front view"
    )
    for name in OTHER_PRODUCTS:
        make_product(name, price="19.00", stock=20, category=outerwear)

    staff = get_user_model().objects.create_user(
        email=STAFF_EMAIL, password=STAFF_PASSWORD, is_staff=True
    )
    staff.groups.add(Group.objects.get(name=ORDER_MANAGERS))
    merchandiser = get_user_model().objects.create_user(
        email=CATALOG_STAFF_EMAIL, password=CATALOG_STAFF_PASSWORD, is_staff=True
    )
    merchandiser.groups.add(Group.objects.get(name=CATALOG_MANAGERS))
    _shipping()
    Voucher.objects.create(code=VOUCHER, kind="percent", value=10)
    _gift_card(GIFT_CARD, "50.00")
    _gift_card(LARGE_GIFT_CARD, "100.00")
    _sale(make_product(JACKET, price=JACKET_PRICE, stock=20, category=outerwear))
    create_gift_card_product()  # "Gift card", €25/€50/€100: bought cards (decision 0030)


def _gift_card(code: str, amount: str) -> None:
    """A card with a code the browser tests (and a person trying the shop) can type."""
    from decimal import Decimal

    from shop.promotions.issuing import issue
    from shop.promotions.models import GiftCard

    card = issue(f"e2e:gift-card:{code}", Decimal(amount), note="The browser tests' card")
    GiftCard.objects.filter(pk=card.pk).update(code=code)


def _sale(product) -> None:
    """
    The sale on ``product``, started an hour ago; saving it announces it, and
    catalog (in this process, on commit) prices the product by it.
    """
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from shop.promotions.models import Sale

    now = timezone.now()
    Sale.objects.create(
        name=SALE,
        kind="percent",
        value=Decimal(SALE_PERCENT),
        product_ids=[product.pk],
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=SALE_DAYS),
    )


def _shipping() -> None:
    from shop.shipping.models import ShippingZone
    from tests.shipping.factories import make_method, make_zone

    ShippingZone.objects.filter(rest_of_world=True).update(
        name="UK and France", rest_of_world=False, countries="GB,FR"
    )
    germany = make_zone("Germany", ["DE"], position=1)
    make_method(germany, "standard", name=GERMAN_DELIVERY, rates=((None, "3.90"),))


if __name__ == "__main__":
    import django

    django.setup()
    seed()
