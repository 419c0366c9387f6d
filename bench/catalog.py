"""
Benchmark the catalog under gunicorn against PostgreSQL and Redis.

Measures requests/second and latency percentiles, with wrk, for the category
page, a product page and the products API, and in the same run a bare Django
view of the same deployment (``/healthz``: the full middleware stack and
nothing else) as the ceiling each is reported against.

    python bench/catalog.py                     # 10,000 demo products, 3 rounds of 5 s a target
    python bench/catalog.py --rounds 5 --duration 10 --workers 4 --connections 32

Needs: the project's .venv (``make install``), PostgreSQL and Redis on
localhost (as in ``make services-test``) and wrk (``apt-get install wrk``).
It uses its own database, ``shop_bench``, and Redis database 3.

The signed-in visitor is a customer made for the run (``bench-signed-in@example.com``)
with a session in the session store and one item in their cart: their cookie
carries the session and a CSRF cookie, as a browser's does after a first page.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.stack import (
    clean_up_on_sigterm,
    create_database,
    environment,
    machine,
    manage,
    start_gunicorn,
    stop,
    wait_until_serving,
)

BARE = "/healthz"
# A visitor who has been given a CSRF cookie (seen a form): no session lookup.
VISITOR_COOKIE = "Cookie: csrftoken=benchbenchbenchbenchbenchbenchbe"

WRK_REPORT = """
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "rps": %f, "errors": %d, "non2xx": %d,'
    .. ' "p50": %f, "p90": %f, "p99": %f, "max": %f}\\n',
    summary.requests, seconds, summary.requests / seconds,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds per target and round")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="times every target is measured, in turn: a machine that speeds up or slows "
        "down during the run then moves all targets alike, and the ratios hold",
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--servers",
        nargs="+",
        default=[""],
        metavar="WORKER_CLASS",
        help="gunicorn worker types to measure side by side (sync gthread:4, a type and its "
        "threads), each on its own port, in turn within each round; default: "
        "config/gunicorn.py's",
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/shop_bench")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/3")
    return parser.parse_args()


def product_count(env) -> int:
    script = "from shop.catalog.models import Product; print(Product.objects.count())"
    return int(manage(env, "shell", "-c", script, capture=True).strip().splitlines()[-1])


# Run in ``manage.py shell``: a customer signed in (a session as the sign-in
# leaves it) with one item of the product in their cart; prints the session key.
SIGNED_IN = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from shop.accounts.models import User
from shop.core.errors import ShopError
from shop.cart.services import Owner, add_item, delete_user_cart
user, _ = User.objects.get_or_create(
    email="bench-signed-in@example.com", defaults={"first_name": "Bench"}
)
delete_user_cart(user.pk)
for variant in product.variants.all():
    try:
        add_item(Owner(user_id=user.pk), variant.sku, 1)
        break
    except ShopError:
        continue
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
found["session"] = session.session_key
"""


def targets(env) -> dict[str, str]:
    """
    The URLs to measure (the busiest category, a product in it, the API list)
    and who asks: nobody, a visitor with a cookie, a signed-in customer.
    """
    script = (
        "import json\n"
        "from django.db.models import Count\n"
        "from shop.catalog.models import Category, Product\n"
        "category = Category.objects.annotate(n=Count('products')).order_by('-n').first()\n"
        "product = Product.objects.filter(category=category, is_active=True).first()\n"
        "found = {'category': category.slug, 'product': product.slug}\n"
        f"{SIGNED_IN}\n"
        "print(json.dumps(found))\n"
    )
    found = json.loads(manage(env, "shell", "-c", script, capture=True).strip().splitlines()[-1])
    category, product = f"/c/{found['category']}/", f"/p/{found['product']}/"
    api = "/api/v1/catalog/products/?page_size=24"
    signed_in = f"{VISITOR_COOKIE}; sessionid={found['session']}"
    return {
        "bare view (/healthz)": (BARE, None),
        "category page": (category, None),
        "product page": (product, None),
        "products API": (api, None),
        # A visitor with a cookie (signed in, a cart) is never served a shared
        # response: these run the views, with their fragment and data caches.
        "category page, with a cookie": (category, VISITOR_COOKIE),
        "product page, with a cookie": (product, VISITOR_COOKIE),
        "products API, with a cookie": (api, VISITOR_COOKIE),
        # Signed in with an item in the cart: the header names them and counts it.
        "category page, signed in": (category, signed_in),
        "product page, signed in": (product, signed_in),
        "products API, signed in": (api, signed_in),
    }


def run_wrk(args, url: str, header: str | None, duration: int, report: str) -> dict:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration}s"]
    if header:
        command += ["-H", header]
    output = subprocess.run(
        [*command, "-s", report, url],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    args = parse_args()
    clean_up_on_sigterm()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as static_root:
        env = environment(
            database_url=args.database_url, cache_url=args.cache_url, static_root=static_root
        )
        create_database(args.database_url)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        if product_count(env) != args.products:
            manage(env, "seed_demo", "--reset", "--products", str(args.products))
        urls = targets(env)

        servers = {
            kind: f"http://127.0.0.1:{args.port + index}" for index, kind in enumerate(args.servers)
        }
        processes = []
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as report:
            report.write(WRK_REPORT)
        try:
            for index, kind in enumerate(servers):
                worker_class, _, threads = kind.partition(":")
                processes.append(
                    start_gunicorn(
                        env,
                        port=args.port + index,
                        workers=args.workers,
                        worker_class=worker_class,
                        threads=int(threads or 0),
                    )
                )
            for base in servers.values():
                wait_until_serving(base)
                for path, header in urls.values():
                    run_wrk(args, base + path, header, 2, report.name)  # warm caches, connections
            conditions = machine()  # before wrk and gunicorn add their own load
            results = {kind: {name: [] for name in urls} for kind in servers}
            for _ in range(args.rounds):
                for name, (path, header) in urls.items():
                    for kind, base in servers.items():
                        results[kind][name].append(
                            run_wrk(args, base + path, header, args.duration, report.name)
                        )
        finally:
            for process in processes:
                stop(process)
            Path(report.name).unlink(missing_ok=True)

    for kind in servers:
        print_table(args, kind, urls, results[kind], conditions)
    if len(servers) > 1:
        print_servers(results)
    if any(
        result["errors"] + result["non2xx"]
        for by_target in results.values()
        for rounds in by_target.values()
        for result in rounds
    ):
        sys.exit(1)


def print_servers(results: dict):
    """Each target's req/s and p50 on every worker type, and the ratio to the first."""
    kinds = list(results)
    first = kinds[0]
    print("\n| target | " + " | ".join(f"{kind} req/s, p50 ms" for kind in kinds) + " | ratio |")
    print("|---|" + "---:|" * (len(kinds) + 1))
    for name in results[first]:
        cells, rates = [], []
        for kind in kinds:
            rounds = results[kind][name]
            rate = median(r["rps"] for r in rounds)
            rates.append(rate)
            cells.append(f"{rate:.0f}, {median(r['p50'] for r in rounds):.1f}")
        ratios = ", ".join(f"{rate / rates[0]:.2f}" for rate in rates[1:])
        print(f"| {name} | " + " | ".join(cells) + f" | {ratios} |")


def print_table(args, kind: str, urls, results, conditions: str):
    """
    Per target, the median over the rounds of req/s and of each latency
    percentile; "vs bare" is the median of the round-by-round ratios to the
    bare view, with their lowest and highest.
    """
    bare = [result["rps"] for result in results["bare view (/healthz)"]]
    print(
        f"\n{args.products} products, gunicorn {args.workers} "
        f"{kind or 'config/gunicorn.py'} workers, "
        f"wrk {args.threads} threads / {args.connections} connections, "
        f"{args.rounds} rounds of {args.duration}s per target; {conditions}\n"
    )
    print("| target | path | req/s | vs bare (range) | p50 ms | p90 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for name, rounds in results.items():
        ratios = [result["rps"] / ceiling for result, ceiling in zip(rounds, bare, strict=True)]
        errors = sum(result["errors"] + result["non2xx"] for result in rounds)
        rps, p50, p90, p99 = (
            median([r[key] for r in rounds]) for key in ("rps", "p50", "p90", "p99")
        )
        print(
            f"| {name} | `{urls[name][0]}` | {rps:.0f} "
            f"| {median(ratios):.2f} ({min(ratios):.2f} to {max(ratios):.2f}) "
            f"| {p50:.1f} | {p90:.1f} | {p99:.1f} | {errors} |"
        )


if __name__ == "__main__":
    main()
