"""
What the catalog API shows and accepts. Reads serialize what the selectors
return (annotated products, variants with ``available``); writes only validate
the shape of a request, the rules live in ``services``.
"""

from decimal import Decimal
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from shop.taxes import public as taxes

from ..images import detail_image_url, list_thumbnail_url
from ..models import PRICE_DIGITS, StockMovement
from ..sale_prices import Pricing, pricing, variant_pricing
from ..selectors import low_stock_threshold
from ..services.shipping_and_tax import MAX_GRAMS
from .answers import listed_product_answer

MAX_BULK_ITEMS = 1000


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(**PRICE_DIGITS, **kwargs)


def note_field() -> serializers.CharField:
    return serializers.CharField(
        max_length=StockMovement._meta.get_field("note").max_length,
        required=False,
        default="",
        help_text="Why, kept in the stock ledger.",
    )


def absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request else url


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class CategoryNodeSerializer(serializers.Serializer):
    """A node of ``selectors.category_tree()`` with its subcategories, nested."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    products = serializers.SerializerMethodField()

    def get_fields(self):
        fields = super().get_fields()
        fields["children"] = CategoryNodeSerializer(many=True, read_only=True)
        return fields

    @extend_schema_field(
        serializers.URLField(help_text="Its products, those of its subcategories included.")
    )
    def get_products(self, node):
        url = reverse("catalog-api:product-list", request=self.context.get("request"))
        return f"{url}?{urlencode({'category': node.slug})}"


class ProductBaseSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    category = CategoryRefSerializer(allow_null=True)
    currency = serializers.SerializerMethodField(help_text="ISO 4217 code of every amount.")
    prices_include_tax = serializers.SerializerMethodField(
        help_text=(
            'Whether its prices include the tax ("incl. VAT", gross, the default) or the tax '
            'is added at checkout ("plus tax", net). The tax itself follows the delivery '
            "country: see the cart's estimate and the checkout."
        )
    )
    url = serializers.HyperlinkedIdentityField(
        view_name="catalog-api:product-detail", lookup_field="slug"
    )

    def get_currency(self, obj) -> str:
        return settings.SHOP_CURRENCY

    def get_prices_include_tax(self, obj) -> bool:
        return taxes.prices_include_tax()


class SaleSerializer(serializers.Serializer):
    """The sale that lowers a price now."""

    name = serializers.CharField(source="sale_name", help_text='E.g. "Winter sale".')
    ends_at = serializers.DateTimeField(
        source="sale_ends_at", allow_null=True, help_text="When it ends; null: open-ended."
    )


def sale_of(now: Pricing) -> dict | None:
    return SaleSerializer(now).data if now.sale_name else None


class ProductListItemSerializer(ProductBaseSerializer):
    """A product of ``selectors.product_listing()``, with its annotations."""

    price_from = money(help_text="The lowest price of its variants now, a sale's included.")
    compare_at_from = serializers.SerializerMethodField()
    sale = serializers.SerializerMethodField()
    in_stock = serializers.BooleanField(help_text="At least one variant is available now.")
    thumbnail = serializers.SerializerMethodField()

    def to_representation(self, product):
        """
        What the fields above give, written out (decision 0041): they stay the
        schema and the reference, and a test keeps the two equal.
        """
        return self._answer(product)

    @cached_property
    def _answer(self):
        """Made at a page's first product, for all of them: the list shares one child."""
        return listed_product_answer(self.context.get("request"), self.context.get("format"))

    def _pricing(self, product) -> Pricing:
        return pricing(
            product.regular_from,
            product.compare_at_from,
            product.price_from,
            product.sale_name_from,
            product.sale_ends_from,
        )

    @extend_schema_field(
        money(
            allow_null=True,
            help_text=(
                "What to show struck through beside price_from: the cheapest variant's "
                "compare-at price, or its regular price while a sale lowers it; null if none."
            ),
        )
    )
    def get_compare_at_from(self, product):
        value = self._pricing(product).compare_at_price
        return None if value is None else money().to_representation(value)

    @extend_schema_field(SaleSerializer(allow_null=True))
    def get_sale(self, product):
        return sale_of(self._pricing(product))

    @extend_schema_field(serializers.URLField(allow_null=True, help_text="480x360 JPEG."))
    def get_thumbnail(self, product):
        if not product.thumbnail_name:
            return None
        return absolute(self.context.get("request"), list_thumbnail_url(product.thumbnail_name))


class ImageSerializer(serializers.Serializer):
    image = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()
    alt_text = serializers.CharField()

    @extend_schema_field(serializers.URLField(help_text="Fits in 960x960, JPEG."))
    def get_image(self, image):
        return absolute(self.context.get("request"), detail_image_url(image.image.name))

    @extend_schema_field(serializers.URLField(help_text="480x360 JPEG."))
    def get_thumbnail(self, image):
        return absolute(self.context.get("request"), list_thumbnail_url(image.image.name))


class VariantSerializer(serializers.Serializer):
    sku = serializers.CharField()
    options = serializers.DictField(
        child=serializers.CharField(), help_text='Option values, e.g. {"size": "M"}; {} if none.'
    )
    label = serializers.CharField(help_text='The option values as text, e.g. "M / Blue".')
    price = serializers.SerializerMethodField()
    compare_at_price = serializers.SerializerMethodField()
    on_sale = serializers.SerializerMethodField()
    sale = serializers.SerializerMethodField()
    available = serializers.IntegerField(help_text="Units that can be bought now.")
    low_stock = serializers.SerializerMethodField(
        help_text='Available, but few units left (the storefront\'s "only 3 left").'
    )

    @extend_schema_field(money(help_text="What it costs now, a sale's price included."))
    def get_price(self, variant):
        return money().to_representation(variant_pricing(variant).price)

    @extend_schema_field(
        money(
            allow_null=True,
            help_text=(
                "What to show struck through: the former price, or the regular price while a "
                "sale lowers it (the higher of the two); null if none."
            ),
        )
    )
    def get_compare_at_price(self, variant):
        value = variant_pricing(variant).compare_at_price
        return None if value is None else money().to_representation(value)

    def get_on_sale(self, variant) -> bool:
        """The compare-at price is above the price."""
        return variant_pricing(variant).on_sale

    @extend_schema_field(SaleSerializer(allow_null=True))
    def get_sale(self, variant):
        return sale_of(variant_pricing(variant))

    def get_low_stock(self, variant) -> bool:
        return 0 < variant.available <= low_stock_threshold()


class ProductDetailSerializer(ProductBaseSerializer):
    """A product of ``selectors.product_detail()``: its variants carry ``available``."""

    description = serializers.CharField()
    price_from = serializers.SerializerMethodField()
    in_stock = serializers.SerializerMethodField(help_text="At least one variant is available.")
    images = ImageSerializer(many=True, source="images.all")
    variants = VariantSerializer(many=True, source="variants.all")

    @extend_schema_field(
        money(
            allow_null=True,
            help_text="The lowest price of its variants now, a sale's included; null if none.",
        )
    )
    def get_price_from(self, product):
        prices = [variant_pricing(variant).price for variant in product.variants.all()]
        return money().to_representation(min(prices)) if prices else None

    def get_in_stock(self, product) -> bool:
        return any(variant.available > 0 for variant in product.variants.all())


# --- staff ----------------------------------------------------------------------


class StaffVariantSerializer(serializers.Serializer):
    """A variant as stock and pricing systems see it."""

    sku = serializers.CharField()
    product = serializers.SlugField(source="product.slug", help_text="The product's slug.")
    label = serializers.CharField()
    is_active = serializers.BooleanField()
    price = money()
    compare_at_price = money(allow_null=True)
    stock_on_hand = serializers.IntegerField(help_text="Units in the warehouse.")
    reserved = serializers.IntegerField(help_text="Units held by checkouts in progress.")
    available = serializers.IntegerField(help_text="On hand minus reserved, never below 0.")
    tax_class = serializers.CharField(
        help_text="What it is taxed as: a code of the taxes service (standard, reduced, zero …)."
    )
    weight_grams = serializers.IntegerField(
        help_text="The packed weight of one unit in grams, for shipping by weight (0: not set)."
    )
    gift_card = serializers.BooleanField(
        help_text="Sold as a gift card worth its price (set in the admin or the CSV import)."
    )
    currency = serializers.SerializerMethodField(help_text="ISO 4217 code of the prices.")

    def get_currency(self, obj) -> str:
        return settings.SHOP_CURRENCY


class VariantUpdateSerializer(serializers.Serializer):
    price = money(min_value=Decimal(0), required=False)
    compare_at_price = money(
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        help_text="The former or list price; null removes it.",
    )
    stock_on_hand = serializers.IntegerField(
        min_value=0, required=False, help_text="A stock count: the new units on hand."
    )
    tax_class = serializers.CharField(
        required=False,
        help_text=(
            "A tax class code the taxes service knows (standard, reduced, zero or one staff "
            "added); another is 400 unknown_tax_class, naming the classes."
        ),
    )
    weight_grams = serializers.IntegerField(
        min_value=0,
        max_value=MAX_GRAMS,
        required=False,
        help_text="The packed weight of one unit in whole grams.",
    )
    note = note_field()


class StockAdjustmentSerializer(serializers.Serializer):
    delta = serializers.IntegerField(
        help_text="Units to add (a receipt) or, when negative, remove (damage, loss)."
    )
    note = note_field()


class StockLevelSerializer(serializers.Serializer):
    sku = serializers.CharField(max_length=64)
    on_hand = serializers.IntegerField(min_value=0, help_text="The new units on hand.")


class BulkStockSerializer(serializers.Serializer):
    items = StockLevelSerializer(many=True, allow_empty=False, max_length=MAX_BULK_ITEMS)
    note = note_field()

    def validate_items(self, items):
        seen = set()
        for item in items:
            if item["sku"] in seen:
                raise serializers.ValidationError(
                    f"{item['sku']} is listed more than once.", code="duplicate_sku"
                )
            seen.add(item["sku"])
        return items


class BulkStockResultSerializer(serializers.Serializer):
    items = StaffVariantSerializer(many=True)
