"""
A demo catalog that looks like a small real store: a department/aisle
category tree, plausible product names and descriptions drawn from word
lists, apparel sold in sizes and colours, simple products with one variant,
prices with the odd sale, stock levels that include low and sold-out
variants, and a picture for every product.

Everything comes from one ``random.Random(seed)``, so a seed always gives the
same catalog. Rows are written with ``bulk_create`` in batches inside one
transaction (10,000 products in seconds), opening stock included in the stock
ledger. Pictures come from a small pool of generated cards (one per aisle and
colour) shared by the products; their thumbnails are generated here, because
bulk inserts send no ``post_save`` for imagekit to act on.
"""

import io
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFont

from .cache import catalog_changed
from .db import db
from .models import (
    Category,
    Product,
    ProductImage,
    Reservation,
    StockMovement,
    Variant,
)
from .selectors import LONG_AGO
from .services import listing, sales

BATCH_SIZE = 500
IMAGE_DIR = "products/demo"
IMAGE_SIZE = (960, 720)

APPAREL_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
SHOE_SIZES = tuple(str(size) for size in range(37, 47))

# name -> (SKU code, RGB)
COLOURS = {
    "Black": ("BLK", (38, 38, 38)),
    "White": ("WHT", (240, 238, 232)),
    "Navy": ("NVY", (35, 52, 94)),
    "Grey Marl": ("GRY", (150, 150, 155)),
    "Olive": ("OLV", (107, 112, 62)),
    "Rust": ("RST", (176, 84, 45)),
    "Sand": ("SND", (214, 192, 150)),
    "Forest": ("FOR", (44, 86, 60)),
    "Burgundy": ("BUR", (118, 34, 52)),
    "Sky Blue": ("SKY", (126, 176, 214)),
    "Ochre": ("OCH", (204, 146, 40)),
    "Charcoal": ("CHR", (70, 72, 78)),
}

STYLES = (
    "Oslo", "Kyoto", "Lisbon", "Nordic", "Harbour", "Meadow", "Alpine", "Coastal",
    "Heritage", "Urban", "Studio", "Classic", "Everyday", "Weekend", "Summit", "Fjord",
    "Atlas", "Aurora", "Cedar", "Willow", "Juniper", "Marlow", "Bristol", "Sierra",
    "Tundra", "Riviera", "Camden", "Porto", "Verona", "Dune", "Ember", "Halden",
    "Linnea", "Solstice", "Tidal", "Granite", "Hearth", "Prairie", "Orchard", "Baltic",
)  # fmt: skip

OPENERS = (
    "Our {style} {noun} in {material}, {promise}.",
    "The {style} {noun}: {material}, {promise}.",
    "A {noun} in {material} from the {style} collection, {promise}.",
    "Meet the {style} {noun}, made from {material} and {promise}.",
)
PROMISES = (
    "made to be used every day",
    "designed to last for years",
    "made in small batches by a family workshop",
    "finished by hand",
    "built around a simple, honest design",
    "made with care for people and planet",
    "tested by our team for a whole season",
)
CLOSERS = (
    "Free returns within 30 days.",
    "Ships within two working days.",
    "A customer favourite since we opened.",
    "Part of our permanent range.",
    "Limited run: when it is gone, it is gone.",
    "Pairs well with the rest of the {style} collection.",
    "Care: follow the instructions on the label.",
)


@dataclass(frozen=True)
class Aisle:
    """A leaf category: what its products are called and how they are sold."""

    name: str
    code: str
    nouns: tuple[str, ...]
    materials: tuple[str, ...]
    prices: tuple[int, int]
    sizes: tuple[str, ...] = ()
    size_run: tuple[int, int] = (0, 0)
    colours: tuple[int, int] = (0, 0)
    size_step: Decimal = Decimal(0)
    weight: int = 1

    @property
    def slug(self) -> str:
        return slugify(self.name)


@dataclass(frozen=True)
class Department:
    name: str
    shape: str
    aisles: tuple[Aisle, ...] = field(default=())

    @property
    def slug(self) -> str:
        return slugify(self.name)


DEPARTMENTS = (
    Department("Clothing", "circle", (
        Aisle("T-shirts", "TSH", ("T-shirt", "Crew Neck Tee", "V-Neck Tee", "Pocket Tee",
              "Long Sleeve Tee"), ("Organic Cotton", "Slub Cotton", "Jersey", "Linen Blend",
              "Pima Cotton"), (15, 40), APPAREL_SIZES, (4, 6), (2, 4), weight=3),
        Aisle("Shirts", "SHI", ("Oxford Shirt", "Linen Shirt", "Flannel Shirt", "Denim Shirt",
              "Overshirt"), ("Cotton", "Linen", "Brushed Cotton", "Chambray", "Twill"),
              (35, 90), APPAREL_SIZES, (4, 6), (1, 3), weight=2),
        Aisle("Knitwear", "KNT", ("Sweater", "Cardigan", "Roll Neck", "Hoodie", "Zip Jumper"),
              ("Merino", "Lambswool", "Cotton", "Cashmere Blend", "Alpaca Blend"), (40, 150),
              APPAREL_SIZES, (4, 6), (1, 3), weight=2),
        Aisle("Trousers", "TRS", ("Chinos", "Jeans", "Cargo Trousers", "Joggers",
              "Pleated Trousers"), ("Stretch Twill", "Selvedge Denim", "Ripstop", "Corduroy",
              "Wool Blend"), (45, 120), APPAREL_SIZES, (4, 6), (1, 3), weight=2),
        Aisle("Jackets", "JKT", ("Parka", "Rain Jacket", "Bomber", "Field Jacket", "Puffer"),
              ("Waxed Cotton", "Recycled Nylon", "Wool", "Ripstop", "Down"), (80, 300),
              APPAREL_SIZES, (4, 5), (1, 3)),
    )),
    Department("Shoes", "triangle", (
        Aisle("Sneakers", "SNK", ("Runner", "Court Sneaker", "Trainer", "Slip-On"),
              ("Canvas", "Suede", "Leather", "Knit"), (60, 150), SHOE_SIZES, (6, 9), (1, 2)),
        Aisle("Boots", "BOT", ("Chelsea Boot", "Hiking Boot", "Lace-Up Boot", "Desert Boot"),
              ("Leather", "Suede", "Nubuck", "Waxed Leather"), (90, 230), SHOE_SIZES, (6, 9),
              (1, 2)),
    )),
    Department("Accessories", "diamond", (
        Aisle("Bags", "BAG", ("Tote", "Backpack", "Crossbody Bag", "Weekender", "Pouch"),
              ("Canvas", "Leather", "Recycled Polyester", "Waxed Canvas"), (20, 190),
              colours=(1, 3), weight=2),
        Aisle("Hats & Scarves", "HAT", ("Beanie", "Cap", "Scarf", "Bucket Hat", "Snood"),
              ("Merino", "Cotton", "Wool", "Fleece"), (15, 60), colours=(2, 4)),
        Aisle("Socks", "SCK", ("Socks", "Ankle Socks", "Hiking Socks", "Sport Socks"),
              ("Merino", "Organic Cotton", "Bamboo", "Wool Blend"), (8, 25),
              ("36-39", "40-43", "44-46"), (3, 3), (1, 3)),
    )),
    Department("Home", "square", (
        Aisle("Bedding", "BED", ("Duvet Cover", "Pillowcase Set", "Fitted Sheet", "Quilt"),
              ("Linen", "Percale", "Sateen", "Waffle Cotton"), (30, 160),
              ("Single", "Double", "King"), (2, 3), (1, 3), Decimal(15), weight=2),
        Aisle("Lighting", "LGT", ("Table Lamp", "Floor Lamp", "Pendant Light", "Wall Light",
              "Lantern"), ("Brass", "Ceramic", "Oak", "Rattan", "Glass"), (40, 250)),
        Aisle("Decor", "DEC", ("Vase", "Candle Holder", "Mirror", "Planter", "Picture Frame"),
              ("Stoneware", "Glass", "Terracotta", "Walnut", "Marble"), (12, 130), weight=2),
        Aisle("Textiles", "TXT", ("Cushion Cover", "Rug", "Blanket", "Curtain Panel",
              "Table Runner"), ("Wool", "Jute", "Cotton", "Velvet", "Linen"), (20, 200),
              colours=(2, 4)),
    )),
    Department("Kitchen", "ring", (
        Aisle("Cookware", "CKW", ("Frying Pan", "Saucepan", "Dutch Oven", "Wok",
              "Roasting Tin"), ("Cast Iron", "Stainless Steel", "Carbon Steel", "Enamelled"),
              (30, 190), ("20 cm", "24 cm", "28 cm"), (2, 3), size_step=Decimal(10)),
        Aisle("Tableware", "TBL", ("Dinner Plate Set", "Bowl Set", "Mug", "Serving Platter",
              "Side Plate Set"), ("Stoneware", "Porcelain", "Enamel", "Bone China"), (9, 90),
              colours=(1, 3), weight=2),
        Aisle("Knives", "KNF", ("Chef's Knife", "Paring Knife", "Bread Knife", "Santoku",
              "Knife Block"), ("Damascus Steel", "Stainless Steel", "Carbon Steel",
              "Olive Wood"), (20, 230)),
        Aisle("Coffee & Tea", "COF", ("Pour-Over Set", "French Press", "Teapot",
              "Coffee Grinder", "Kettle"), ("Glass", "Stoneware", "Steel", "Copper"),
              (20, 150)),
    )),
    Department("Outdoor", "mountain", (
        Aisle("Garden Tools", "GDN", ("Trowel", "Pruning Shears", "Watering Can", "Hand Fork",
              "Kneeler"), ("Stainless Steel", "Ash Wood", "Galvanised Steel",
              "Recycled Plastic"), (9, 60)),
        Aisle("Camping", "CMP", ("Tent", "Sleeping Bag", "Camping Stove", "Camp Chair",
              "Headlamp"), ("Ultralight", "Recycled", "Insulated", "Compact"), (20, 350)),
    )),
    Department("Bath & Body", "drop", (
        Aisle("Soap & Wash", "SOP", ("Hand Soap", "Shower Gel", "Bar Soap", "Hand Wash Refill"),
              ("Lavender", "Cedarwood", "Citrus", "Eucalyptus", "Fig"), (6, 30),
              ("250 ml", "500 ml"), (1, 2), size_step=Decimal(6)),
        Aisle("Candles", "CND", ("Candle", "Travel Candle", "Reed Diffuser", "Room Spray"),
              ("Amber", "Sea Salt", "Vetiver", "Rose", "Pine"), (12, 60)),
    )),
)  # fmt: skip


# The packed weight in grams of one unit, by aisle code (for shipping rates by weight).
GRAMS = {
    "TSH": 200, "SHI": 300, "KNT": 550, "TRS": 650, "JKT": 1300, "SNK": 950, "BOT": 1700,
    "BAG": 800, "HAT": 150, "SCK": 100, "BED": 1600, "LGT": 2800, "DEC": 1400, "TXT": 2200,
    "CKW": 2600, "TBL": 1900, "KNF": 450, "COF": 1100, "GDN": 700, "CMP": 3200, "SOP": 450,
    "CND": 600,
}  # fmt: skip


@dataclass(frozen=True)
class SeedResult:
    categories: int
    products: int
    variants: int
    images: int


def catalog_is_empty() -> bool:
    return not Product.objects.exists()


def clear_catalog() -> None:
    """
    Delete the whole catalog: reservations, stock history, products, categories.

    Variants are switched off with ``update()`` first so that deleting them
    announces nothing: this wipes demo data, it is not thousands of
    availability changes for the other apps to follow.
    """
    with db.atomic(), listing.deferred(discard=True):
        Reservation.objects.all().delete()
        StockMovement.objects.all().delete()
        ProductImage.objects.all().delete()
        Variant.objects.update(is_active=False)
        Variant.objects.all().delete()
        Product.objects.all().delete()
        while Category.objects.filter(children__isnull=True).delete()[0]:
            pass
        catalog_changed()


def seed(
    products: int, *, seed: int = 0, progress: Callable[[int], object] | None = None
) -> SeedResult:
    """
    Create ``products`` demo products (with categories, variants and pictures)
    in one transaction. ``progress`` is called with the number of products
    written after each batch.
    """
    builder = _Builder(random.Random(seed))
    done = variants = images = 0
    with db.atomic():
        categories = _create_categories()
        aisles = [
            aisle for dept in DEPARTMENTS for aisle in dept.aisles for _ in range(aisle.weight)
        ]
        for first in range(1, products + 1, BATCH_SIZE):
            numbers = range(first, min(first + BATCH_SIZE, products + 1))
            batch = [builder.product(builder.rng.choice(aisles), number) for number in numbers]
            written = _write(batch, categories)
            builder.render_new_pictures()
            done, variants, images = done + len(batch), variants + written[0], images + written[1]
            if progress:
                progress(len(batch))
        # bulk_create sends no signals: sales known already cover them too, and
        # the listing columns of the products they cover are stored again.
        sales.reprice_all()
        catalog_changed()
    _refresh_statistics()
    return SeedResult(len(categories), done, variants, images)


def _refresh_statistics() -> None:
    """
    After a bulk load, let PostgreSQL's planner see the new row counts now
    rather than whenever autovacuum gets to it: the listing's plans depend on them.
    """
    if db.connection.vendor == "postgresql":
        tables = [model._meta.db_table for model in (Category, Product, Variant, ProductImage)]
        # Outside a transaction, VACUUM too: the listing columns were written
        # twice (insert, then refresh), and counts scan only the index when
        # the visibility map says the rows are all visible.
        command = "ANALYZE" if db.connection.in_atomic_block else "VACUUM ANALYZE"
        with db.connection.cursor() as cursor:
            cursor.execute(f"{command} {', '.join(tables)}")


def _write(batch: list["_Draft"], categories: dict[str, Category]) -> tuple[int, int]:
    """Insert a batch of drafted products with their variants, opening stock and images."""
    created = Product.objects.bulk_create(
        [
            Product(
                name=draft.name,
                slug=draft.slug,
                description=draft.description,
                category=categories[draft.aisle.slug],
                is_active=draft.active,
                created_at=draft.created_at,
                **_listing_fields(draft.variants),
            )
            for draft in batch
        ]
    )
    variants = [
        Variant(product=product, position=position, **values)
        for product, draft in zip(created, batch, strict=True)
        for position, values in enumerate(draft.variants)
    ]
    Variant.objects.bulk_create(variants, batch_size=2000)
    StockMovement.objects.bulk_create(
        [
            StockMovement(
                variant=variant,
                delta=variant.stock_on_hand,
                reason=StockMovement.Reason.ADJUSTMENT,
                note="Demo opening stock",
            )
            for variant in variants
            if variant.stock_on_hand
        ],
        batch_size=2000,
    )
    images = ProductImage.objects.bulk_create(
        [
            ProductImage(product=product, image=name, alt_text=alt, position=position)
            for product, draft in zip(created, batch, strict=True)
            for position, (name, alt) in enumerate(draft.images)
        ],
        batch_size=2000,
    )
    return len(variants), len(images)


def _listing_fields(variants: list[dict]) -> dict:
    """
    The listing columns of a new product with these variants, as
    ``services.listing.refresh`` stores them for a product no sale covers
    (``sales.reprice_all`` refreshes those a sale does): the cheapest is the
    first of the lowest price, as the lowest primary key is.
    """
    active = [variant for variant in variants if variant.get("is_active", True)]
    if not active:
        return {}
    cheapest = min(active, key=lambda variant: variant["price"])
    return {
        "list_price": cheapest["price"],
        "list_price_max": max(variant["price"] for variant in active),
        "list_regular_price": cheapest["price"],
        "list_compare_at_price": cheapest.get("compare_at_price"),
        "in_stock_from": (
            LONG_AGO if any(variant.get("stock_on_hand", 0) > 0 for variant in active) else None
        ),
    }


def _create_categories() -> dict[str, Category]:
    """The department/aisle tree; categories that already exist (by slug) are reused."""
    by_slug = {}
    for position, department in enumerate(DEPARTMENTS):
        parent, _ = Category.objects.update_or_create(
            slug=department.slug,
            defaults={
                "name": department.name,
                "parent": None,
                "position": position,
                "description": f"Everything in {department.name.lower()}.",
            },
        )
        by_slug[parent.slug] = parent
        for child_position, aisle in enumerate(department.aisles):
            by_slug[aisle.slug], _ = Category.objects.update_or_create(
                slug=aisle.slug,
                defaults={"name": aisle.name, "parent": parent, "position": child_position},
            )
    return by_slug


@dataclass
class _Draft:
    aisle: Aisle
    name: str
    slug: str
    description: str
    active: bool
    created_at: datetime
    variants: list[dict]
    images: list[tuple[str, str]]


class _Builder:
    """Draws products from the word lists; remembers which pictures they use."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.now = timezone.now()
        self.names: dict[str, itertools.chain] = {}
        self.pictures: dict[str, tuple[Aisle, str]] = {}
        self.rendered: set[str] = set()
        self.shape = {aisle.slug: dept.shape for dept in DEPARTMENTS for aisle in dept.aisles}

    def product(self, aisle: Aisle, number: int) -> _Draft:
        rng = self.rng
        style, material, noun = self._next_name(aisle)
        name = f"{style} {material} {noun}"
        base = self._price(rng.uniform(*aisle.prices))
        on_sale = rng.random() < 0.15
        colours = self._colours(aisle)
        sizes = self._sizes(aisle)
        variants = []
        for colour in colours or [None]:
            for step, size in enumerate(sizes or [None]):
                options = {}
                code = [f"{aisle.code}-{number:05d}"]
                if size:
                    options["size"] = size
                    code.append(slugify(size).upper())
                if colour:
                    options["colour"] = colour
                    code.append(COLOURS[colour][0])
                price = base + aisle.size_step * step
                variants.append(
                    {
                        "sku": "-".join(code),
                        "options": options,
                        "price": price,
                        "compare_at_price": self._price(float(price) * rng.uniform(1.15, 1.6))
                        if on_sale
                        else None,
                        "stock_on_hand": self._stock(),
                        "weight_grams": GRAMS.get(aisle.code, 500),
                    }
                )
        picture_colours = colours[:2] if colours else [rng.choice(list(COLOURS))]
        images = []
        for colour in picture_colours:
            picture = f"{IMAGE_DIR}/{aisle.slug}-{slugify(colour)}.jpg"
            self.pictures.setdefault(picture, (aisle, colour))
            images.append((picture, f"{name} in {colour.lower()}" if colours else name))
        return _Draft(
            aisle=aisle,
            name=name,
            slug=slugify(name),
            description=self._description(style, material, noun),
            active=rng.random() >= 0.03,
            created_at=self.now - timedelta(minutes=rng.randrange(365 * 24 * 60)),
            variants=variants,
            images=images,
        )

    def _next_name(self, aisle: Aisle) -> tuple[str, str, str]:
        """Unique names per aisle: every combination once, then again as "II", "III"..."""
        if aisle.slug not in self.names:
            self.names[aisle.slug] = self._names(aisle)
        return next(self.names[aisle.slug])

    def _names(self, aisle: Aisle):
        combos = list(itertools.product(STYLES, aisle.materials, aisle.nouns))
        for edition in itertools.count(1):
            self.rng.shuffle(combos)
            suffix = f" {_roman(edition)}" if edition > 1 else ""
            for style, material, noun in combos:
                yield style, material, noun + suffix

    def _colours(self, aisle: Aisle) -> list[str]:
        if not aisle.colours[1]:
            return []
        return self.rng.sample(list(COLOURS), self.rng.randint(*aisle.colours))

    def _sizes(self, aisle: Aisle) -> tuple[str, ...]:
        if not aisle.sizes:
            return ()
        run = min(self.rng.randint(*aisle.size_run), len(aisle.sizes))
        start = self.rng.randint(0, len(aisle.sizes) - run)
        return aisle.sizes[start : start + run]

    def _price(self, amount: float) -> Decimal:
        """A shop-like price: whole units and .95 most often, else .00 or .50."""
        cents = self.rng.choice(("0.95", "0.95", "0.00", "0.50"))
        return max(int(amount), 1) + Decimal(cents)

    def _stock(self) -> int:
        roll = self.rng.random()
        if roll < 0.07:
            return 0
        if roll < 0.17:
            return self.rng.randint(1, 5)
        return int(self.rng.triangular(6, 150, 20))

    def _description(self, style: str, material: str, noun: str) -> str:
        words = {
            "style": style,
            "noun": noun.lower(),
            "material": material.lower(),
            "promise": self.rng.choice(PROMISES),
        }
        closers = self.rng.sample(CLOSERS, 2)
        return " ".join(
            sentence.format(**words) for sentence in [self.rng.choice(OPENERS), *closers]
        )

    def render_new_pictures(self) -> None:
        """Save the pictures first used since the last call, with their thumbnails."""
        for name in sorted(set(self.pictures) - self.rendered):
            aisle, colour = self.pictures[name]
            if default_storage.exists(name):
                default_storage.delete(name)
            saved = default_storage.save(name, ContentFile(_card(aisle, colour, self.shape)))
            image = ProductImage(image=saved)
            for thumbnail in (image.list_thumbnail, image.detail_image):
                if default_storage.exists(thumbnail.name):
                    default_storage.delete(thumbnail.name)
                thumbnail.generate(force=True)
            self.rendered.add(name)


def _card(aisle: Aisle, colour: str, shapes: dict[str, str]) -> bytes:
    """A product card: the colour as background, the department's shape, the aisle's name."""
    background = COLOURS[colour][1]
    ink = (30, 30, 30) if sum(background) > 420 else (245, 243, 238)
    width, height = IMAGE_SIZE
    picture = Image.new("RGB", IMAGE_SIZE, background)
    draw = ImageDraw.Draw(picture)
    cx, cy, r = width // 2, height // 2 - 40, 170
    shape = shapes[aisle.slug]
    if shape == "circle":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ink, width=14)
    elif shape == "ring":
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=ink, width=40)
    elif shape == "triangle":
        draw.polygon([(cx, cy - r), (cx + r, cy + r), (cx - r, cy + r)], outline=ink, width=14)
    elif shape == "diamond":
        draw.polygon([(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)], fill=ink)
    elif shape == "mountain":
        draw.polygon(
            [(cx - r, cy + r), (cx - r // 3, cy - r), (cx + r // 5, cy), (cx + r, cy + r)],
            fill=ink,
        )
    elif shape == "drop":
        draw.ellipse((cx - r * 2 // 3, cy, cx + r * 2 // 3, cy + r * 4 // 3 - 40), fill=ink)
        w = r * 2 // 3 - 8
        draw.polygon([(cx, cy - r), (cx + w, cy + r // 2), (cx - w, cy + r // 2)], fill=ink)
    else:
        draw.rounded_rectangle((cx - r, cy - r, cx + r, cy + r), radius=40, outline=ink, width=14)
    font = ImageFont.load_default(size=64)
    draw.text((cx, height - 110), aisle.name, font=font, anchor="mm", fill=ink)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()


def _roman(number: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in numerals:
        while number >= value:
            out += letters
            number -= value
    return out
