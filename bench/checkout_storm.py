"""
A checkout storm: 200 signed-in buyers each put one unit of the same SKU in
their cart, then all start checkout at the same moment while only 20 units
exist. Exactly 20 checkouts may succeed and become orders once paid; the
other 180 must get a clean 409 ``out_of_stock``; nothing may fail (5xx,
timeouts). Prints the checkout call's latency and exits 1 if any of that
does not hold.

    python bench/checkout_storm.py                 # 200 buyers, 20 units
    python bench/checkout_storm.py --quick         # the same, on the last run's database
    python bench/checkout_storm.py --buyers 500 --stock 50

Runs the shop under gunicorn (DEBUG=0) with a Celery worker and beat, the
fake Stripe server in its own process, PostgreSQL and Redis on localhost:
database ``shop_bench_purchase`` (dropped and migrated again unless
``--quick``; each run has its own SKU and buyers) and Redis database 4
(emptied). Needs the project's .venv (``make install``); about 25 s.
"""

import argparse
import asyncio
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import stack
from bench.buyers import ADD_TO_CART, START_CHECKOUT, Customers, Recorder
from bench.purchase_stack import PurchaseStack, add_stack_arguments, stack_options


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=200)
    parser.add_argument("--stock", type=int, default=20)
    parser.add_argument(
        "--quick", action="store_true", help="reuse the last run's database (no migrate)"
    )
    add_stack_arguments(parser)
    return parser.parse_args()


async def storm(shop: PurchaseStack, buyers: list[dict], sku: str) -> dict:
    recorder = Recorder()
    customers = Customers(
        shop.base, shop.stripe.url, connections=len(buyers) + 10, recorder=recorder
    )
    try:
        added = await asyncio.gather(*(customers.add_to_cart(buyer, sku) for buyer in buyers))
        carts = Counter(response.status_code if response else "no answer" for response in added)

        go = asyncio.Event()

        async def checkout(buyer):
            await go.wait()
            return buyer, await customers.start_checkout(buyer, f"storm-{buyer['id']}")

        pending = [asyncio.create_task(checkout(buyer)) for buyer in buyers]
        await asyncio.sleep(0.5)  # every buyer is waiting at the line
        started = time.monotonic()
        go.set()
        answers = await asyncio.gather(*pending)
        storm_seconds = time.monotonic() - started

        outcomes = Counter(_outcome(response) for _, response in answers)
        winners = [(buyer, response.json()) for buyer, response in answers if _won(response)]

        async def pay_and_wait(buyer, checkout):
            event = await customers.pay(checkout)
            accepted = event is not None and await customers.deliver_webhook(event)
            return accepted and await customers.wait_for_order(buyer, checkout["id"], timeout=60)

        orders = await asyncio.gather(*(pay_and_wait(*winner) for winner in winners))
    finally:
        await customers.close()
    return {
        "carts": carts,
        "outcomes": outcomes,
        "storm_seconds": storm_seconds,
        "order_numbers": [number for number in orders if number],
        "recorder": recorder,
    }


def _won(response) -> bool:
    return response is not None and response.status_code == 201


def _outcome(response) -> str:
    if response is None:
        return "no answer (timeout or connection error)"
    if response.status_code == 409:
        return f"409 {response.json().get('code')}"
    return str(response.status_code)


def stock_left(database_url: str, sku: str) -> tuple[int, int, int]:
    """(units on hand, units held by active reservations, orders with the SKU) in the database."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        on_hand, held = connection.execute(
            """
            SELECT v.stock_on_hand, COALESCE((
                SELECT SUM(l.quantity) FROM catalog_reservationline l
                JOIN catalog_reservation r ON r.id = l.reservation_id
                WHERE l.variant_id = v.id AND r.status = 'active' AND r.expires_at > now()
            ), 0)
            FROM catalog_variant v WHERE v.sku = %s
            """,
            [sku],
        ).fetchone()
        orders = connection.execute(
            "SELECT COUNT(DISTINCT order_id) FROM orders_orderline WHERE sku = %s", [sku]
        ).fetchone()[0]
    return on_hand, held, orders


def main():
    args = parse_args()
    stack.clean_up_on_sigterm()
    run = time.strftime("%Y%m%d%H%M%S")
    sku = f"STORM-{run}"
    options = stack_options(args, fresh_database=not args.quick, beat=False)
    with PurchaseStack(options) as shop:
        shop.stock([sku], on_hand=args.stock)
        buyers = shop.buyers(f"storm-{run}", args.buyers)
        result = asyncio.run(storm(shop, buyers, sku))
        on_hand, held, orders = stock_left(args.database_url, sku)
        conditions = stack.machine()

    recorder: Recorder = result["recorder"]
    expected = {"201": args.stock, "409 out_of_stock": args.buyers - args.stock}
    outcomes = {str(key): count for key, count in result["outcomes"].items()}
    print(
        f"\n{args.buyers} buyers, {args.stock} units of {sku}; gunicorn {args.workers} sync "
        f"workers, Celery worker concurrency {args.worker_concurrency}; {conditions}\n"
    )
    print(f"add to cart: {dict(result['carts'])}")
    print(f"checkout answers: {outcomes} (all {args.buyers} in {result['storm_seconds']:.1f} s)")
    print(f"orders placed: {orders} ({len(result['order_numbers'])} seen by their buyers)")
    print(f"stock left: {on_hand} on hand, {held} held\n")
    print(recorder.table(steps=(ADD_TO_CART, START_CHECKOUT)))

    failures = []
    if outcomes != expected:
        failures.append(f"checkout answers {outcomes}, expected {expected}")
    if orders != args.stock or len(result["order_numbers"]) != args.stock:
        failures.append(f"{orders} orders, expected exactly {args.stock}")
    if (on_hand, held) != (0, 0):
        failures.append(f"{on_hand} units on hand and {held} held, expected none")
    if recorder.errors:
        failures.append(f"errors: {dict(recorder.errors)}")
    for failure in failures:
        print(f"FAIL: {failure}")
    if failures:
        sys.exit(1)
    print(
        f"\nOK: exactly {args.stock} orders, {args.buyers - args.stock} clean 409 out_of_stock, "
        "0 errors"
    )


if __name__ == "__main__":
    main()
