"""
How the cost of each read grows with the catalog: builds catalogs of 1,000,
10,000 and 100,000 demo products on PostgreSQL and reports, for each, the
seed time and the median time of each read with no cache (the page cache,
the fragment caches and the category tree all miss: Django's dummy cache),
in-process through Django's test client, so what is measured is the shop's
own work, not gunicorn's or the network's.

    python bench/growth.py                              # 1,000 / 10,000 / 100,000, 15 runs each
    python bench/growth.py --sizes 1000 10000 --runs 9 --plot docs/growth.svg

Each size has its own database (``shop_bench_growth_<size>``, dropped and
built again unless ``--keep``). The reads:

- category, first page and a deep one (the middle page of the biggest
  top-level category, reached as the storefront's own links reach it: the
  next link of the page before, keyed by its last row), and the same page
  by its number alone (a bookmark);
- search for a word many product names hold;
- the products API: its default order, and ``in_stock=1&ordering=price``;
- a product page;
- starting a checkout (API, one line, the built-in test gateway) by a customer
  with no checkout awaiting payment, and by one whose earlier checkout it
  replaces.

The reads run with a broker (``--broker``, a Redis database flushed before
and after) and no worker, as in production: what a request hands to the
worker (the replaced checkout's expiry consumers, say) is sent, not run in
the request. ``--broker ''`` runs it in the request, as the laptop default.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import stack

READS = (
    "category, first page",
    "category, deep page",
    "category, deep page by number",
    "search",
    "products API, default",
    "products API, in stock by price",
    "product page",
    "start checkout",
    "start checkout, replacing one",
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each read")
    parser.add_argument("--keep", action="store_true", help="reuse a database already built")
    parser.add_argument("--database-server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--broker",
        default="redis://127.0.0.1:6379/14",
        help="where tasks go, as in production (flushed before and after); '' runs them "
        "in the request",
    )
    parser.add_argument("--plot", metavar="FILE.svg", help="also draw the figures as an SVG chart")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def environment(database_url: str) -> dict:
    """Seeding runs its tasks in-process (a sale's prices reach the catalog that way)."""
    return stack.environment(
        database_url=database_url,
        cache_url="dummycache://",
        static_root=str(stack.ARTIFACTS / "growth-static"),
        # The test client's host.
        ALLOWED_HOSTS="testserver",
        API_THROTTLE_USER="",
        API_THROTTLE_USER_WRITES="",
        PAYMENTS_TEST_GATEWAY_ENABLED="1",
        INVOICES_SELLER_VAT_NUMBER="DE000000000",
        INVOICES_SELLER_ADDRESS="1 Bench Street;10115 Berlin",
    )


def build(size: int, args) -> tuple[dict, float | None]:
    """The size's database, migrated and seeded; the seconds ``seed_demo`` took (None if kept)."""
    url = f"{args.database_server}/shop_bench_growth_{size}"
    env = environment(url)
    stack.create_database(url, fresh=not args.keep)
    stack.manage(env, "migrate", "--noinput", "-v0")
    stack.manage(env, "collectstatic", "--noinput", "-v0")
    if (
        args.keep
        and stack.manage(env, "shell", "-v0", "-c", COUNT_PRODUCTS, capture=True).strip() != "0"
    ):
        return env, None
    started = time.perf_counter()
    stack.manage(env, "seed_demo", "--products", str(size), "--no-progress", "-v0")
    return env, time.perf_counter() - started


COUNT_PRODUCTS = "from shop.catalog.models import Product; print(Product.objects.count())"


def measure(size: int, env: dict, runs: int) -> dict:
    command = [stack.PYTHON, __file__, "--measure", "--runs", str(runs), "--sizes", str(size)]
    out = subprocess.run(
        command, cwd=stack.SHOP_ROOT, env=env, check=True, text=True, stdout=subprocess.PIPE
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


# --- the measuring process (Django set up on one size's database) -----------------------


def _timed(call, runs: int) -> float:
    """Median milliseconds of ``runs`` calls, after one not counted."""
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _get(client, url: str):
    def call():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}")

    return call


def _biggest_category():
    from django.db.models import Count

    from shop.catalog.models import Category, Product

    top = Category.objects.filter(parent=None)
    counts = {
        category.slug: Product.objects.filter(
            category__in=[category.pk, *category.children.values_list("pk", flat=True)]
        ).count()
        for category in top.annotate(n=Count("children"))
    }
    slug = max(counts, key=counts.get)
    return slug, counts[slug]


def _deep_page_url(slug: str) -> tuple[str, str]:
    """
    The middle page as the category page's own links reach it (the next link
    of the page before, carrying its last row's key), and by its number alone
    (a bookmark).
    """
    from shop.catalog import paging, selectors
    from shop.catalog.views import PAGE_SIZE

    node = selectors.find_category(selectors.category_tree(), slug)
    listing = selectors.product_listing(
        selectors.ProductFilters(category_ids=tuple(node.descendant_ids()))
    )
    middle = max(1, math.ceil(listing.count() / PAGE_SIZE) // 2)
    if middle == 1:
        return f"/c/{slug}/", f"/c/{slug}/"
    before = listing[(middle - 1) * PAGE_SIZE - 1]
    key = paging.encode_key(before, paging.keyset_fields(listing))
    return f"/c/{slug}/?page={middle}&after={key}", f"/c/{slug}/?page={middle}"


def _search_word() -> str:
    from collections import Counter

    from shop.catalog.models import Product

    words = Counter(
        word.lower()
        for name in Product.objects.order_by("pk").values_list("name", flat=True)[:2000]
        for word in name.split()
        if len(word) > 3
    )
    return words.most_common(1)[0][0]


def _buyer(email: str):
    """A customer with a verified email address and a default address."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from shop.accounts.services import addresses

    user, _ = get_user_model().objects.get_or_create(email=email)
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"primary": True, "verified": True}
    )
    if not user.addresses.exists():
        addresses.add_address(
            user.pk, full_name="Growth Buyer", line1="1 Bench Street", city="Berlin",
            postal_code="10115", country="DE", is_default=True,
        )  # fmt: skip
    return user


def _checkout(runs: int) -> dict[str, float]:
    """
    Starting a checkout, as a customer does: each run is a customer of its
    own with one line in their cart and no checkout awaiting payment. And
    the rarer start that replaces the customer's earlier checkout still
    awaiting payment (decision 0015): the earlier one is given up first, and
    the consumers of ``CheckoutExpired`` (the payment page closed) are sent
    to the worker (with ``--broker ''``, run inside the request).
    """
    from rest_framework.test import APIClient

    from shop.catalog.models import Variant

    # The most stock: earlier runs' checkouts may still hold some.
    variants = Variant.objects.filter(is_active=True, product__is_active=True, gift_card=False)
    sku = variants.order_by("-stock_on_hand").values_list("sku", flat=True)[0]
    session = time.time_ns()
    keys = iter(range(10**6))

    def start(client) -> float:
        client.post("/api/v1/cart/items/", {"sku": sku, "quantity": 1})
        started = time.perf_counter()
        response = client.post(
            "/api/v1/checkout/",
            {"shipping_method": "standard"},
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"growth-{session}-{next(keys)}",
        )
        elapsed = time.perf_counter() - started
        if response.status_code not in (200, 201):
            raise SystemExit(f"checkout answered {response.status_code}: {response.content[:200]}")
        return elapsed * 1000

    def client_of(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    fresh = [client_of(_buyer(f"growth-{session}-{n}@example.com")) for n in range(runs + 1)]
    start(fresh[0])
    first = statistics.median(start(client) for client in fresh[1:])
    again = fresh[0]
    start(again)
    return {
        "start checkout": first,
        "start checkout, replacing one": statistics.median(start(again) for _ in range(runs)),
    }


def run_measurements(runs: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.test import Client

    from shop.catalog.models import Product

    client = Client()
    slug, _ = _biggest_category()
    deep, deep_by_number = _deep_page_url(slug)
    product = Product.objects.filter(is_active=True).order_by("pk").values_list("slug", flat=True)
    product = product[Product.objects.count() // 2]
    word = _search_word()
    urls = {
        "category, first page": f"/c/{slug}/",
        "category, deep page": deep,
        "category, deep page by number": deep_by_number,
        "search": f"/search/?q={word}",
        "products API, default": "/api/v1/catalog/products/",
        "products API, in stock by price": "/api/v1/catalog/products/?in_stock=1&ordering=price",
        "product page": f"/p/{product}/",
    }
    figures = {name: _timed(_get(client, url), runs) for name, url in urls.items()}
    figures.update(_checkout(runs))
    return {"figures": figures, "urls": urls}


# --- the report -----------------------------------------------------------------------


def table(results: dict[int, dict]) -> str:
    sizes = sorted(results)
    head = " | ".join(f"{size:,} products" for size in sizes)
    lines = [
        f"| read (median ms, uncached) | {head} | growth |",
        "|---|" + "---:|" * (len(sizes) + 1),
    ]
    seeds = [results[size]["seed"] for size in sizes]
    cells = " | ".join("kept" if seconds is None else f"{seconds:.0f} s" for seconds in seeds)
    lines.append(f"| `seed_demo` | {cells} | |")
    for read in READS:
        values = [results[size]["figures"][read] for size in sizes]
        growth = f"{values[-1] / values[0]:.1f} times" if values[0] else ""
        lines.append(f"| {read} | " + " | ".join(f"{v:.1f}" for v in values) + f" | {growth} |")
    return "\n".join(lines)


def svg_chart(results: dict[int, dict]) -> str:
    """Each read's median against the catalog's size, both axes logarithmic."""
    sizes = sorted(results)
    width, height, left, bottom, top, right = 720, 420, 60, 40, 20, 230
    values = [results[s]["figures"][r] for s in sizes for r in READS]
    low, high = math.log10(max(min(values), 0.1)), math.log10(max(values))
    low, high = math.floor(low), math.ceil(high) if high > low else low + 1
    x0, x1 = math.log10(sizes[0]), math.log10(sizes[-1]) if len(sizes) > 1 else sizes[0] + 1

    def x(size):
        return left + (math.log10(size) - x0) / ((x1 - x0) or 1) * (width - left - right)

    def y(ms):
        return top + (high - math.log10(max(ms, 0.1))) / (high - low) * (height - top - bottom)

    colours = [
        "#1b6ca8", "#d1495b", "#edae49", "#00798c", "#6a4c93", "#8c564b", "#66a182", "#333333",
        "#999999",
    ]  # fmt: skip
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
    ]
    for power in range(low, high + 1):
        ms = 10**power
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(ms):.1f}" y2="{y(ms):.1f}" '
            'stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y(ms) + 4:.1f}" text-anchor="end">{ms:g} ms</text>'
        )
    for size in sizes:
        parts.append(
            f'<text x="{x(size):.1f}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{size:,}</text>"
        )
    for index, read in enumerate(READS):
        colour = colours[index % len(colours)]
        points = " ".join(f"{x(s):.1f},{y(results[s]['figures'][read]):.1f}" for s in sizes)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        legend_y = top + 18 * index + 10
        parts.append(
            f'<line x1="{width - right + 15}" x2="{width - right + 35}" y1="{legend_y}" '
            f'y2="{legend_y}" stroke="{colour}" stroke-width="2"/>'
            f'<text x="{width - right + 40}" y="{legend_y + 4}">{read}</text>'
        )
    parts.append(
        f'<text x="{(left + width - right) / 2}" y="{height - 6}" text-anchor="middle">'
        "products in the catalog</text></svg>"
    )
    return "\n".join(parts)


def main():
    args = parse_args()
    if args.measure:
        print(json.dumps(run_measurements(args.runs)))
        return
    results = {}
    if args.broker:
        stack.flush_redis(args.broker)
    for size in args.sizes:
        print(f"{size:,} products: building", flush=True)
        env, seed = build(size, args)
        print(f"{size:,} products: seeded in {seed or 0:.0f} s; measuring", flush=True)
        if args.broker:  # measured as in production: the tasks a request enqueues run elsewhere
            env = {**env, "CELERY_BROKER_URL": args.broker}
        results[size] = {"seed": seed, **measure(size, env, args.runs)}
    if args.broker:
        stack.flush_redis(args.broker)  # the tasks nobody ran
    print(f"\n{args.runs} runs of each read after one not counted; {stack.machine()}\n")
    print(table(results))
    if args.plot:
        Path(args.plot).write_text(svg_chart(results))
        print(f"\nchart: {args.plot}")


if __name__ == "__main__":
    main()
