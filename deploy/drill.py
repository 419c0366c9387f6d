"""
The drill of payments run as a service of its own (``make drill``): one
customer's journey through the public API, on the monolith and on the split
topology, and a failure on any difference between what the customer saw.

1. The monolith: the ``Procfile`` (gunicorn, worker, beat), every service in
   one deployment with a database each (``SHOP_DATABASES=per-app``, databases
   ``drill_mono``, ``drill_mono_catalog``, …), on port 8100.
2. The split topology: ``Procfile.split`` (``deploy/split.py``): the shop
   without payments on port 8100 and payments on 8101, a worker and beat each
   (databases ``drill_split``, …, and payments' ``drill_split_payments``).

Each starts on fresh databases and Redis databases of its own (broker and
cache 10 and 11, then 12 and 13), is prepared the way ``make stack`` and
``make split-stack`` prepare it, and gets a small demo catalog. The customer
then signs up, confirms the email from the mail, buys (the checkout, its
idempotent repeat, the test gateway's API, the order seen once), is declined
on a second purchase (the checkout fails, the cart stays), retries and gets a
second order, and cancels that order: orders asks payments for the refund and
the order ends ``refunded``, the stock back. What the customer saw is written
down without ids, links or times (``test-artifacts/drill/<topology>.txt``);
the split one must equal the monolith's. In the split topology the payment
link must point at the payments service, and the shop must have neither the
payments endpoints nor payments' tables.

    .venv/bin/python deploy/drill.py [--only monolith|split]

Needs PostgreSQL and Redis on localhost (``.ci/start-services``); every
process is stopped on exit, Ctrl-C included. Each process's output is in
``test-artifacts/drill/<topology>/logs/`` (git-ignored).
"""

import argparse
import contextlib
import difflib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from signal import SIGINT, SIGTERM
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from honcho.environ import parse as parse_env  # noqa: E402
from honcho.environ import parse_procfile  # noqa: E402

from bench import stack  # noqa: E402
from deploy import split, write_env  # noqa: E402
from tests.e2e.mailbox import Mailbox  # noqa: E402

ARTIFACTS = ROOT / "test-artifacts" / "drill"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379"
# Only these come from the caller's environment: nothing that could point the
# drill's processes at another database, broker or gateway.
INHERITED = ("PATH", "HOME", "USER", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")
# How long a step may take to show its effect (a checkout completing, a refund arriving).
PATIENCE = 60.0
STOP_TIMEOUT = 20.0
# allauth's headless API for apps: sign-up, email confirmation, login.
HEADLESS = "/_allauth/app/v1/auth"
EMAIL = "drill@example.com"
PASSWORD = "Drill-Payments-Split-14"
CHECKOUT_BODY = {
    "shipping_method": "standard",
    "shipping_address": {
        "full_name": "Grace Hopper",
        "line1": "1 Navy Yard",
        "city": "Arlington",
        "postal_code": "22202",
        "country": "US",
    },
}


class DrillFailure(Exception):
    """A step did not end as it should: the drill stops there."""


@dataclass
class Topology:
    name: str
    procfile: str
    database: str
    broker_db: int
    cache_db: int
    split: bool

    @property
    def directory(self) -> Path:
        return ARTIFACTS / self.name


TOPOLOGIES = {
    "monolith": Topology("monolith", "Procfile", "drill_mono", 10, 11, split=False),
    "split": Topology("split", "Procfile.split", "drill_split", 12, 13, split=True),
}


# --- the stack ----------------------------------------------------------------------------


def environment(topology: Topology, port: int, payments_port: int) -> dict[str, str]:
    """``deploy/write_env.py``'s settings, pointed at the drill's databases, ports and files."""
    work = topology.directory
    env = {key: os.environ[key] for key in INHERITED if key in os.environ}
    env["PATH"] = f"{stack.BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    text = write_env.render(
        topology.database, REDIS, port, payments_port=payments_port if topology.split else None
    )
    env.update(parse_env(text))
    env.update(
        SHOP_DATABASES="per-app",
        SHOP_URL=f"http://127.0.0.1:{port}",
        PORT=str(port),
        CELERY_BROKER_URL=f"{REDIS}/{topology.broker_db}",
        CACHE_URL=f"{REDIS}/{topology.cache_db}",
        EMAIL_URL=f"filemail:///{work / 'mail'}",  # four slashes: an absolute path
        MEDIA_ROOT=str(work / "media"),
        STATIC_ROOT=str(work / "static"),
        SHOP_STATIC_ROOT=str(work / "static"),
        PAYMENTS_STATIC_ROOT=str(work / "static-payments"),
        CELERY_BEAT_SCHEDULE_FILE=str(work / "celerybeat-schedule"),
        # Its processes' counts apart from a running stack's (the Procfiles' default).
        PROMETHEUS_MULTIPROC_DIR=str(work / "metrics"),
        BEAT_SCHEDULE_DIR=str(work),
        WEB_CONCURRENCY="2",
        WORKER_CONCURRENCY="2",
        # A demo's gunicorn on this machine keeps its control socket.
        GUNICORN_CMD_ARGS="--no-control-socket",
        PYTHONUNBUFFERED="1",
    )
    return env


def addresses(topology: Topology, env: dict) -> dict[str, str]:
    if topology.split:
        return split.addresses(env)
    return {"shop": f"http://127.0.0.1:{env['PORT']}"}


def fresh_databases(database: str) -> None:
    """Drop ``database`` and its services' (``<database>_<service>``); migrations make them."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        names = [
            name
            for (name,) in connection.execute("SELECT datname FROM pg_database")
            if re.fullmatch(rf"{re.escape(database)}(_[a-z]+)?", name)
        ]
        for name in names:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def tables(database: str) -> set[str]:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/{database}") as connection:
        rows = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return {name for (name,) in rows}


def databases_of(database: str) -> list[str]:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres") as connection:
        names = [name for (name,) in connection.execute("SELECT datname FROM pg_database")]
    return sorted(n for n in names if re.fullmatch(rf"{re.escape(database)}(_[a-z]+)?", n))


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


def run_logged(command: list[str], env: dict, log: Path) -> None:
    """
    Run a preparation command, its output in ``log``; a failure names the log.
    In a process group of its own, killed whole if the drill is interrupted.
    """
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        returncode = process.wait()
    except BaseException:
        stack.kill(process)
        raise
    if returncode:
        raise DrillFailure(f"{' '.join(command)} failed ({returncode}); see {log}")


@dataclass
class Processes:
    """The Procfile's processes, each in a process group of its own, output in its own log."""

    procfile: Path
    env: dict
    logs: Path
    running: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        for name, command in parse_procfile(self.procfile.read_text()).processes.items():
            with (self.logs / f"{name}.log").open("ab") as log:
                self.running[name] = subprocess.Popen(
                    ["/bin/sh", "-c", command],
                    cwd=ROOT,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )

    def check(self) -> None:
        """Every process still runs (a Procfile runner would stop them all otherwise)."""
        for name, process in self.running.items():
            if process.poll() is not None:
                raise DrillFailure(
                    f"{name} exited ({process.returncode}); see {self.logs / name}.log"
                )

    def wait_for_log(self, name: str, text: str, timeout: float = PATIENCE) -> None:
        log = self.logs / f"{name}.log"
        deadline = time.monotonic() + timeout
        while text not in log.read_text(errors="replace"):
            self.check()
            if time.monotonic() > deadline:
                raise DrillFailure(f"{name} did not say {text!r} in {timeout:.0f}s; see {log}")
            time.sleep(0.2)

    def wait_until_ready(self, url: str, timeout: float = PATIENCE) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self.check()
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise DrillFailure(f"{url}/readyz did not answer 200 in {timeout:.0f}s")
            time.sleep(0.3)

    def stop(self) -> None:
        """
        SIGTERM every group (a warm shutdown), SIGKILL what is left after
        STOP_TIMEOUT; a second Ctrl-C meanwhile does not leave any behind.
        """
        previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (SIGINT, SIGTERM)}
        try:
            for process in self.running.values():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            for process in self.running.values():
                while group_alive(process.pid) and time.monotonic() < deadline:
                    process.poll()
                    time.sleep(0.1)
                if group_alive(process.pid):
                    stack.kill(process)
                process.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def queues(self, name: str) -> set[str]:
        """The queues a Celery worker said it consumes."""
        banner = (self.logs / f"{name}.log").read_text(errors="replace")
        return set(re.findall(r"\.> (\S+)\s+exchange=", banner))


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- what the customer saw ----------------------------------------------------------------


class Transcript:
    """Lines of what the customer saw; order numbers named by when they came."""

    def __init__(self):
        self.lines: list[str] = []
        self.orders: dict[str, str] = {}

    def order(self, number: str | None) -> str | None:
        if not number:
            return number
        return self.orders.setdefault(number, f"order-{len(self.orders) + 1}")

    def anonymise(self, text: str) -> str:
        for number, label in self.orders.items():
            text = text.replace(number, label)
        return text

    def say(self, step: str, **facts) -> None:
        described = ", ".join(f"{key}={value}" for key, value in facts.items())
        line = f"{step}: {described}" if described else step
        self.lines.append(self.anonymise(line))
        print(f"  {self.lines[-1]}", flush=True)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def expect(condition, what: str, response: httpx.Response | None = None) -> None:
    if condition:
        return
    if response is not None:
        request = response.request
        what += f"\n  {request.method} {request.url} → {response.status_code} {response.text[:800]}"
    raise DrillFailure(what)


def payment_api_url(redirect_url: str) -> str:
    """The test gateway's API for the page ``redirect_url``: ``/api/v1`` before ``/payments/``."""
    parts = urlsplit(redirect_url)
    expect(parts.path.startswith("/payments/"), f"a test gateway link: {redirect_url}")
    return urlunsplit(parts._replace(path="/api/v1" + parts.path))


def with_wrong_key(url: str) -> str:
    """The same link with another key in its last segment."""
    return url.rstrip("/").rpartition("/")[0] + "/" + "x" * 16 + "/"


@dataclass
class Customer:
    """One customer of the shop at ``shop``, through the public API only."""

    shop: str
    mail: Mailbox
    transcript: Transcript
    client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))
    token: str = ""
    links: list[str] = field(default_factory=list)

    def headers(self, **extra) -> dict:
        return {"Authorization": f"Bearer {self.token}", **extra} if self.token else extra

    def get(self, path: str) -> httpx.Response:
        return self.client.get(self.shop + path, headers=self.headers())

    def post(self, path: str, body: dict, **headers) -> httpx.Response:
        return self.client.post(self.shop + path, json=body, headers=self.headers(**headers))

    def wait_for_mail(self, subject: str):
        try:
            return self.mail.wait_for(EMAIL, subject, timeout=PATIENCE)
        except AssertionError as missing:
            raise DrillFailure(str(missing)) from None

    def step(self, label: str, response: httpx.Response, *expected: int) -> httpx.Response:
        """Note the answer's status; the drill stops if it is not one ``expected`` (200)."""
        self.transcript.say(label, status=response.status_code)
        expect(response.status_code in (expected or (200,)), label, response)
        return response

    # sign-up

    def sign_up(self) -> None:
        credentials = {"email": EMAIL, "password": PASSWORD}
        signed_up = self.step("sign up", self.post(f"{HEADLESS}/signup", credentials))
        self.token = signed_up.json()["meta"]["access_token"]
        self.email_verified()
        mail = self.wait_for_mail("Confirm Your Email")
        self.transcript.say("confirmation mail", subject=mail.subject)
        key = re.search(r"/confirm-email/([^/\s]+)/", mail.text).group(1)
        self.step("confirm the email", self.post(f"{HEADLESS}/email/verify", {"key": key}))
        self.token = ""
        logged_in = self.step("log in", self.post(f"{HEADLESS}/login", credentials))
        self.token = logged_in.json()["meta"]["access_token"]
        expect(self.email_verified(), "the email confirmed")

    def email_verified(self) -> bool:
        verified = self.get("/api/v1/accounts/me/").json()["email_verified"]
        self.transcript.say("email verified", value=verified)
        return verified

    # catalog and cart

    def choose_variant(self, units: int) -> dict:
        """The first product by name with a variant of which ``units`` can be bought."""
        listing = self.get("/api/v1/catalog/products/?in_stock=1&ordering=name")
        expect(listing.status_code == 200, "listing products", listing)
        for product in listing.json()["results"]:
            detail = self.client.get(product["url"]).json()
            for variant in detail["variants"]:
                if variant["available"] >= units:
                    chosen = {"product": detail, **variant}
                    self.transcript.say(
                        "chose",
                        product=detail["name"],
                        sku=variant["sku"],
                        price=variant["price"],
                        available=variant["available"],
                    )
                    return chosen
        raise DrillFailure(f"No product with {units} units of a variant to buy")

    def available(self, variant: dict) -> int:
        detail = self.client.get(variant["product"]["url"]).json()
        return next(v["available"] for v in detail["variants"] if v["sku"] == variant["sku"])

    def add_to_cart(self, sku: str) -> None:
        self.step("add to cart", self.post("/api/v1/cart/items/", {"sku": sku, "quantity": 1}), 201)
        self.cart("cart")

    def cart(self, step: str) -> int:
        cart = self.get("/api/v1/cart/").json()
        self.transcript.say(step, items=cart["item_count"], subtotal=cart["subtotal"])
        return cart["item_count"]

    # checkout and payment

    def start_checkout(self, label: str) -> dict:
        key = str(uuid.uuid4())
        started = self.post("/api/v1/checkout/", CHECKOUT_BODY, **{"Idempotency-Key": key})
        expect(started.status_code == 201, f"starting {label}", started)
        checkout = started.json()
        self.transcript.say(
            label,
            status=started.status_code,
            checkout=checkout["status"],
            lines=[(i["sku"], i["quantity"], i["unit_price"]) for i in checkout["lines"]],
            subtotal=checkout["subtotal"],
            shipping=checkout["shipping_cost"],
            total=checkout["total"],
            currency=checkout["currency"],
            provider=checkout["payment"]["provider"],
        )
        again = self.post("/api/v1/checkout/", CHECKOUT_BODY, **{"Idempotency-Key": key})
        self.transcript.say(
            f"{label} again with its key",
            status=again.status_code,
            same_checkout=again.json().get("id") == checkout["id"],
        )
        self.links.append(checkout["payment"]["redirect_url"])
        return checkout

    def pay(self, checkout: dict, outcome: str, label: str) -> None:
        """Pay (or be declined) on the test gateway's API: its link's key is the permission."""
        url = payment_api_url(checkout["payment"]["redirect_url"])
        wrong = self.client.post(with_wrong_key(url), json={"outcome": outcome})
        self.transcript.say(f"{label}: pay with a wrong key", status=wrong.status_code)
        self.step(f"{label}: pay {outcome}", self.client.post(url, json={"outcome": outcome}), 202)

    def outcome(self, checkout: dict, label: str) -> dict:
        """Follow the checkout until it is over, as its status page does."""
        deadline = time.monotonic() + PATIENCE
        while True:
            followed = self.get(f"/api/v1/checkout/{checkout['id']}/")
            expect(followed.status_code == 200, f"following {label}", followed)
            state = followed.json()
            if state["status"] != "awaiting_payment":
                break
            expect(time.monotonic() < deadline, f"{label} over within {PATIENCE:.0f}s", followed)
            time.sleep(0.2)
        self.transcript.order(state["order_number"])
        self.transcript.say(
            f"{label}: over",
            checkout=state["status"],
            order=state["order_number"],
            failure=state["failure_reason"] or None,
            payment_link=bool(state["payment"] and state["payment"]["redirect_url"]),
        )
        return state

    # orders

    def orders(self, step: str) -> list[dict]:
        listed = self.get("/api/v1/orders/")
        expect(listed.status_code == 200, "listing orders", listed)
        orders = listed.json()["results"]
        self.transcript.say(
            step,
            count=listed.json()["count"],
            orders=[
                (self.transcript.order(o["number"]), o["status"], o["total"], o["refunded_amount"])
                for o in orders
            ],
        )
        return orders

    def cancel(self, number: str) -> None:
        cancelled = self.step(
            "cancel order",
            self.post(f"/api/v1/orders/{number}/cancel/", {"reason": "Changed my mind"}),
        )
        self.transcript.say("order after cancelling", status=cancelled.json()["status"])

    def wait_for_refund(self, number: str) -> None:
        deadline = time.monotonic() + PATIENCE
        while True:
            order = self.get(f"/api/v1/orders/{number}/").json()
            if order["status"] == "refunded" or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self.transcript.say(
            "refund",
            status=order["status"],
            refunded=order["refunded_amount"],
            of=order["total"],
            history=[(entry["kind"], entry["status"], entry["by"]) for entry in order["history"]],
        )
        expect(order["status"] == "refunded", f"the order refunded within {PATIENCE:.0f}s")

    def wait_for_stock(self, variant: dict, expected: int) -> None:
        deadline = time.monotonic() + PATIENCE
        while (available := self.available(variant)) != expected:
            if time.monotonic() > deadline:
                break
            time.sleep(0.3)
        self.transcript.say("stock", change=available - variant["available"])

    def mails(self) -> None:
        """The mails the customer got, once the refund's has come and no other follows."""
        self.wait_for_mail("A refund for your order")
        count, quiet_since = -1, time.monotonic()
        while time.monotonic() - quiet_since < 1.5:
            if len(self.mail.to(EMAIL)) != count:
                count, quiet_since = len(self.mail.to(EMAIL)), time.monotonic()
            time.sleep(0.2)
        for subject in sorted(self.transcript.anonymise(m.subject) for m in self.mail.to(EMAIL)):
            self.transcript.say("mail", subject=subject)


def scenario(customer: Customer) -> None:
    """Sign up, buy, be declined, retry, cancel and get the money back."""
    customer.sign_up()
    variant = customer.choose_variant(units=2)

    customer.add_to_cart(variant["sku"])
    first = customer.start_checkout("checkout 1")
    customer.pay(first, "succeeded", "checkout 1")
    expect(customer.outcome(first, "checkout 1")["status"] == "completed", "checkout 1 completed")
    customer.orders("orders")
    customer.cart("cart after the order")

    customer.add_to_cart(variant["sku"])
    declined = customer.start_checkout("checkout 2")
    customer.pay(declined, "failed", "checkout 2")
    expect(customer.outcome(declined, "checkout 2")["status"] == "failed", "checkout 2 failed")
    expect(customer.cart("cart after the decline") == 1, "the cart kept for a retry")
    customer.orders("orders")

    retry = customer.start_checkout("checkout 3 (retry)")
    customer.pay(retry, "succeeded", "checkout 3")
    placed = customer.outcome(retry, "checkout 3")
    expect(placed["status"] == "completed", "checkout 3 completed")
    customer.orders("orders")
    customer.cart("cart after the order")

    customer.cancel(placed["order_number"])
    customer.wait_for_refund(placed["order_number"])
    customer.wait_for_stock(variant, variant["available"] - 1)
    customer.orders("orders at the end")
    customer.mails()


class Laps:
    """How long each stage of a topology's run took."""

    def __init__(self):
        self.last = self.first = time.monotonic()
        self.laps: list[str] = []

    def lap(self, stage: str) -> None:
        now = time.monotonic()
        self.laps.append(f"{stage} {now - self.last:.0f}s")
        self.last = now

    def __str__(self) -> str:
        return f"{', '.join(self.laps)}: {self.last - self.first:.0f}s in all"


# --- the topology itself ------------------------------------------------------------------


def check_topology(
    topology: Topology, where: dict, customer: Customer, processes: Processes
) -> None:
    """What must hold of the deployments themselves: where payment links go, who has what."""
    problems = []
    on = where["payments" if topology.split else "shop"]
    for link in customer.links:
        if not link.startswith(on + "/payments/"):
            problems.append(f"payment link {link} is not on {on}")
    if topology.split:
        page = urlsplit(customer.links[0]).path
        for url in (where["shop"] + page, where["shop"] + "/api/v1" + page):
            status = httpx.post(url, json={"outcome": "succeeded"}, timeout=10).status_code
            if status != 404:
                problems.append(f"the shop answers {status} at {url}: is payments installed?")
        for path in ("/api/v1/orders/", "/api/v1/catalog/products/", "/accounts/login/"):
            status = httpx.get(where["payments"] + path, timeout=10).status_code
            if status != 404:
                problems.append(f"the payments service answers {status} at {path}")
        for database in databases_of(topology.database):
            owners = {table.split("_", 1)[0] for table in tables(database)}
            if database == payments_database(topology):
                others = {
                    *("account", "accounts", "catalog", "cart", "orders"),
                    *("shipping", "taxes", "invoices", "promotions", "reports", "webhooks"),
                }
                strangers = sorted(owners & others)
                if "payments" not in owners or strangers:
                    problems.append(f"{database} has tables of {strangers or 'no payments'}")
            elif "payments" in owners:
                problems.append(f"the shop's database {database} has payments tables")
        queues = {name: processes.queues(name) for name in ("worker", "payments-worker")}
        if "payments" in queues["worker"] or queues["payments-worker"] != {"payments"}:
            problems.append(f"the workers consume {queues}: payments' alone should go to its own")
    if problems:
        raise DrillFailure("\n".join(problems))
    print(f"  payment links on {on}/payments/", flush=True)
    if topology.split:
        print(
            "  the shop: 404 at payments' pages and API, no payments tables or queue; "
            f"payments: 404 at the shop's, its tables alone in {payments_database(topology)}, "
            "its worker on its queue alone",
            flush=True,
        )


def payments_database(topology: Topology) -> str:
    """Payments' database: the per-app monolith's, and the split service's own."""
    return f"{topology.database}_payments"


def payments_records(topology: Topology, transcript: Transcript) -> None:
    """What payments wrote down, from its own database: the same in both topologies."""
    import psycopg

    with psycopg.connect(f"{POSTGRES}/{payments_database(topology)}") as connection:
        for table in ("payments_payment", "payments_refund"):
            rows = connection.execute(
                f"SELECT status, count(*) FROM {table} GROUP BY status ORDER BY status"
            ).fetchall()
            transcript.say(f"payments' records: {table}", **dict(rows))


def errors_logged(logs: Path) -> list[str]:
    """Error lines and tracebacks in the processes' logs (warned about, not failed on)."""
    found = []
    for log in sorted(logs.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if re.search(r"\bERROR\b|\[ERROR\]|^Traceback|CRITICAL", line):
                found.append(f"{log.name}: {line}")
    return found


def drill(topology: Topology, port: int, payments_port: int) -> Transcript:
    ports = (port, payments_port) if topology.split else (port,)
    busy = [str(p) for p in ports if not port_is_free(p)]
    if busy:
        raise DrillFailure(f"Port {', '.join(busy)} in use: another drill or stack is running?")
    shutil.rmtree(topology.directory, ignore_errors=True)
    (topology.directory / "mail").mkdir(parents=True)
    logs = topology.directory / "logs"
    logs.mkdir()
    env = environment(topology, port, payments_port)
    where = addresses(topology, env)
    shop_env = split.deployment_environment("shop", env) if topology.split else env

    clock = Laps()
    fresh_databases(topology.database)
    stack.flush_redis(env["CELERY_BROKER_URL"])
    stack.flush_redis(env["CACHE_URL"])
    prepare = ["deploy/split.py", "prepare"] if topology.split else ["deploy/prepare.py"]
    run_logged([stack.PYTHON, *prepare], env, logs / "prepare.log")
    clock.lap("prepared")
    seed = ["manage.py", "seed_demo", "--products", "12", "--seed", "14", "--no-progress"]
    run_logged([stack.PYTHON, *seed], shop_env, logs / "prepare.log")
    clock.lap("seeded")
    processes = Processes(ROOT / topology.procfile, env, logs)
    try:
        processes.start()
        for url in where.values():
            processes.wait_until_ready(url)
        for name in processes.running:
            if name.endswith("worker"):
                processes.wait_for_log(name, " ready.")
        clock.lap("started")
        print(f"{topology.name}: {', '.join(f'{n} {u}' for n, u in where.items())}", flush=True)
        transcript = Transcript()
        customer = Customer(where["shop"], Mailbox(topology.directory / "mail"), transcript)
        scenario(customer)
        payments_records(topology, transcript)
        processes.check()
        check_topology(topology, where, customer, processes)
        clock.lap("drilled")
    finally:
        processes.stop()
    clock.lap("stopped")
    print(f"{topology.name}: {clock}", flush=True)
    for line in errors_logged(logs)[:20]:
        print(f"  warning, logged: {line}", flush=True)
    return transcript


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=sorted(TOPOLOGIES), help="run one topology, no diff")
    parser.add_argument("--port", type=int, default=8100, help="the shop's (8100)")
    parser.add_argument("--payments-port", type=int, default=8101, help="payments' (8101)")
    args = parser.parse_args()
    # Ctrl-C and kill stop every process, even when started where SIGINT is ignored (a `&` job).
    signal.signal(SIGINT, signal.default_int_handler)
    stack.clean_up_on_sigterm()
    started = time.monotonic()
    transcripts = {}
    name = ""
    try:
        for name in [args.only] if args.only else ["monolith", "split"]:
            print(f"== drill: {name}", flush=True)
            transcripts[name] = drill(TOPOLOGIES[name], args.port, args.payments_port)
            (ARTIFACTS / f"{name}.txt").write_text(transcripts[name].text())
    except DrillFailure as failure:
        print(f"DRILL FAILED ({name}): {failure}", file=sys.stderr)
        print(f"Logs: {TOPOLOGIES[name].directory / 'logs'}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted; every process stopped.", file=sys.stderr)
        return 130
    if len(transcripts) == 2:
        monolith, split_ = (transcripts[n].lines for n in ("monolith", "split"))
        diff = list(difflib.unified_diff(monolith, split_, "monolith", "split", lineterm=""))
        if diff:
            print("DRILL FAILED: the customer saw something else with payments split out:")
            print("\n".join(diff))
            return 1
        print("The split topology behaved as the monolith: transcripts equal.")
    print(f"Drill passed in {time.monotonic() - started:.0f}s; transcripts in {ARTIFACTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
