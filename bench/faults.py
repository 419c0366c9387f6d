"""
Faults under a purchase load. Buyers keep buying (as in ``purchases.py``,
retrying a failed call with the same body and Idempotency-Key, and Stripe
redelivering an unanswered webhook) while, in the middle of the load:

  redis            Redis (broker and cache) stops for 30 s, then starts again, empty
  worker           the (shop's) Celery worker is SIGKILLed holding a task; a new one starts
  postgres         PostgreSQL restarts (``pg_ctl restart -m fast``); gunicorn is left alone

and, with ``--split`` (payments as a deployment of its own, docs/decisions/0014:
``PurchaseStack`` with ``split``, the payments service on ``--port`` + 1, its
worker and beat, every service on a database of its own):

  payments         the payments service's gunicorn (master and workers) is
                   SIGKILLed (``--stop-signal TERM``: stopped gracefully) and
                   started again ``--outage`` seconds later; meanwhile checkout
                   answers 503 ``payments_unavailable`` and Stripe's webhooks
                   are refused, and both are retried
  payments-worker  the payments service's Celery worker is SIGKILLed holding a
                   task of its queue; a new one starts

After each, the load stops and the script waits for the system to settle, then
counts, for that phase's checkouts: payments succeeded (webhooks accepted),
orders created, duplicates (a checkout with more than one order) and lost
(a paid checkout without an order), explains any lost one, counts the
events the broker lost (recovered, if at all, by the checkout expiry task),
the calls answered 503 ``payments_unavailable`` and what became of those
purchases, and the stock reservations made during the phase that are still
active (it waits for those too: none may hold stock for ever). Exits 1 if
anything was lost or duplicated, or a reservation was still active when it
stopped waiting.

    python bench/faults.py                       # all three, production timers (15-40 min)
    python bench/faults.py --quick               # all three, short load and timers (~3 min)
    python bench/faults.py --faults worker --quick
    python bench/faults.py --split --workers 10 --quick   # payments, payments-worker (~3 min)
    python bench/faults.py --quick --observe     # the same counts with traces, metrics, JSON logs

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
``--quick`` sets them to 20 s, 5 s, 5 s, 10 s and 1 minute, and the outage
to 10 s unless ``--outage`` is given.

With ``--split`` the counting reads each service's own database (orders'
tables in ``<name>_orders``, payments' in ``<name>_payments``, reservations
in ``<name>_catalog``) with one query per database, combined here.
"""

import argparse
import asyncio
import datetime
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
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import stack
from bench.buyers import END_TO_END, START_CHECKOUT, Customers, Purchase, Recorder, now
from bench.purchase_stack import PurchaseStack, StackOptions, add_observe_argument

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PLENTY = 1_000_000
# The consumer of payments.PaymentSucceeded that places the order (its task id is
# uuid5(outbox message id, task name): shop.core.messaging._send).
PLACE_ORDER = "orders.complete_checkout"
# What orders.expire_checkouts logs when it completes a paid checkout
# (shop/orders/checkout/expiry.py).
BACKSTOP = "missed its PaymentSucceeded"
# The payments service's queue (its worker's only one, with --split).
PAYMENTS_QUEUE = "payments"
# What checkout answers when the payments service does not (shop.core.remote.client).
UNAVAILABLE = "503 payments_unavailable"
# Faults that need payments running apart.
SPLIT_FAULTS = ("payments", "payments-worker")


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


def _in_flight(client, held_by) -> list[str]:
    """
    The task messages the broker handed out that nobody has acknowledged
    (acks are late), of the queues ``held_by(queue)`` accepts: kombu keeps
    each as ``[message, exchange, routing key]`` in the ``unacked`` hash.
    """
    held = []
    for raw in client.hvals("unacked"):
        message, _exchange, queue = json.loads(raw)
        if held_by(queue):
            held.append(message["headers"]["task"])
    return held


def _kill_holding_a_task(context: Context, name: str, process, held_by, restart) -> str:
    """SIGKILL ``process`` the moment it holds an unacknowledged task, then ``restart()``."""
    import redis

    with redis.Redis.from_url(context.broker_url) as client:
        deadline = time.monotonic() + 30
        while not _in_flight(client, held_by) and time.monotonic() < deadline:
            time.sleep(0.002)
        killed = process.pid
        at = time.strftime("%H:%M:%S")
        stack.kill(process)
        in_flight = _in_flight(client, held_by)
    restart()
    return (
        f"{name} {killed} SIGKILLed at {at} holding {len(in_flight)} unacknowledged "
        f"task messages ({', '.join(in_flight)})"
    )


def kill_worker(context: Context) -> str:
    """The shop's worker: every queue, or (split) every queue but payments'."""
    split = context.args.split
    return _kill_holding_a_task(
        context,
        "worker",
        context.shop.worker,
        lambda queue: not split or queue != PAYMENTS_QUEUE,
        context.shop.start_worker,
    )


def kill_payments_worker(context: Context) -> str:
    return _kill_holding_a_task(
        context,
        "payments worker",
        context.shop.payments_worker,
        lambda queue: queue == PAYMENTS_QUEUE,
        context.shop.start_payments_worker,
    )


def stop_payments(context: Context) -> str:
    """The payments service's gunicorn down for ``--outage`` seconds, then started again."""
    shop, args = context.shop, context.args
    at = time.strftime("%H:%M:%S")
    started = time.monotonic()
    if args.stop_signal == "KILL":
        stack.kill(shop.payments_gunicorn)
    else:
        stack.stop(shop.payments_gunicorn)
    stopped = time.monotonic() - started
    time.sleep(max(0.0, args.outage - stopped))
    shop.start_payments()
    # Back once it listens: whether its workers then answer is what the load measures.
    deadline = time.monotonic() + 60
    while not _port_in_use(args.port + 1):
        if time.monotonic() > deadline:
            raise SystemExit("the payments service's gunicorn did not start again")
        time.sleep(0.05)
    return (
        f"payments service's gunicorn SIG{args.stop_signal}ed at {at} (gone in {stopped:.1f} s), "
        f"listening again {time.monotonic() - started:.1f} s later"
    )


def restart_postgres(context: Context) -> str:
    started = time.monotonic()
    context.postgres.restart()
    return f"PostgreSQL restarted in {time.monotonic() - started:.1f} s"


FAULTS = {
    "redis": stop_redis,
    "worker": kill_worker,
    "postgres": restart_postgres,
    "payments": stop_payments,
    "payments-worker": kill_payments_worker,
}


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


def _rows(database_url: str, query: str, *params) -> list[tuple]:
    import psycopg

    with psycopg.connect(database_url) as connection:
        return connection.execute(query, params).fetchall()


def _one(database_url: str, query: str, *params) -> tuple | None:
    rows = _rows(database_url, query, *params)
    return rows[0] if rows else None


def order_counts(context: Context, checkout_ids: list[str]) -> dict[str, int]:
    rows = _rows(
        context.shop.database_url("orders"),
        "SELECT checkout_id::text, COUNT(*) FROM orders_order "
        "WHERE checkout_id = ANY(%s::uuid[]) GROUP BY checkout_id",
        checkout_ids,
    )
    return dict(rows)


def explain_lost(context: Context, lost: list[Purchase]) -> list[str]:
    """Where each lost purchase stopped: the webhook's event, the payment, its event, the order."""
    orders = context.shop.database_url("orders")
    payments = context.shop.database_url("payments")
    lines = []
    for purchase in lost:
        reference = purchase.checkout_id
        checkout = _one(orders, "SELECT status FROM orders_checkout WHERE id = %s::uuid", reference)
        event = _one(
            payments,
            "SELECT processed_at IS NOT NULL, outcome FROM payments_gatewayevent "
            "WHERE event_id = %s",
            purchase.event_id,
        )
        payment = _one(
            payments, "SELECT status FROM payments_payment WHERE reference = %s", reference
        )
        published = _one(
            payments,
            "SELECT id::text, to_char(sent_at, 'HH24:MI:SS.MS'), attempts "
            "FROM payments_outboxmessage "
            "WHERE event_name = 'payments.PaymentSucceeded' AND payload->>'reference' = %s",
            reference,
        )
        marks = published and _one(
            orders,
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


def reservations(context: Context, since: datetime.datetime) -> dict[str, int]:
    """
    The stock reservations made since ``since`` (the phase's checkouts' holds)
    by status; "active" ones count as "holding" until they expire, then as
    "active, expired" until ``catalog.release_expired_reservations`` closes them.
    """
    rows = _rows(
        context.shop.database_url("catalog"),
        "SELECT CASE WHEN status <> 'active' THEN status "
        "WHEN expires_at > now() THEN 'holding' ELSE 'active, expired' END, COUNT(*) "
        "FROM catalog_reservation WHERE created_at >= %s GROUP BY 1",
        since,
    )
    return dict(rows)


def still_active(context: Context, since: datetime.datetime) -> list[str]:
    """Each reservation of the phase still active, with its checkout's status (orders' database)."""
    held = _rows(
        context.shop.database_url("catalog"),
        "SELECT key, to_char(expires_at, 'HH24:MI:SS') FROM catalog_reservation "
        "WHERE created_at >= %s AND status = 'active' ORDER BY created_at",
        since,
    )
    checkouts = dict(
        _rows(
            context.shop.database_url("orders"),
            "SELECT reservation_key, status FROM orders_checkout WHERE reservation_key = ANY(%s)",
            [key for key, _ in held],
        )
    )
    return [
        f"reservation {key} (expires {expires}): checkout {checkouts.get(key, 'not found')}"
        for key, expires in held
    ]


def settle(
    context: Context, purchases: list[Purchase], since: datetime.datetime, limit: float
) -> dict:
    """
    Wait until every paid checkout of the phase has its order and no
    reservation made since ``since`` is still active, or ``limit`` seconds.
    """
    checkout_ids = [purchase.checkout_id for purchase in purchases if purchase.checkout_id]
    paid = [purchase for purchase in purchases if purchase.paid]
    started = time.monotonic()
    while True:
        counts = order_counts(context, checkout_ids)
        lost = [purchase for purchase in paid if not counts.get(purchase.checkout_id)]
        held = reservations(context, since)
        active = held.get("holding", 0) + held.get("active, expired", 0)
        if (not lost and not active) or time.monotonic() - started > limit:
            break
        time.sleep(1)
    refused = [purchase for purchase in purchases if purchase.failed(START_CHECKOUT, UNAVAILABLE)]
    return {
        "settled_after": time.monotonic() - started,
        "checkouts": len(checkout_ids),
        "paid": len(paid),
        "orders": sum(counts.values()),
        "duplicates": sum(1 for count in counts.values() if count > 1),
        "lost": lost,
        "explained": explain_lost(context, lost),
        "reservations": held,
        "still_active": still_active(context, since) if active else [],
        "refused": {
            "purchases": len(refused),
            # The last answer to the same key: 200, the checkout kept for it.
            "answers": Counter(
                f"{purchase.checkout_status} {purchase.checkout_state}".strip()
                for purchase in refused
            ),
            "paid": sum(1 for purchase in refused if purchase.paid),
            "ordered": sum(1 for purchase in refused if counts.get(purchase.checkout_id)),
        },
        **undelivered(context, paid),
    }


def explain_unprocessed(
    context: Context, paid: list[Purchase], webhooks: list[tuple[str, str]]
) -> list[str]:
    """For each webhook event not processed: its checkout, payment, the payment's events, orders."""
    payments = context.shop.database_url("payments")
    checkout_of = {purchase.event_id: purchase.checkout_id for purchase in paid}
    lines = []
    for event_id, received in webhooks:
        reference = checkout_of[event_id]
        payment = _one(
            payments,
            "SELECT id::text, status, to_char(updated_at, 'HH24:MI:SS.MS') "
            "FROM payments_payment WHERE reference = %s",
            reference,
        )
        events = payment and _rows(
            payments,
            "SELECT event_id, to_char(processed_at, 'HH24:MI:SS.MS'), outcome "
            "FROM payments_gatewayevent WHERE payment_id = %s::uuid",
            payment[0],
        )
        checkout = _one(
            context.shop.database_url("orders"),
            "SELECT status, failure_reason FROM orders_checkout WHERE id = %s::uuid",
            reference,
        )
        lines.append(
            f"event {event_id} (received {received}) of checkout {reference} {checkout}: payment "
            f"{payment and payment[1:]}, events processed for it {events}, orders "
            f"{order_counts(context, [reference]).get(reference, 0)}"
        )
    return lines


def undelivered(context: Context, paid: list[Purchase]) -> dict:
    """
    Events of the phase that never reached their consumer: webhook events
    never processed (``payments.GatewayEventReceived`` lost) and successes
    ``orders.complete_checkout`` never handled (``payments.PaymentSucceeded`` lost).
    Their orders, if any, came from the checkout expiry task. Payments' outbox
    and orders' inbox are read apart (two databases with --split).
    """
    payments = context.shop.database_url("payments")
    webhooks = _rows(
        payments,
        "SELECT event_id, to_char(received_at, 'HH24:MI:SS.MS') FROM payments_gatewayevent "
        "WHERE event_id = ANY(%s) AND processed_at IS NULL",
        [purchase.event_id for purchase in paid],
    )
    published = _rows(
        payments,
        "SELECT id::text FROM payments_outboxmessage "
        "WHERE event_name = 'payments.PaymentSucceeded' AND payload->>'reference' = ANY(%s)",
        [purchase.checkout_id for purchase in paid],
    )
    handled = _rows(
        context.shop.database_url("orders"),
        "SELECT event_id::text FROM orders_inboxmessage "
        "WHERE event_id = ANY(%s::uuid[]) AND consumer = %s",
        [event_id for (event_id,) in published],
        PLACE_ORDER,
    )
    log = stack.ARTIFACTS / "faults-worker.log"
    backstop = [line for line in log.read_text(errors="replace").splitlines() if BACKSTOP in line]
    completed_at_expiry = sum(
        1 for purchase in paid if any(purchase.checkout_id in line for line in backstop)
    )
    return {
        "webhook_events_unprocessed": len(webhooks),
        "unprocessed": explain_unprocessed(context, paid, webhooks),
        "successes_undelivered": len(published) - len(handled),
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
        payments_base=context.shop.payments_base,
    )
    stopping = asyncio.Event()
    purchases: list[Purchase] = []

    async def keep_buying(buyer):
        pick = random.Random(buyer["id"]).choice
        while not stopping.is_set():
            purchase = await customers.purchase(buyer, pick(context.skus), order_timeout=20)
            purchases.append(purchase)

    since = datetime.datetime.now(datetime.UTC)
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
    counted = await asyncio.to_thread(settle, context, purchases, since, args.settle)
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
        # Purchases a buyer saw through to the order, per second, before and after the fault.
        "rate_before": len(recorder.durations(END_TO_END, until=fault_started)) / args.before,
        "rate_after": len(recorder.durations(END_TO_END, fault_ended, load_ended))
        / max(load_ended - fault_ended, 1),
        # How long after the fault the first checkout was answered again (2xx or 4xx).
        "first_checkout_after": min(
            (
                ended - fault_ended
                for ended, _ in recorder.times[START_CHECKOUT]
                if ended >= fault_ended
            ),
            default=None,
        ),
        **counted,
    }


def report(result: dict) -> bool:
    """
    Print one phase's figures; True when nothing was lost or duplicated and
    no reservation of the phase was still active.
    """
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
    first = result["first_checkout_after"]
    print(
        f"complete purchases a second: {result['rate_before']:.1f} before the fault, "
        f"{result['rate_after']:.1f} after it; first checkout answered after it: "
        + (f"{first:.1f} s after it ended" if first is not None else "none")
    )
    refused = result["refused"]
    if refused["purchases"]:
        print(
            f"checkouts answered {UNAVAILABLE}: {refused['purchases']} purchases; the same "
            f"Idempotency-Key then answered {dict(refused['answers'])}; of them paid "
            f"{refused['paid']}, with an order {refused['ordered']}"
        )
    held = result["reservations"]
    print(
        f"reservations made during the phase, when it settled: {dict(held)} (holding: active "
        "and not expired; active, expired: holding nothing, not yet closed by the sweep)"
    )
    for line in result["still_active"]:
        print(f"  STILL ACTIVE {line}")
    print(f"the shop's gunicorn master and workers unchanged: {result['gunicorn_unchanged']}")
    for line in result["explained"]:
        print(f"  LOST {line}")
    for line in result["unprocessed"]:
        print(f"  UNPROCESSED {line}")
    return ok(result)


def ok(result: dict) -> bool:
    return not result["lost"] and not result["duplicates"] and not result["still_active"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--faults",
        nargs="+",
        choices=list(FAULTS),
        help=f"default: all but {', '.join(SPLIT_FAULTS)}; with --split, those two",
    )
    parser.add_argument("--split", action="store_true", help="payments as a service of its own")
    parser.add_argument("--quick", action="store_true", help="short load, outage and timers")
    add_observe_argument(parser)
    parser.add_argument("--buyers", type=int, default=8, help="concurrent buyers")
    parser.add_argument("--before", type=float, help="seconds of load before (20; quick 8)")
    parser.add_argument("--after", type=float, help="seconds of load after (40; quick 15)")
    parser.add_argument(
        "--outage", type=float, help="seconds Redis or payments stays down (30; quick 10)"
    )
    parser.add_argument("--settle", type=float, help="most seconds to wait (1200; quick 150)")
    parser.add_argument(
        "--stop-signal",
        choices=["KILL", "TERM"],
        default="KILL",
        help="how the payments fault stops its gunicorn",
    )
    parser.add_argument("--patience", type=float, default=120, help="seconds a call is retried")
    parser.add_argument("--postgres-port", type=int, default=5439)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--port", type=int, default=8767, help="gunicorn's (payments: +1)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-concurrency", type=int, default=2)
    args = parser.parse_args()
    if args.faults is None:
        args.faults = [name for name in FAULTS if (name in SPLIT_FAULTS) == args.split]
    elif not args.split and set(args.faults) & set(SPLIT_FAULTS):
        parser.error(f"{', '.join(SPLIT_FAULTS)} need --split")
    # Unless given: production's, or --quick's.
    defaults = (8, 15, 10, 150) if args.quick else (20, 40, 30, 1200)
    for name, default in zip(("before", "after", "outage", "settle"), defaults, strict=True):
        if getattr(args, name) is None:
            setattr(args, name, default)
    args.timers = {}
    if args.quick:
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
    for port in (args.port, args.port + 1) if args.split else (args.port,):
        if _port_in_use(port):
            raise SystemExit(f"port {port} is in use: not starting gunicorn there")
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
            split=args.split,
            observe=args.observe,
        )
        with PurchaseStack(options) as shop:
            skus = shop.stock([f"FAULT-{run}-{n}" for n in range(20)], on_hand=PLENTY)
            context = Context(shop, postgres, redis, options.redis_url, skus, run, args)
            topology = (
                f"payments a service of its own at {shop.payments_base}, "
                "each service on a database of its own"
                if args.split
                else "one deployment, one database"
            )
            print(
                f"{stack.machine()}; {topology}; "
                f"timers as in production, but {args.timers or 'none'}"
                + (f"; {', '.join(args.observe)} on" if args.observe else "")
            )
            results = []
            for name in args.faults:
                buyers = shop.buyers(f"{name}-{run}", args.buyers)
                results.append(asyncio.run(phase(context, name, buyers)))
                report(results[-1])
            if "traces" in args.observe:
                time.sleep(6)  # the batch span processors export every 5 s
                print(f"\nobserved: spans exported per service {shop.spans()}")
    print(f"\nprocess logs: {stack.ARTIFACTS}/")
    if not all(ok(result) for result in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
