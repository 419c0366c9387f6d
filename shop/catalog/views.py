"""
The storefront's catalog pages: home, category, product, search and all products.

Caching: every key carries ``catalog_version()``, which any change to a category,
product, variant, image, price or stock bumps (``cache.py``), so a change shows
on the very next request and nothing is ever deleted. Cached is what costs
queries and is the same for every visitor:

- the category tree (header navigation, breadcrumbs, subcategory links);
- a listing's rendered grid with its count and pagination, per page and per
  normalized filter values: a warm listing runs no query;
- a product page's data (variants with availability, image URLs) as plain
  data, rendered per request for visitors with a session, because its
  purchase block (the cart's form with its CSRF token) is theirs.

On top of this, ``urls.py`` shares whole responses among visitors who carry
no cookie (``shop.core.pagecache``): a page that sets a CSRF cookie or
touches the session is never stored there.

The header (login state, staff link, later the cart) is never cached. Cached
fragments are rendered without the request, so nothing per-user can leak into
them. Entries also expire after ``CATALOG_CACHE_TIMEOUT`` seconds (default
300), which bounds how long a change that writes nothing, such as a
reservation expiring, goes unseen.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.core.paginator import EmptyPage
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe

from shop.taxes import public as taxes

from . import paging, selectors
from .cache import cached, cached_category_tree
from .filters import ProductFilterSet
from .images import detail_image_url, list_thumbnail_url
from .sale_prices import pricing, variant_pricing

PAGE_SIZE = 24
HOME_PRODUCTS = 8
FILTER_FIELDS = ("q", "category", "min_price", "max_price", "in_stock", "ordering")


# --- product cards ----------------------------------------------------------------


@dataclass(frozen=True)
class ProductCard:
    name: str
    url: str
    price: Decimal
    price_varies: bool
    compare_at_price: Decimal | None
    in_stock: bool
    image_url: str = ""
    image_alt: str = ""
    sale_name: str | None = None
    sale_ends_at: datetime | None = None

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price


def product_card(product) -> ProductCard:
    image = product.thumbnail_name
    now = pricing(
        product.regular_from,
        product.compare_at_from,
        product.price_from,
        product.sale_name_from,
        product.sale_ends_from,
    )
    return ProductCard(
        name=product.name,
        url=product.get_absolute_url(),
        price=now.price,
        price_varies=product.price_to is not None and product.price_to != product.price_from,
        compare_at_price=now.compare_at_price,
        sale_name=now.sale_name,
        sale_ends_at=now.sale_ends_at,
        in_stock=product.in_stock,
        image_url=list_thumbnail_url(image) if image else "",
        image_alt=(product.thumbnail_alt or product.name) if image else "",
    )


# --- listings -------------------------------------------------------------------


@dataclass
class Listing:
    """A filtered, paginated product list: the form and the grid's HTML (or none if invalid)."""

    filterset: ProductFilterSet
    grid: str = ""

    @property
    def status(self) -> int:
        return 200 if self.filterset.is_valid() else 400


def page_number(request) -> int:
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
    except ValueError:
        raise Http404("No such page.") from None
    if number < 1:
        raise Http404("No such page.")
    return number


def canonical_params(filterset: ProductFilterSet, fixed: dict) -> QueryDict:
    """The submitted filters that filter something, as they were typed: the links' query."""
    params = QueryDict(mutable=True)
    cleaned = filterset.form.cleaned_data
    for name in FILTER_FIELDS:
        if name in fixed or cleaned.get(name) in (None, "", False):
            continue
        params[name] = "on" if cleaned[name] is True else filterset.data.get(name, "").strip()
    return params


def product_listing(request, *, scope: str, fixed: dict | None = None, tree=None) -> Listing:
    """
    Filter with ``ProductFilterSet`` (``fixed`` values, such as the category of
    a category page, override the query string) and render one page of cards.
    A bad filter value gives the form with its errors and no grid (status 400);
    a page number that is not a page is a 404.
    """
    fixed = fixed or {}
    data = request.GET.copy()
    for name, value in fixed.items():
        data[name] = value
    filterset = ProductFilterSet(data, tree=tree if tree is not None else cached_category_tree())
    if scope == "search":
        ordering = filterset.form.fields["ordering"]
        ordering.choices = [("", "Best match"), *ordering.choices]
    if not filterset.is_valid():
        return Listing(filterset)
    number = page_number(request)
    params = canonical_params(filterset, fixed)
    digest = hashlib.sha256(params.urlencode().encode()).hexdigest()[:32]

    after, before = request.GET.get("after"), request.GET.get("before")

    def render_grid() -> str:
        try:
            page = paging.paginate(
                filterset.listing(), number, PAGE_SIZE, after=after, before=before
            )
        except EmptyPage:
            raise Http404("No such page.") from None
        return render_to_string(
            "catalog/_product_grid.html",
            {
                "page": page,
                "cards": [product_card(product) for product in page],
                "pages": page_links(page, params),
                **tax_note(),
            },
        )

    keys = hashlib.sha256(f"{after}:{before}".encode()).hexdigest()[:16]
    grid = cached(f"listing:{scope}:{digest}:{number}:{keys}", render_grid)
    return Listing(filterset, mark_safe(grid))


def page_links(page: paging.Page, params: QueryDict) -> dict:
    """
    Previous and next, the first and last page, and the pages either side of
    this one, each with the key of the row next to it where it has one
    (``paging``), so every link the listing offers is cheap to follow.
    """

    def href(number: int, **key) -> str:
        query = params.copy()
        query["page"] = str(number)
        query.update({name: value for name, value in key.items() if value})
        return f"?{query.urlencode()}"

    current, last = page.number, page.num_pages
    keyed = {current - 1: {"before": page.before}, current + 1: {"after": page.after}}
    links, shown = [], None
    for number in sorted({1, current - 1, current, current + 1, last}):
        if not 1 <= number <= last:
            continue
        if shown is not None and number > shown + 1:
            links.append({"href": None})
        links.append(
            {
                "number": number,
                "current": number == current,
                "href": href(number, **keyed.get(number, {})),
            }
        )
        shown = number
    return {
        "links": links,
        "previous": href(current - 1, before=page.before) if page.has_previous() else None,
        "next": href(current + 1, after=page.after) if page.has_next() else None,
    }


# --- product page -----------------------------------------------------------------


@dataclass(frozen=True)
class VariantChoice:
    sku: str
    label: str
    price: Decimal
    compare_at_price: Decimal | None
    available: int
    sale_name: str | None = None
    sale_ends_at: datetime | None = None

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price

    @property
    def name(self) -> str:
        """What the picker calls it: the option values, or the SKU when it has none."""
        return self.label or self.sku


@dataclass(frozen=True)
class ProductImageView:
    url: str
    thumbnail_url: str
    alt: str


@dataclass(frozen=True)
class ProductPage:
    """What the product page shows, as plain data that can sit in the cache."""

    name: str
    slug: str
    description: str
    category_slug: str | None
    variants: tuple[VariantChoice, ...]
    images: tuple[ProductImageView, ...]

    @property
    def is_simple(self) -> bool:
        """One variant without options: nothing to pick."""
        return len(self.variants) == 1 and not self.variants[0].label

    @property
    def available(self) -> bool:
        """Some option can be bought now."""
        return any(variant.available > 0 for variant in self.variants)

    def variant(self, sku: str) -> VariantChoice | None:
        return next((variant for variant in self.variants if variant.sku == sku), None)

    def default_variant(self) -> VariantChoice:
        """The first variant in stock, or the first one when none is."""
        return next((v for v in self.variants if v.available > 0), self.variants[0])


def product_page(slug: str) -> ProductPage | None:
    product = selectors.product_detail(slug)
    if product is None or not product.variants.all():
        return None
    return ProductPage(
        name=product.name,
        slug=product.slug,
        description=product.description,
        category_slug=product.category.slug if product.category else None,
        variants=tuple(
            VariantChoice(
                sku=variant.sku,
                label=variant.label,
                price=now.price,
                compare_at_price=now.compare_at_price,
                available=variant.available,
                sale_name=now.sale_name,
                sale_ends_at=now.sale_ends_at,
            )
            for variant in product.variants.all()
            for now in [variant_pricing(variant)]
        ),
        images=tuple(
            ProductImageView(
                url=detail_image_url(image.image.name),
                thumbnail_url=list_thumbnail_url(image.image.name),
                alt=image.alt_text or product.name,
            )
            for image in product.images.all()
        ),
    )


def tax_note() -> dict:
    """
    "incl. VAT" or "plus tax" for the cards of the cached fragments, which are
    rendered without the request and so without the ``TAX_NOTE`` context
    processor (``cache.cached`` keys them by the setting too).
    """
    return {"TAX_NOTE": "incl. VAT" if taxes.prices_include_tax() else "plus tax"}


# --- pages ------------------------------------------------------------------------


def home(request):
    """Top-level categories and the newest products in stock."""

    def render_products() -> str:
        products = selectors.product_listing(
            selectors.ProductFilters(in_stock=True, ordering="newest")
        )
        cards = [product_card(product) for product in products[:HOME_PRODUCTS]]
        return render_to_string("catalog/_product_cards.html", {"cards": cards, **tax_note()})

    return render(
        request,
        "catalog/home.html",
        {
            "categories": cached_category_tree(),
            "products": mark_safe(cached("home", render_products)),
        },
    )


def category(request, slug: str):
    """A category's products, those of its subcategories included, with filters."""
    tree = cached_category_tree()
    path = selectors.category_path(tree, slug)
    if not path:
        raise Http404("No such category.")
    listing = product_listing(
        request, scope=f"category:{slug}", fixed={"category": slug}, tree=tree
    )
    context = {
        "category": path[-1],
        "breadcrumbs": path[:-1],
        "nav_root_slug": path[0].slug,
        "listing": listing,
    }
    return render(request, "catalog/category.html", context, status=listing.status)


def product_list(request):
    """Every product, with filters."""
    listing = product_listing(request, scope="all")
    return render(request, "catalog/products.html", {"listing": listing}, status=listing.status)


def search(request):
    """Search results by relevance; an empty query asks for one."""
    query = request.GET.get("q", "").strip()
    context = {"search_query": query}
    if not query:
        return render(request, "catalog/search.html", context)
    listing = product_listing(request, scope="search")
    context["listing"] = listing
    return render(request, "catalog/search.html", context, status=listing.status)


def product(request, slug: str):
    """
    A product with its images, price and availability. A product with options
    has a variant picker: a plain GET form, so ``?variant=<sku>`` shows that
    variant; an unknown SKU shows the default one with a note.
    """
    page = cached(f"product:{slug}", lambda: product_page(slug))
    if page is None:
        raise Http404("No such product.")
    requested = request.GET.get("variant", "")
    if requested and len(request.GET) > 1:
        # "Show this option" without JavaScript sends the whole purchase form.
        return redirect(f"{request.path}?{urlencode({'variant': requested})}")
    selected = page.variant(requested) if requested else None
    tree = cached_category_tree()
    path = selectors.category_path(tree, page.category_slug) if page.category_slug else []
    context = {
        "product": page,
        "selected": selected or page.default_variant(),
        "unknown_variant": bool(requested) and selected is None,
        "breadcrumbs": path,
        "nav_root_slug": path[0].slug if path else None,
    }
    response = render(request, "catalog/product.html", context)
    if context["unknown_variant"]:
        # Made-up SKUs must not each get a shared cache entry.
        add_never_cache_headers(response)
    return response
