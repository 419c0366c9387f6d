"""
Read logic of the catalog, shared by the storefront, the API, the admin and
``public``.

Availability is computed, never stored: stock on hand minus the quantities of
active reservations that have not expired. Expired ones stop counting at once,
before the periodic clean-up marks them.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from itertools import takewhile

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from . import prepared
from .data import VariantInfo
from .db import db
from .errors import VariantNotFound
from .images import list_thumbnail_url
from .models import (
    Category,
    ListedCount,
    Product,
    ProductImage,
    Reservation,
    ReservationLine,
    Variant,
)
from .sale_prices import pricing as sale_pricing
from .sale_prices import with_sale_price

ORDERINGS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "price": ("price_from", "name", "pk"),
    "-price": ("-price_from", "name", "pk"),
    "newest": ("-created_at", "-pk"),
}
DEFAULT_ORDERING = "name"


def low_stock_threshold() -> int:
    """At or below this many available units a variant is "low stock" (only N left)."""
    return settings.CATALOG_LOW_STOCK_THRESHOLD


def reserved_quantity(now=None) -> Coalesce:
    """Per-variant expression: units held by active, unexpired reservations."""
    held = (
        ReservationLine.objects.filter(
            variant=OuterRef("pk"),
            reservation__status=Reservation.Status.ACTIVE,
            reservation__expires_at__gt=now or timezone.now(),
        )
        .order_by()
        .values("variant")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(held, output_field=IntegerField()), Value(0))


def with_availability(variants: QuerySet, now=None) -> QuerySet:
    """Annotate ``reserved`` and ``available`` (never below zero) on variants."""
    return variants.annotate(reserved=reserved_quantity(now)).annotate(
        available=Greatest(F("stock_on_hand") - F("reserved"), Value(0))
    )


def sellable_variants() -> QuerySet:
    return Variant.objects.filter(is_active=True, product__is_active=True)


def variants_by_sku(skus: Iterable[str], now=None) -> QuerySet:
    """Variants with these SKUs (active or not), availability annotated, in one query."""
    return with_availability(
        Variant.objects.filter(sku__in=list(skus)).select_related(
            "product__category__parent__parent"
        ),
        now,
    ).order_by("sku")


def variant_with_availability(sku: str) -> Variant:
    """The variant ``sku`` with ``reserved`` and ``available``; raises ``VariantNotFound``."""
    variant = variants_by_sku([sku]).first()
    if variant is None:
        raise VariantNotFound(f"No product variant has the SKU {sku!r}.", sku=sku)
    return variant


def variants_in_order(skus: list[str]) -> list[Variant]:
    """The variants with ``reserved`` and ``available``, in the order of ``skus`` (all known)."""
    by_sku = {variant.sku: variant for variant in variants_by_sku(skus)}
    return [by_sku[sku] for sku in skus]


# --- other apps' view of a SKU ----------------------------------------------------


def variants_with_first_image(skus: Iterable[str], now=None) -> QuerySet:
    """
    ``variants_by_sku`` with ``image_name``, the file of the product's first
    image (by position), and the price now (``with_sale_price``) annotated in
    the same query.
    """
    first_image = ProductImage.objects.filter(product=OuterRef("product")).order_by(
        "position", "pk"
    )
    return with_sale_price(variants_by_sku(skus, now), now).annotate(
        image_name=Subquery(first_image.values("image")[:1])
    )


# What ``variant_info_of_row`` reads (``variants_with_first_image(...).values(...)``).
VARIANT_INFO_VALUES = (
    "sku",
    "options",
    "price",
    "compare_at_price",
    "is_active",
    "tax_class",
    "weight_grams",
    "gift_card",
    "available",
    "image_name",
    "current_price",
    "sale_name",
    "sale_ends_at",
    "product_id",
    "product__name",
    "product__slug",
    "product__is_active",
    "product__category_id",
    "product__category__parent_id",
    "product__category__parent__parent_id",
)


def variant_info(variant: Variant) -> VariantInfo:
    """A variant from ``variants_with_first_image`` as other apps see it (no query)."""
    product, category = variant.product, variant.product.category
    parent = category.parent if category else None
    own = ("sku", "options", "price", "compare_at_price", "is_active", "tax_class")
    row = {name: getattr(variant, name) for name in own}
    annotated = ("available", "image_name", "current_price", "sale_name", "sale_ends_at")
    row |= {name: getattr(variant, name) for name in annotated}
    row |= {
        "weight_grams": variant.weight_grams,
        "gift_card": variant.gift_card,
        "product_id": product.pk,
        "product__name": product.name,
        "product__slug": product.slug,
        "product__is_active": product.is_active,
        "product__category_id": category.pk if category else None,
        "product__category__parent_id": parent.pk if parent else None,
        "product__category__parent__parent_id": parent.parent_id if parent else None,
    }
    return variant_info_of_row(row)


def variant_info_of_row(row: dict) -> VariantInfo:
    """A row of ``VARIANT_INFO_VALUES`` as other apps see the variant."""
    is_active = row["is_active"] and row["product__is_active"]
    label = " / ".join(str(value) for value in row["options"].values())
    product_name = row["product__name"]
    pricing = sale_pricing(
        row["price"],
        row["compare_at_price"],
        row["current_price"],
        row["sale_name"],
        row["sale_ends_at"],
    )
    category_ids = (
        row["product__category_id"],
        row["product__category__parent_id"],
        row["product__category__parent__parent_id"],
    )
    return VariantInfo(
        sku=row["sku"],
        name=f"{product_name} — {label}" if label else product_name,
        product_name=product_name,
        product_slug=row["product__slug"],
        options=tuple((str(name), str(value)) for name, value in row["options"].items()),
        price=pricing.price,
        compare_at_price=pricing.compare_at_price,
        available=row["available"] if is_active else 0,
        is_active=is_active,
        image_url=list_thumbnail_url(row["image_name"]) if row["image_name"] else None,
        tax_class=row["tax_class"],
        weight_grams=row["weight_grams"],
        product_id=row["product_id"],
        category_ids=tuple(takewhile(lambda pk: pk is not None, category_ids)),
        regular_price=pricing.regular_price,
        sale_name=pricing.sale_name,
        sale_ends_at=pricing.sale_ends_at,
        gift_card=row["gift_card"],
    )


def variant_infos(skus: Iterable[str]) -> dict[str, VariantInfo]:
    """
    ``VariantInfo`` by SKU for the known ones of ``skus``, active or not, in
    one query: ``variants_with_first_image``'s, compiled once (``prepared``).
    """
    return {row["sku"]: variant_info_of_row(row) for row in prepared.variant_info_rows(skus)}


# --- categories ---------------------------------------------------------------


@dataclass(frozen=True)
class CategoryNode:
    id: int
    name: str
    slug: str
    parent_id: int | None
    children: tuple["CategoryNode", ...]

    def descendant_ids(self) -> list[int]:
        ids = [self.id]
        for child in self.children:
            ids.extend(child.descendant_ids())
        return ids


def category_tree() -> tuple[CategoryNode, ...]:
    """All categories as a forest of nodes, siblings by position; one query."""
    rows = list(Category.objects.values("id", "name", "slug", "parent_id"))
    children: dict[int | None, list[dict]] = {}
    for row in rows:
        children.setdefault(row["parent_id"], []).append(row)

    def build(row, seen=frozenset()):
        if row["id"] in seen:  # a cycle saved around validation: cut it
            return None
        kids = (build(kid, seen | {row["id"]}) for kid in children.get(row["id"], []))
        return CategoryNode(
            id=row["id"],
            name=row["name"],
            slug=row["slug"],
            parent_id=row["parent_id"],
            children=tuple(kid for kid in kids if kid is not None),
        )

    return tuple(build(row) for row in children.get(None, []))


def find_category(tree: Iterable[CategoryNode], slug: str) -> CategoryNode | None:
    for node in tree:
        if node.slug == slug:
            return node
        found = find_category(node.children, slug)
        if found:
            return found
    return None


def category_path(tree: Iterable[CategoryNode], slug: str) -> list[CategoryNode]:
    """The nodes from a root down to the category ``slug`` (breadcrumbs)."""
    for node in tree:
        if node.slug == slug:
            return [node]
        below = category_path(node.children, slug)
        if below:
            return [node, *below]
    return []


# --- products -----------------------------------------------------------------


@dataclass(frozen=True)
class ProductFilters:
    category_ids: tuple[int, ...] | None = None
    q: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool = False
    ordering: str = DEFAULT_ORDERING


def uses_postgres() -> bool:
    return db.connection.vendor == "postgresql"


# "In stock now" (``Product.in_stock_from``): before every ``now`` asked about.
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)

# The annotations the listings read, and the stored column of each.
LISTING_COLUMNS = {
    "price_from": "list_price",
    "price_to": "list_price_max",
    "regular_from": "list_regular_price",
    "compare_at_from": "list_compare_at_price",
    "sale_name_from": "list_sale_name",
    "sale_ends_from": "list_sale_ends_at",
}


def listing_values(now: datetime) -> dict:
    """
    Per product (``OuterRef("pk")``), each price column of the listings as it
    is at ``now``, computed from the active variants and their sale prices:
    what ``services.listing`` stores, and what a listing computes for a row
    whose stored prices a sale start or end has overtaken.
    """
    # The product's own active flag is the listing's filter, not the price's.
    priced = with_sale_price(Variant.objects.filter(product=OuterRef("pk"), is_active=True), now)
    cheapest = priced.order_by("current_price", "pk")
    dearest = priced.order_by("-current_price", "pk")
    return {
        "list_price": Subquery(cheapest.values("current_price")[:1]),
        "list_price_max": Subquery(dearest.values("current_price")[:1]),
        "list_regular_price": Subquery(cheapest.values("price")[:1]),
        "list_compare_at_price": Subquery(cheapest.values("compare_at_price")[:1]),
        "list_sale_name": Subquery(cheapest.values("sale_name")[:1]),
        "list_sale_ends_at": Subquery(cheapest.values("sale_ends_at")[:1]),
    }


def regular_listing_values() -> dict:
    """``listing_values`` for a product none of whose variants a sale covers: cheaper."""
    variants = Variant.objects.filter(product=OuterRef("pk"), is_active=True)
    cheapest = variants.order_by("price", "pk")
    return {
        "list_price": Subquery(cheapest.values("price")[:1]),
        "list_price_max": Subquery(variants.order_by("-price", "pk").values("price")[:1]),
        "list_regular_price": Subquery(cheapest.values("price")[:1]),
        "list_compare_at_price": Subquery(cheapest.values("compare_at_price")[:1]),
        "list_sale_name": Value(None, output_field=CharField()),
        "list_sale_ends_at": Value(None, output_field=DateTimeField()),
    }


def _listing_annotations(now: datetime, overtaken: bool | None = None) -> dict:
    """
    The stored columns, or, when some product's stored prices are past their
    moment (``list_valid_until``), those columns for the others and the
    prices at ``now`` for it: exact at any instant, fast again once the
    periodic refresh has stored them (decision 0034).
    """
    if overtaken is None:
        overtaken = prepared.overtaken_listing(now)
    if not overtaken:
        return {name: F(column) for name, column in LISTING_COLUMNS.items()}
    fresh = Q(list_valid_until__isnull=True) | Q(list_valid_until__gt=now)
    computed = listing_values(now)
    return {
        name: Case(
            When(fresh, then=F(column)),
            default=computed[column],
            output_field=Product._meta.get_field(column),
        )
        for name, column in LISTING_COLUMNS.items()
    }


def _first_image() -> dict:
    """A listed product's first image (by position): its file's name and alt text, or None."""
    first = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "pk")
    return {
        "thumbnail_name": Subquery(first.values("image")[:1]),
        "thumbnail_alt": Subquery(first.values("alt_text")[:1]),
    }


def product_listing(
    filters: ProductFilters = ProductFilters(), now=None, *, overtaken: bool | None = None
) -> QuerySet:
    """
    Active products with an active variant, with ``price_from`` and
    ``price_to`` (the prices now of the cheapest and dearest active variant,
    a sale's price included: the price filter and sort use them), the
    cheapest one's ``regular_from``, ``compare_at_from``, ``sale_name_from``
    and ``sale_ends_from``, and ``in_stock`` annotated from the stored
    listing columns (``services.listing``), and the first image's
    ``thumbnail_name`` and ``thumbnail_alt`` (all a card shows of its
    images), filtered and ordered, with the category: one query for the
    page whatever its size, and an index probe for rows past their moment
    (``overtaken``: whether there are any, if known).
    """
    now = now or timezone.now()
    products = (
        Product.objects.filter(is_active=True, list_price__isnull=False)
        .select_related("category")
        .annotate(
            **_listing_annotations(now, overtaken),
            in_stock=Case(
                When(in_stock_from__lte=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            **_first_image(),
        )
    )
    if filters.category_ids is not None:
        products = products.filter(category_id__in=filters.category_ids)
    if filters.min_price is not None:
        products = products.filter(price_from__gte=filters.min_price)
    if filters.max_price is not None:
        products = products.filter(price_from__lte=filters.max_price)
    if filters.in_stock:
        products = products.filter(in_stock_from__lte=now)
    ordering = ORDERINGS.get(filters.ordering, ORDERINGS[DEFAULT_ORDERING])
    if filters.q.strip():
        return search(products, filters.q.strip(), ordering if filters.ordering else None)
    return products.order_by(*ordering)


class _CountOf(Subquery):
    """``(SELECT COUNT(*) FROM (<query>))``: a count inside another query's expression."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


class _ListedSum(Subquery):
    """The sum of the ``products`` of ``ListedCount`` rows, inside another query's expression."""

    template = "(SELECT COALESCE(SUM(products), 0) FROM (%(subquery)s) listed)"
    output_field = IntegerField()


def listing_count(filters: ProductFilters = ProductFilters(), now=None) -> int | None:
    """
    The number of products ``product_listing(filters, now)`` lists, from the
    categories' ``ListedCount`` rows less, for ``in_stock``, the listed
    products not in stock at ``now`` (no stock at all, or back only when a
    hold expires: two index ranges, the few a shop has sold out), in one
    query whatever the catalog's size, compiled once (decision 0044). None
    for filters the rows do not count (a search, a price range): count the
    listing itself.
    """
    if filters.q.strip() or filters.min_price is not None or filters.max_price is not None:
        return None
    if filters.category_ids == ():
        return 0
    return prepared.listed_count(filters.category_ids, filters.in_stock, now or timezone.now())


def listed_count_query(in_stock: bool, by_category: bool, *values) -> QuerySet:
    """
    ``listing_count``'s query, for ``prepared.listed_count``: one row of
    ``ListedCount`` carrying the count (none if the table is empty). The
    values are ``now`` if ``in_stock``, then the category ids if
    ``by_category``.
    """
    now, ids = (values[0], values[1:]) if in_stock else (None, values)
    counts = ListedCount.objects.order_by()
    listed = Product.objects.filter(is_active=True, list_price__isnull=False).order_by()
    if by_category:
        counts = counts.filter(category__in=ids)
        listed = listed.filter(category_id__in=ids)
    total = _ListedSum(counts.values("products"))
    if in_stock:
        for sold_out in (Q(in_stock_from__isnull=True), Q(in_stock_from__gt=now)):
            total -= _CountOf(listed.filter(sold_out).values("pk"))
    return ListedCount.objects.order_by().values(listed=total)[:1]


class IdInArray(Func):
    """``<column> = ANY(<array>)`` as a condition (Django has no lookup for it)."""

    template = "%(expressions)s"
    arg_joiner = " = ANY("
    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = super().as_sql(compiler, connection, **extra_context)
        return f"{sql})", params


def search_document(config: str | None = None) -> SearchVector:
    """
    What product search matches on PostgreSQL: the name (weight A) and the
    description (weight B). For the default ``english`` configuration it is
    stored in a generated column with a GIN index (migration 0014,
    ``stored_search_document``).
    """
    config = config or settings.SEARCH_CONFIG
    return SearchVector("name", weight="A", config=config) + SearchVector(
        "description", weight="B", config=config
    )


def stored_search_document(*, qualified: bool = True) -> RawSQL | None:
    """
    On PostgreSQL with the ``english`` configuration, the product's stored
    ``search_document`` (migration 0014: a generated column of
    ``search_document("english")`` with a GIN index); None for another one.
    Not ``qualified`` by the table's name: for a subquery, where Django
    gives the table another alias (only products have such a column).
    """
    if settings.SEARCH_CONFIG != "english":
        return None
    column = '"search_document"'
    if qualified:
        column = f'"{Product._meta.db_table}".{column}'
    return RawSQL(column, [], output_field=SearchVectorField())


RANKED_MATCHES = 1_000


def search(products: QuerySet, q: str, ordering=None) -> QuerySet:
    """
    Full-text search with ranking on PostgreSQL (name weighs more than the
    description; an exact SKU matches too); a case-insensitive substring match
    elsewhere. Ordered by relevance unless ``ordering`` is given.

    By relevance, at most ``RANKED_MATCHES`` matches are ranked, the first
    found (on PostgreSQL, in the index's order), and the results are those:
    a word thousands of products hold would otherwise read, rank and count
    every one of them on every page (decision 0038). A sort order of the
    customer's choosing lists every match.
    """
    sku_match = Q(Exists(Variant.objects.filter(product=OuterRef("pk"), sku__iexact=q)))
    if uses_postgres():
        vector = stored_search_document() or search_document()
        inner = stored_search_document(qualified=False) or search_document()
        query = SearchQuery(q, search_type="websearch", config=settings.SEARCH_CONFIG)
        # Filter on the match itself: ts_rank is above zero for some non-matches.
        # id = ANY(ARRAY(...)) is computed once and can use the primary key,
        # so both arms of the OR use an index (EXISTS would scan every product).
        sku_products = ArraySubquery(
            Variant.objects.filter(sku__iexact=q).order_by().values("product_id")
        )
        matching = products.annotate(document=vector).filter(
            Q(document=query) | Q(IdInArray("pk", sku_products))
        )
        if ordering:
            return matching.order_by(*ordering)
        # Found once (ARRAY), then read by primary key.
        found = products.annotate(document=inner).filter(
            Q(document=query) | Q(IdInArray("pk", sku_products))
        )
        ranked = ArraySubquery(found.order_by().values("pk")[:RANKED_MATCHES])
        return (
            products.filter(IdInArray("pk", ranked))
            .annotate(rank=SearchRank(vector, query))
            .order_by("-rank", "name", "pk")
        )
    words = q.split()
    matches = Q()
    for word in words:
        matches &= Q(name__icontains=word) | Q(description__icontains=word)
    matching = products.filter(matches | sku_match)
    if ordering:
        return matching.order_by(*ordering)
    found = matching.order_by().values("pk")[:RANKED_MATCHES]
    return products.filter(pk__in=found).order_by("name", "pk")


def product_detail(slug: str) -> Product | None:
    """
    An active product with its active variants (availability and the price
    now, ``with_sale_price``, annotated) and images.
    """
    variants = with_sale_price(with_availability(Variant.objects.filter(is_active=True))).order_by(
        "position", "pk"
    )
    return (
        Product.objects.filter(is_active=True, slug=slug)
        .select_related("category")
        .prefetch_related(
            Prefetch("variants", queryset=variants),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk")),
        )
        .first()
    )
