"""
The catalog's data: a category tree, products, their sellable variants (one
SKU each, with price and stock on hand), images, and stock reservations.

Private to the catalog service: other apps see it only through ``public``.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from imagekit.cachefiles.strategies import Optimistic
from imagekit.models import ImageSpecField
from imagekit.processors import ResizeToFill, ResizeToFit

from shop.core.models import BaseInboxMessage, BaseOutboxMessage

PRICE_DIGITS = {"max_digits": 12, "decimal_places": 2}


def validate_options(value) -> None:
    """Option values are a mapping of names to short texts or numbers: {"size": "M"}."""
    if not isinstance(value, dict) or not all(
        isinstance(name, str)
        and isinstance(option, (str, int, float))
        and not isinstance(option, bool)
        for name, option in value.items()
    ):
        raise ValidationError(
            'Options must be names and values, like {"size": "M", "colour": "Blue"}.',
            code="invalid_options",
        )


class TracksLoadedValues:
    """
    Remembers the ``tracked_fields`` values an instance was loaded with, so a
    ``post_save`` receiver can tell what a save changed (see ``signals``).
    """

    tracked_fields: tuple[str, ...] = ()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember_loaded_values()
        return instance

    def remember_loaded_values(self) -> None:
        self._loaded_values = {
            name: self.__dict__[name] for name in self.tracked_fields if name in self.__dict__
        }

    @property
    def loaded_values(self) -> dict:
        """The tracked values as last loaded or saved; empty for a new instance."""
        return getattr(self, "_loaded_values", {})


class Category(TracksLoadedValues, models.Model):
    """A node of the category tree; siblings are ordered by ``position``."""

    tracked_fields = ("parent_id",)

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    position = models.PositiveIntegerField(default=0)
    description = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "categories"
        ordering = ["position", "name"]
        indexes = [models.Index(fields=["parent", "position"], name="catalog_category_siblings")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:category", args=[self.slug])

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": "A category cannot be inside itself."})
            ancestor = ancestor.parent


# Product columns kept by ``services.listing`` only (decision 0034).
LISTING_FIELDS = frozenset(
    [
        "list_price",
        "list_price_max",
        "list_regular_price",
        "list_compare_at_price",
        "list_sale_name",
        "list_sale_ends_at",
        "list_valid_until",
        "in_stock_from",
    ]
)


# What the listing indexes carry beyond their order (decision 0044).
LISTED_INCLUDES = ["category_id", "in_stock_from"]


class Product(TracksLoadedValues, models.Model):
    """
    What a customer browses. It is sold through its variants: a product with a
    single variant (no options) is a simple product.
    """

    tracked_fields = ("is_active", "category_id")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    description = models.TextField(blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, related_name="products", on_delete=models.SET_NULL
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive products are hidden and cannot be bought."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What the listings sort, filter and show, kept by ``services.listing``
    # (decision 0034). The prices are those of ``list_valid_until`` at the
    # latest (the next sale start or end among its variants; empty: none to
    # come); a listing computes a row whose moment has passed afresh.
    list_price = models.DecimalField(
        **PRICE_DIGITS,
        null=True,
        blank=True,
        editable=False,
        help_text="The price now of its cheapest active variant; empty without one.",
    )
    list_price_max = models.DecimalField(**PRICE_DIGITS, null=True, blank=True, editable=False)
    list_regular_price = models.DecimalField(**PRICE_DIGITS, null=True, blank=True, editable=False)
    list_compare_at_price = models.DecimalField(
        **PRICE_DIGITS, null=True, blank=True, editable=False
    )
    list_sale_name = models.CharField(max_length=80, null=True, blank=True, editable=False)
    list_sale_ends_at = models.DateTimeField(null=True, blank=True, editable=False)
    list_valid_until = models.DateTimeField(null=True, blank=True, editable=False)
    # In stock from this instant on (a held unit comes back when its hold
    # expires); long past when in stock now; empty: not until stock changes.
    in_stock_from = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["category", "is_active"], name="catalog_product_listing"),
            # The listing orders, page by page (keyset paging, decision 0034). Each
            # carries the category and the stock column too, so a page asked for by
            # its number alone skips rows in the index alone (decision 0044).
            models.Index(
                fields=["name", "id"],
                name="catalog_product_by_name",
                condition=Q(is_active=True, list_price__isnull=False),
                include=LISTED_INCLUDES,
            ),
            models.Index(
                fields=["list_price", "name", "id"],
                name="catalog_product_by_price",
                condition=Q(is_active=True, list_price__isnull=False),
                include=LISTED_INCLUDES,
            ),
            models.Index(
                fields=["-list_price", "name", "id"],
                name="catalog_product_by_price_desc",
                condition=Q(is_active=True, list_price__isnull=False),
                include=LISTED_INCLUDES,
            ),
            models.Index(
                fields=["-created_at", "-id"],
                name="catalog_product_newest",
                condition=Q(is_active=True, list_price__isnull=False),
                include=LISTED_INCLUDES,
            ),
            # Counting a list ("page 3 of 40", the API's count) from the index alone.
            models.Index(
                fields=["category", "in_stock_from"],
                name="catalog_product_listed",
                condition=Q(is_active=True, list_price__isnull=False),
            ),
            models.Index(
                fields=["in_stock_from"],
                name="catalog_product_listed_stock",
                condition=Q(is_active=True, list_price__isnull=False),
            ),
            # Rows whose stored prices a sale start or end has overtaken.
            models.Index(
                fields=["list_valid_until"],
                name="catalog_product_list_due",
                condition=Q(list_valid_until__isnull=False),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """
        Saving a loaded product writes every field but the listing columns:
        an instance loaded before a hold or a price change must not put back
        what they replaced (``services.listing`` alone writes them).
        """
        loaded = not self._state.adding and not kwargs.get("force_insert")
        if loaded and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in LISTING_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalog:product", args=[self.slug])


class ListedCount(models.Model):
    """
    How many products a category lists (active, with an active variant: the
    listings' ``list_price`` is set), kept by triggers on the products table
    in the same transaction as the change (migration 0015), so a listing's
    count reads a row per category rather than an index entry per product
    (decision 0044). ``category`` is the category's id, 0 for products with
    none.
    """

    category = models.BigIntegerField(primary_key=True)
    products = models.IntegerField(default=0)

    def __str__(self):
        return f"category {self.category}: {self.products} listed"


class Variant(TracksLoadedValues, models.Model):
    """One sellable thing: a SKU with its option values, price and stock on hand."""

    tracked_fields = ("price", "compare_at_price", "is_active", "gift_card", "stock_on_hand")

    product = models.ForeignKey(Product, related_name="variants", on_delete=models.CASCADE)
    sku = models.CharField("SKU", max_length=64, unique=True)
    options = models.JSONField(
        default=dict,
        blank=True,
        validators=[validate_options],
        help_text='Option values such as {"size": "M", "colour": "Blue"}; none for a simple one.',
    )
    price = models.DecimalField(**PRICE_DIGITS, validators=[MinValueValidator(0)])
    compare_at_price = models.DecimalField(
        **PRICE_DIGITS,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="The former or list price, shown struck through when higher than the price.",
    )
    stock_on_hand = models.PositiveIntegerField(default=0)
    weight_grams = models.PositiveIntegerField(
        "weight (g)",
        default=0,
        help_text="The packed weight in grams: shipping rates by weight add up the cart's.",
    )
    is_active = models.BooleanField("active", default=True)
    gift_card = models.BooleanField(
        default=False,
        help_text="Sold as a gift card worth its price: one card per unit is issued to the "
        "buyer when the order is placed. Sales and vouchers leave it alone.",
    )
    position = models.PositiveIntegerField(default=0)
    # The code of a tax class of the taxes service (standard, reduced, zero …): the
    # admin offers taxes.public.tax_classes(); orders taxes the line by it.
    tax_class = models.CharField(
        max_length=20, default="standard", help_text="What the variant is taxed as."
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stock_on_hand__gte=0), name="catalog_variant_stock_not_negative"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="catalog_variant_price_gte_0"),
        ]
        indexes = [
            models.Index(fields=["product", "price"], name="catalog_variant_by_price"),
            # Search matches a SKU typed in any case (``sku__iexact``).
            models.Index(Upper("sku"), name="catalog_variant_sku_upper"),
        ]

    def __str__(self):
        return f"{self.sku} ({self.label})" if self.label else self.sku

    @property
    def label(self) -> str:
        """The option values, e.g. "M / Blue"; empty for a simple product."""
        return " / ".join(str(value) for value in self.options.values())

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price


class ProductImage(models.Model):
    """
    A product photo kept through Django's storage API. Thumbnails are made by
    django-imagekit when the image is saved (the optimistic strategy), so a
    page only builds their URLs and never touches the storage.
    """

    product = models.ForeignKey(Product, related_name="images", on_delete=models.CASCADE)
    image = models.ImageField(upload_to="products/%Y/%m/")
    alt_text = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    list_thumbnail = ImageSpecField(
        source="image",
        processors=[ResizeToFill(480, 360)],
        format="JPEG",
        options={"quality": 82},
        cachefile_strategy=Optimistic,
    )
    detail_image = ImageSpecField(
        source="image",
        processors=[ResizeToFit(960, 960)],
        format="JPEG",
        options={"quality": 86},
        cachefile_strategy=Optimistic,
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.alt_text or self.image.name


class Reservation(models.Model):
    """
    Stock held for one checkout (``key``) until it is committed as a sale,
    released, or expires. Only active, unexpired reservations reduce what is
    available.
    """

    class Status(models.TextChoices):
        ACTIVE = "active"
        COMMITTED = "committed"
        RELEASED = "released"
        EXPIRED = "expired"

    key = models.CharField(max_length=100, unique=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["expires_at"],
                name="catalog_reservation_active",
                condition=Q(status="active"),
            ),
        ]

    def __str__(self):
        return self.key


class ReservationLine(models.Model):
    reservation = models.ForeignKey(Reservation, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(Variant, related_name="reservation_lines", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reservation", "variant"], name="catalog_reservation_line_once"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.variant.sku}"


class StockMovement(models.Model):
    """
    Every change to stock on hand, with why. ``key`` makes a repeated request
    (a restock for the same refund, a sale for the same reservation) a no-op;
    ``delta``, or ``counted`` for a count, tells a repeat from a different
    request that reuses the key. It is ``<kind>:<key>`` (``count:``,
    ``adjustment:``, ``sale:``, ``restock:``), long enough for the longest kind
    and a 255-character ``Idempotency-Key``.
    """

    class Reason(models.TextChoices):
        SALE = "sale"
        RESTOCK = "restock"
        ADJUSTMENT = "adjustment"
        IMPORT = "import"

    variant = models.ForeignKey(Variant, related_name="movements", on_delete=models.CASCADE)
    delta = models.IntegerField()
    reason = models.CharField(max_length=12, choices=Reason)
    key = models.CharField(max_length=300, blank=True)
    counted = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a stock count: the units counted."
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "variant"], condition=~Q(key=""), name="catalog_movement_once"
            ),
        ]

    def __str__(self):
        return f"{self.delta:+d} {self.variant.sku} ({self.reason})"


class Sale(models.Model):
    """
    A sale as promotions announced it (``promotions.SaleChanged``): catalog's
    copy of the definition, so it can price variants that change or are added
    later without asking promotions. ``revision`` is the highest announced;
    ``removed`` marks one deleted there, so an older announcement arriving
    late cannot bring it back.
    """

    sale_id = models.PositiveIntegerField(unique=True, help_text="The sale's id in promotions.")
    revision = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10)
    value = models.DecimalField(**PRICE_DIGITS)
    product_ids = models.JSONField(default=list)
    category_ids = models.JSONField(default=list)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    removed = models.BooleanField(default=False)

    class Meta:
        ordering = ["starts_at", "sale_id"]

    def __str__(self):
        return self.name


class VariantSalePrice(models.Model):
    """
    What a variant costs during a sale that covers it, from ``starts_at``
    until ``ends_at`` (empty: open-ended): the read model the storefront,
    the listings' price sort and filter and ``VariantInfo.price`` take the
    lowest current row from (``sale_prices``). Recomputed when the sale, the
    variant's price or the product's category changes.
    """

    variant = models.ForeignKey(Variant, related_name="sale_prices", on_delete=models.CASCADE)
    sale_id = models.PositiveIntegerField()
    sale_name = models.CharField(max_length=80)
    price = models.DecimalField(**PRICE_DIGITS)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["variant", "price"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "sale_id"], name="catalog_sale_price_once"),
        ]
        indexes = [
            models.Index(fields=["variant", "starts_at"], name="catalog_sale_price_variant"),
            models.Index(fields=["sale_id"], name="catalog_sale_price_sale"),
            models.Index(fields=["starts_at"], name="catalog_sale_price_starts"),
            models.Index(fields=["ends_at"], name="catalog_sale_price_ends"),
        ]

    def __str__(self):
        return f"{self.sale_name}: {self.price}"


class OutboxMessage(BaseOutboxMessage):
    """Events the catalog service publishes, written in the transaction that makes the change."""


class InboxMessage(BaseInboxMessage):
    """Events the catalog service's consumers have already acted on."""
