"""
Faults under a purchase load. Buyers keep buying (as in ``purchases.py``,
retrying a failed call with the same body and Idempotency-Key, and Stripe
redelivering an unanswered webhook) while, in the middle of the load:

  redis     Redis (broker and cache) stops for 30 s, then starts again, empty
  worker    the Celery worker is SIGKILLed holding a task; a new one starts
  postgres  PostgreSQL restarts (``pg_ctl restart -m fast``); gunicorn is left alone

After each, the load stops and the script waits for the system to settle, then
counts, for that phase's checkouts: payments succeeded (webhooks accepted),
orders created, duplicates (a checkout with more than one order) and lost
(a paid checkout without an order), explains any lost one, and counts the
events the broker lost (recovered, if at all, by the checkout expiry task).
Exits 1 if anything was lost or duplicated.

    python bench/faults.py                       # all three, production timers (15-40 min)
    python bench/faults.py --quick               # all three, short load and timers (~3 min)
    python bench/faults.py --faults worker --quick

It never touches the shared PostgreSQL and Redis: it starts a private
PostgreSQL cluster (initdb into a temporary directory, as the ``postgres``
user, port 5439) and a private Redis (port 6391, no persistence, as a
cache-and-broker Redis is often run), and removes both at the end.

Timers are production's: a killed worker's tasks come back after
``CELERY_VISIBILITY_TIMEOUT`` (300 s, checked every ~100 s), an outbox row the
broker did not take is re-sent by beat (``OUTBOX_RELAY_INTERVAL`` 15 s, rows
older than ``OUTBOX_RESEND_AFTER`` 30 s), a stored webhook whose processing
message the broker lost is processed by a sweep (``PAYMENTS_EVENT_OVERDUE_AFTER``
120 s), and a checkout whose ``PaymentSucceeded`` the broker lost is completed
by ``orders.expire_checkouts`` when its hold runs out
(``ORDERS_CHECKOUT_TTL_MINUTES`` 15), so a full run can take 40 minutes.
``--quick`` sets them to 20 s, 5 s, 5 s, 10 s and 1 minute.
"""

import argparse
import asyncio
import json
import os
import pwd
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import stack
from bench.buyers import Customers, Purchase, Recorder, now
from bench.purchase_stack import PurchaseStack, StackOptions

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PLENTY = 1_000_000
# The consumer of payments.PaymentSucceeded that places the order (its task id is
# uuid5(outbox message id, task name): shop.core.messaging._send).
PLACE_ORDER = "orders.complete_checkout"
# What orders.expire_checkouts logs when it completes a paid checkout
# (shop/orders/checkout/expiry.py).
BACKSTOP = "missed its PaymentSucceeded"


# --- private services -------------------------------------------------------------------


def _port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on ``port``, trust auth, in a temporary directory."""

    def __init__(self, port: int):
        self.port = port

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def __enter__(self) -> "PrivatePostgres":
        if _port_in_use(self.port):
            raise SystemExit(f"port {self.port} is in use: not starting a private PostgreSQL")
        self.directory = Path(tempfile.mkdtemp(prefix="shop-faults-pg-"))
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
        self.data = self.directory / "data"
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"]
        subprocess.run(
            _as_postgres([*initdb, "--no-sync", "-E", "UTF8"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self._pg_ctl("start")
        return self

    def _pg_ctl(self, *action: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        log = self.directory / "postgres.log"
        pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(log), "-w", "-t", "60"]
        subprocess.run(
            _as_postgres([*pg_ctl, "-o", options, *action]), check=True, stdout=subprocess.DEVNULL
        )

    def restart(self) -> None:
        """A fast restart: every connection is cut, in-flight transactions roll back."""
        self._pg_ctl("-m", "fast", "restart")

    def __exit__(self, *exc_info) -> None:
        try:
            self._pg_ctl("-m", "immediate", "stop")
        finally:
            log = self.directory / "postgres.log"
            if log.exists():
                shutil.copy(log, stack.ARTIFACTS / "faults-postgres.log")
            shutil.rmtree(self.directory, ignore_errors=True)


class PrivateRedis:
    """A Redis on ``port`` without persistence: a restart comes back empty."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}"

    def __enter__(self) -> "PrivateRedis":
        if _port_in_use(self.port):
            raise SystemExit(f"port {self.port} is in use: not starting a private Redis")
        self.directory = Path(tempfile.mkdtemp(prefix="shop-faults-redis-"))
        self.start()
        return self

    def start(self) -> None:
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "yes", "--dir", str(self.directory),
             "--pidfile", str(self.directory / "redis.pid"),
             "--logfile", str(self.directory / "redis.log")],
            check=True,
        )  # fmt: skip
        self._wait(up=True)

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait(up=False)

    def _wait(self, *, up: bool, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while _port_in_use(self.port) != up:
            if time.monotonic() > deadline:
                raise SystemExit(f"Redis on {self.port} did not {'start' if up else 'stop'}")
            time.sleep(0.05)

    def __exit__(self, *exc_info) -> None:
        if _port_in_use(self.port):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


# --- the faults -------------------------------------------------------------------------


@dataclass
class Context:
    shop: PurchaseStack
    postgres: PrivatePostgres
    redis: PrivateRedis
    database_url: str
    broker_url: str
    skus: list[str]
    run: str
    args: argparse.Namespace


def stop_redis(context: Context) -> str:
    started = time.monotonic()
    context.redis.stop()
    time.sleep(context.args.outage)
    context.redis.start()
    return f"Redis down for {time.monotonic() - started:.1f} s, back empty"


def _in_flight(client) -> list[str]:
    """The task messages the broker handed out that nobody has acknowledged (acks are late)."""
    return [json.loads(raw)[0]["headers"]["task"] for raw in client.hvals("unacked")]


def kill_worker(context: Context) -> str:
    """SIGKILL the worker (and its pool) the moment it holds an unacknowledged task."""
    import redis

    with redis.Redis.from_url(context.broker_url) as client:
        deadline = time.monotonic() + 30
        while not client.hlen("unacked") and time.monotonic() < deadline:
            time.sleep(0.002)
        killed = context.shop.worker.pid
        at = time.strftime("%H:%M:%S")
        stack.kill(context.shop.worker)
        in_flight = _in_flight(client)
    context.shop.start_worker()
    return (
        f"worker {killed} SIGKILLed at {at} holding {len(in_flight)} unacknowledged "
        f"task messages ({', '.join(in_flight)})"
    )


def restart_postgres(context: Context) -> str:
    started = time.monotonic()
    context.postgres.restart()
    return f"PostgreSQL restarted in {time.monotonic() - started:.1f} s"


FAULTS = {"redis": stop_redis, "worker": kill_worker, "postgres": restart_postgres}


# --- counting ---------------------------------------------------------------------------


def _processes_under(pid: int) -> set[int]:
    """``pid`` and its children: a changed set means gunicorn lost or replaced a worker."""
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.add(int(entry.name))
    return {pid, *children}


def order_counts(database_url: str, checkout_ids: list[str]) -> dict[str, int]:
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT checkout_id::text, COUNT(*) FROM orders_order "
            "WHERE checkout_id = ANY(%s::uuid[]) GROUP BY checkout_id",
            [checkout_ids],
        ).fetchall()
    return dict(rows)


def explain_lost(database_url: str, lost: list[Purchase]) -> list[str]:
    """Where each lost purchase stopped: the webhook's event, the payment, its event, the order."""
    import psycopg

    def one(connection, query: str, *params):
        return connection.execute(query, params).fetchone()

    lines = []
    with psycopg.connect(database_url) as connection:
        for purchase in lost:
            reference = purchase.checkout_id
            checkout = one(
                connection, "SELECT status FROM orders_checkout WHERE id = %s::uuid", reference
            )
            event = one(
                connection,
                "SELECT processed_at IS NOT NULL, outcome FROM payments_gatewayevent "
                "WHERE event_id = %s",
                purchase.event_id,
            )
            payment = one(
                connection, "SELECT status FROM payments_payment WHERE reference = %s", reference
            )
            published = one(
                connection,
                "SELECT id::text, to_char(sent_at, 'HH24:MI:SS.MS'), attempts "
                "FROM payments_outboxmessage "
                "WHERE event_name = 'payments.PaymentSucceeded' AND payload->>'reference' = %s",
                reference,
            )
            marks = published and one(
                connection,
                "SELECT COUNT(*) FROM orders_inboxmessage WHERE event_id = %s::uuid",
                published[0],
            )
            if event is None:
                webhook = "not stored"
            else:
                webhook = f"{'processed' if event[0] else 'stored, not processed'} ({event[1]!r})"
            if published is None:
                succeeded = "not published"
            else:
                handed = f"sent at {published[1]}" if published[1] else "not sent"
                task = uuid.uuid5(uuid.UUID(published[0]), PLACE_ORDER)
                succeeded = (
                    f"{handed} ({published[2]} attempts), as task {task}; the worker log "
                    f"says of it: {_worker_log_about(str(task)) or 'nothing'}"
                )
            lines.append(
                f"checkout {reference} {checkout and checkout[0]}: webhook event {webhook}; "
                f"payment {payment and payment[0]}; PaymentSucceeded {succeeded}; "
                f"orders inbox marks for it: {marks[0] if marks else 0}"
            )
    return lines


def _worker_log_about(task_id: str) -> list[str]:
    log = stack.ARTIFACTS / "faults-worker.log"
    if not log.exists():
        return []
    return [
        line.strip()[:160]
        for line in log.read_text(errors="replace").splitlines()
        if task_id in line
    ]


def settle(context: Context, purchases: list[Purchase], limit: float) -> dict:
    """Wait until every paid checkout of the phase has its order, or ``limit`` seconds."""
    checkout_ids = [purchase.checkout_id for purchase in purchases if purchase.checkout_id]
    paid = [purchase for purchase in purchases if purchase.paid]
    started = time.monotonic()
    while True:
        counts = order_counts(context.database_url, checkout_ids)
        lost = [purchase for purchase in paid if not counts.get(purchase.checkout_id)]
        if not lost or time.monotonic() - started > limit:
            break
        time.sleep(1)
    return {
        "settled_after": time.monotonic() - started,
        "checkouts": len(checkout_ids),
        "paid": len(paid),
        "orders": sum(counts.values()),
        "duplicates": sum(1 for count in counts.values() if count > 1),
        "lost": lost,
        "explained": explain_lost(context.database_url, lost),
        **undelivered(context.database_url, paid),
    }


def undelivered(database_url: str, paid: list[Purchase]) -> dict[str, int]:
    """
    Events of the phase that never reached their consumer: webhook events
    never processed (``payments.GatewayEventReceived`` lost) and successes
    ``orders.complete_checkout`` never handled (``payments.PaymentSucceeded`` lost).
    Their orders, if any, came from the checkout expiry task.
    """
    import psycopg

    with psycopg.connect(database_url) as connection:
        webhooks = connection.execute(
            "SELECT COUNT(*) FROM payments_gatewayevent "
            "WHERE event_id = ANY(%s) AND processed_at IS NULL",
            [[purchase.event_id for purchase in paid]],
        ).fetchone()[0]
        successes = connection.execute(
            "SELECT COUNT(*) FROM payments_outboxmessage m "
            "WHERE m.event_name = 'payments.PaymentSucceeded' "
            "AND m.payload->>'reference' = ANY(%s) AND NOT EXISTS ("
            "SELECT 1 FROM orders_inboxmessage i WHERE i.event_id = m.id AND i.consumer = %s)",
            [[purchase.checkout_id for purchase in paid], PLACE_ORDER],
        ).fetchone()[0]
    log = stack.ARTIFACTS / "faults-worker.log"
    backstop = [line for line in log.read_text(errors="replace").splitlines() if BACKSTOP in line]
    completed_at_expiry = sum(
        1 for purchase in paid if any(purchase.checkout_id in line for line in backstop)
    )
    return {
        "webhook_events_unprocessed": webhooks,
        "successes_undelivered": successes,
        "completed_at_expiry": completed_at_expiry,
    }


# --- a phase: load, fault, load, settle -------------------------------------------------


async def phase(context: Context, name: str, buyers: list[dict]) -> dict:
    args = context.args
    recorder = Recorder()
    customers = Customers(
        context.shop.base,
        context.shop.stripe.url,
        connections=2 * len(buyers),
        recorder=recorder,
        patience=args.patience,
        timeout=30,
    )
    stopping = asyncio.Event()
    purchases: list[Purchase] = []

    async def keep_buying(buyer):
        pick = random.Random(buyer["id"]).choice
        while not stopping.is_set():
            purchase = await customers.purchase(buyer, pick(context.skus), order_timeout=20)
            purchases.append(purchase)

    gunicorn_before = _processes_under(context.shop.gunicorn.pid)
    load = asyncio.gather(*(keep_buying(buyer) for buyer in buyers))
    try:
        await asyncio.sleep(args.before)
        fault_started = now()
        note = await asyncio.to_thread(FAULTS[name], context)
        fault_ended = now()
        await asyncio.sleep(args.after)
        stopping.set()
        await load
        load_ended = now()
    finally:
        stopping.set()
        await customers.close()
    counted = await asyncio.to_thread(settle, context, purchases, args.settle)
    return {
        "fault": name,
        "note": note,
        "fault_seconds": fault_ended - fault_started,
        "purchases": len(purchases),
        "errors_before": sum(recorder.errors_between(0, fault_started).values()),
        "errors_during": recorder.errors_between(fault_started, fault_ended + 5),
        "errors_after": recorder.errors_between(fault_ended + 5, load_ended),
        "gunicorn_unchanged": _processes_under(context.shop.gunicorn.pid) == gunicorn_before,
        "recorder": recorder,
        **counted,
    }


def report(result: dict) -> bool:
    """Print one phase's figures; True when nothing was lost or duplicated."""
    lost = result["lost"]
    print(f"\n## {result['fault']}: {result['note']}")
    print(
        f"purchases started {result['purchases']}, checkouts {result['checkouts']}, "
        f"payments succeeded (webhooks accepted) {result['paid']}, orders {result['orders']}, "
        f"duplicates {result['duplicates']}, lost {len(lost)}; settled "
        f"{result['settled_after']:.0f} s after the load stopped"
    )
    print(
        f"failed calls: {result['errors_before']} before the fault, "
        f"{sum(result['errors_during'].values())} during it (+5 s) "
        f"{dict(result['errors_during']) or ''}, "
        f"{sum(result['errors_after'].values())} after it {dict(result['errors_after']) or ''}"
    )
    print(
        f"events not delivered when it settled: {result['webhook_events_unprocessed']} webhook "
        f"events unprocessed, {result['successes_undelivered']} PaymentSucceeded not handled by "
        f"{PLACE_ORDER}; checkouts completed by the expiry task: {result['completed_at_expiry']}"
    )
    print(f"gunicorn master and workers unchanged: {result['gunicorn_unchanged']}")
    for line in result["explained"]:
        print(f"  LOST {line}")
    return not lost and not result["duplicates"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--faults", nargs="+", choices=list(FAULTS), default=list(FAULTS))
    parser.add_argument("--quick", action="store_true", help="short load, outage and timers")
    parser.add_argument("--buyers", type=int, default=8, help="concurrent buyers")
    parser.add_argument("--before", type=float, default=20, help="seconds of load before")
    parser.add_argument("--after", type=float, default=40, help="seconds of load after")
    parser.add_argument("--outage", type=float, default=30, help="seconds Redis stays down")
    parser.add_argument("--settle", type=float, default=1200, help="most seconds to wait")
    parser.add_argument("--patience", type=float, default=120, help="seconds a call is retried")
    parser.add_argument("--postgres-port", type=int, default=5439)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--port", type=int, default=8767, help="gunicorn's")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    args = parser.parse_args()
    args.timers = {}
    if args.quick:
        args.before, args.after, args.outage, args.settle = 8, 15, 10, 150
        args.timers = {
            "ORDERS_CHECKOUT_TTL_MINUTES": "1",
            "CELERY_VISIBILITY_TIMEOUT": "20",
            "OUTBOX_RESEND_AFTER": "5",
            "OUTBOX_RELAY_INTERVAL": "5",
            "PAYMENTS_EVENT_OVERDUE_AFTER": "10",
        }
    return args


def main():
    args = parse_args()
    stack.clean_up_on_sigterm()
    run = time.strftime("%Y%m%d%H%M%S")
    with PrivatePostgres(args.postgres_port) as postgres, PrivateRedis(args.redis_port) as redis:
        database_url = postgres.url("shop_faults")
        options = StackOptions(
            database_url=database_url,
            redis_url=f"{redis.url}/0",
            port=args.port,
            workers=args.workers,
            worker_concurrency=args.worker_concurrency,
            loglevel="INFO",
            log_prefix="faults",
            settings=args.timers,
        )
        with PurchaseStack(options) as shop:
            skus = shop.stock([f"FAULT-{run}-{n}" for n in range(20)], on_hand=PLENTY)
            context = Context(
                shop, postgres, redis, database_url, options.redis_url, skus, run, args
            )
            print(f"{stack.machine()}; timers as in production, but {args.timers or 'none'}")
            results = []
            for name in args.faults:
                buyers = shop.buyers(f"{name}-{run}", args.buyers)
                results.append(asyncio.run(phase(context, name, buyers)))
                report(results[-1])
    print(f"\nprocess logs: {stack.ARTIFACTS}/")
    if not all(not result["lost"] and not result["duplicates"] for result in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
