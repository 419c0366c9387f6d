"""
Sustained purchases: C signed-in buyers each buy one unit after another
(add to cart, checkout, pay on Stripe, Stripe's webhook, wait until the
order is visible) for N seconds, with plenty of stock. Prints completed
purchases per second and p50/p95/p99 of each step; exits 1 if any call
failed or a paid checkout did not become an order.

    python bench/purchases.py                      # 16 buyers, 60 s after a 10 s warm-up
    python bench/purchases.py --quick              # 8 buyers, 20 s after 5 s (about a minute)
    python bench/purchases.py --buyers 32 --duration 120 --worker-concurrency 4
    python bench/purchases.py --buyers 4 --think 0.5   # latency at rest
    python bench/purchases.py --quick --observe    # traces, metrics and JSON logs on
    python bench/purchases.py --quick --observe traces   # one of them

Same stack, database and Redis database as ``checkout_storm.py``
(``shop_bench_purchase``, dropped and migrated again; Redis db 4).
"""

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import stack
from bench.buyers import (
    ADD_TO_CART,
    END_TO_END,
    FIRST_POLL_WAIT,
    ORDER_PLACED,
    ORDER_VISIBLE,
    POLL_INTERVAL,
    START_CHECKOUT,
    WEBHOOK_ANSWER,
    Customers,
    Purchase,
    Recorder,
    now,
)
from bench.purchase_stack import PurchaseStack, add_stack_arguments, stack_options

PLENTY = 1_000_000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=16, help="concurrent buyers")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=10, help="seconds not measured first")
    parser.add_argument("--skus", type=int, default=50, help="SKUs the buyers pick from")
    parser.add_argument("--quick", action="store_true", help="8 buyers, 20 s after 5 s")
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        help="seconds each buyer waits between purchases (latency at rest, not saturated)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    add_stack_arguments(parser)
    args = parser.parse_args()
    if args.quick:
        args.buyers, args.duration, args.warmup = 8, 20, 5
    return args


async def load(shop: PurchaseStack, buyers: list[dict], skus: list[str], args) -> dict:
    recorder = Recorder()
    customers = Customers(
        shop.base, shop.stripe.url, connections=2 * len(buyers), recorder=recorder
    )
    measured_from = now() + args.warmup
    until = measured_from + args.duration

    async def read_cpu() -> dict:
        """CPU seconds each part of the stack spends in the measured window."""
        await asyncio.sleep(max(0, measured_from - now()))
        first = stack.cpu_seconds()
        await asyncio.sleep(max(0, until - now()))
        last = stack.cpu_seconds()
        return {kind: last[kind] - first[kind] for kind in first}

    cpu = asyncio.ensure_future(read_cpu())
    scraping = "metrics" in args.observe
    scrapes = asyncio.ensure_future(keep_scraping(shop, until)) if scraping else None

    async def keep_buying(buyer) -> list[Purchase]:
        pick = random.Random(buyer["id"]).choice
        done = []
        while now() < until:
            done.append(await customers.purchase(buyer, pick(skus), order_timeout=30))
            if args.think:
                await asyncio.sleep(args.think)
        return done

    try:
        per_buyer = await asyncio.gather(*(keep_buying(buyer) for buyer in buyers))
    finally:
        await customers.close()
    purchases = [purchase for done in per_buyer for purchase in done]
    return {
        "recorder": recorder,
        "purchases": purchases,
        "measured": [
            purchase
            for purchase in purchases
            if purchase.order_number and measured_from <= purchase.finished <= until
        ],
        "window": (measured_from, until),
        "cpu": await cpu,
        "scrapes": await scrapes if scrapes else [],
    }


# How often Prometheus reads /metrics in the benchmark (its default scrape interval).
SCRAPE_INTERVAL = 15.0


async def keep_scraping(shop: PurchaseStack, until: float) -> list[float]:
    """Read ``/metrics`` every ``SCRAPE_INTERVAL`` until ``until``; the seconds each read took."""
    took = []
    while now() + SCRAPE_INTERVAL < until:
        await asyncio.sleep(SCRAPE_INTERVAL)
        started = now()
        await asyncio.to_thread(shop.scrape)
        took.append(now() - started)
    return took


def observed(shop: PurchaseStack, observe: tuple[str, ...], scrapes: list[float]) -> dict:
    """
    What an operator would have seen: spans per service (after the exporters'
    batches are out) and the orders placed by ``/metrics``, to prove each was on.
    """
    seen = {"on": observe}
    if "traces" in observe:
        time.sleep(6)  # the batch span processor exports every 5 s
        seen["spans"] = shop.spans()
    if "metrics" in observe:
        seen["orders_placed_metric"] = sum(
            float(line.rsplit(" ", 1)[1])
            for line in shop.scrape().splitlines()
            if line.startswith("shop_orders_placed_total")
        )
        seen["scrape_seconds"] = scrapes
    return seen


def record_order_placing(database_url: str, recorder: Recorder, purchases: list[Purchase]):
    """
    How long after the webhook's event was stored each order was placed, from
    the two rows' timestamps (one clock): the asynchronous part of the saga,
    without the polling's resolution. Recorded as ending when the buyer saw it.
    """
    import psycopg

    seen = {purchase.event_id: purchase.finished for purchase in purchases if purchase.finished}
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            """
            SELECT e.event_id, EXTRACT(EPOCH FROM o.placed_at - e.received_at)
            FROM payments_gatewayevent e
            JOIN payments_payment p ON p.id = e.payment_id
            JOIN orders_order o ON o.payment_reference = p.reference
            WHERE e.event_id = ANY(%s)
            """,
            [list(seen)],
        ).fetchall()
    recorder.times[ORDER_PLACED] = [(seen[event_id], float(seconds)) for event_id, seconds in rows]


def cpu_table(cpu: dict[str, float], purchases: int) -> str:
    """CPU milliseconds per completed purchase, by part of the stack, in the measured window."""
    per = {kind: 1000 * seconds / max(purchases, 1) for kind, seconds in cpu.items()}
    rows = [f"| {kind} | {ms:.1f} |" for kind, ms in sorted(per.items(), key=lambda kv: -kv[1])]
    return "\n".join(
        [
            "\nCPU per completed purchase (ms, the measured window; every process of each kind):\n",
            "| part | CPU ms |",
            "|---|---:|",
            *rows,
            f"| all | {sum(per.values()):.1f} |",
        ]
    )


def write_figures(
    path: str, rate: float, recorder: Recorder, steps, window, cpu: dict, purchases: int
) -> None:
    """Purchases a second, p50/p95 (seconds) per step and CPU per purchase, for ``compare.py``."""
    since, until = window
    figures = {"purchases_per_second": rate, "errors": sum(recorder.errors.values()), "steps": {}}
    figures["cpu_ms_per_purchase"] = {
        kind: 1000 * seconds / max(purchases, 1) for kind, seconds in cpu.items()
    }
    for step in steps:
        values = recorder.durations(step, since, until)
        figures["steps"][step] = {
            "n": len(values),
            "p50": stack.percentile(values, 0.5),
            "p95": stack.percentile(values, 0.95),
        }
    Path(path).write_text(json.dumps(figures, indent=2))


def main():
    args = parse_args()
    stack.clean_up_on_sigterm()
    run = time.strftime("%Y%m%d%H%M%S")
    skus = [f"BUY-{run}-{number}" for number in range(args.skus)]
    with PurchaseStack(stack_options(args)) as shop:
        shop.stock(skus, on_hand=PLENTY)
        buyers = shop.buyers(f"buyer-{run}", args.buyers)
        before = stack.machine()
        result = asyncio.run(load(shop, buyers, skus, args))
        after = stack.machine()
        seen = observed(shop, args.observe, result["scrapes"]) if args.observe else None
        record_order_placing(args.database_url, result["recorder"], result["purchases"])

    recorder: Recorder = result["recorder"]
    purchases: list[Purchase] = result["purchases"]
    paid = [purchase for purchase in purchases if purchase.paid]
    unfinished = [purchase for purchase in paid if not purchase.order_number]
    rate = len(result["measured"]) / args.duration
    print(
        f"\n{args.buyers} buyers"
        + (f" ({args.think:g} s between purchases)" if args.think else "")
        + f", {args.duration:.0f} s measured after {args.warmup:.0f} s; "
        f"gunicorn {args.workers} {args.web_worker_class or 'config/gunicorn.py'} workers, "
        "Celery worker concurrency "
        f"{args.worker_concurrency}\nbefore: {before}\nafter:  {after}\n"
    )
    print(
        f"completed purchases: {len(result['measured'])} in the window, "
        f"{rate:.1f}/s ({len(purchases)} started in all, {len(paid)} paid, "
        f"{len(paid) - len(unfinished)} orders seen)\n"
    )
    steps = (ADD_TO_CART, START_CHECKOUT, WEBHOOK_ANSWER, ORDER_PLACED, ORDER_VISIBLE, END_TO_END)
    print(recorder.table(steps, since=result["window"][0], until=result["window"][1]))
    print(
        f"\n(order visibility is polled after {FIRST_POLL_WAIT * 1000:.0f} ms, then twice as long"
        f" each time up to every {POLL_INTERVAL * 1000:.0f} ms)"
    )
    print(cpu_table(result["cpu"], len(result["measured"])))
    if seen:
        print(f"\nobserved: {', '.join(seen['on'])} on")
        if "spans" in seen:
            print(f"spans exported to the OTLP receiver, per service: {seen['spans']}")
        if "orders_placed_metric" in seen:
            scrapes = ", ".join(f"{seconds * 1000:.0f}" for seconds in seen["scrape_seconds"])
            print(
                f"/metrics says {seen['orders_placed_metric']:.0f} orders placed; "
                f"each scrape took {scrapes} ms"
            )
    if args.json:
        measured = len(result["measured"])
        write_figures(args.json, rate, recorder, steps, result["window"], result["cpu"], measured)

    failures = []
    if recorder.errors:
        failures.append(f"errors: {dict(recorder.errors)}")
    if unfinished:
        failures.append(f"{len(unfinished)} paid checkouts without a visible order after 30 s")
    sampled = float(dict(args.set).get("OTEL_TRACES_SAMPLER_ARG") or 1) > 0
    if seen and "spans" in seen and sampled and not sum(seen["spans"].values()):
        failures.append("traces were on, but no span reached the OTLP receiver")
    if seen and seen.get("orders_placed_metric", len(paid)) < len(paid) - len(unfinished):
        failures.append(
            f"/metrics counted {seen['orders_placed_metric']:.0f} orders placed, "
            f"the buyers saw {len(paid) - len(unfinished)}"
        )
    if len(paid) != len(purchases):
        failures.append(f"{len(purchases) - len(paid)} purchases stopped before payment")
    for failure in failures:
        print(f"FAIL: {failure}")
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
