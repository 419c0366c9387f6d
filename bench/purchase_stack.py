"""
The shop as the purchase benchmarks run it: the fake Stripe in its own
process, gunicorn (``DEBUG=0``), a Celery worker on every app queue and
``celery beat``, all on one PostgreSQL database and one Redis database (broker
and cache) of the benchmark's own.

With ``split`` the payments service runs as a deployment of its own
(``config.payments_settings``, docs/decisions/0014): its gunicorn on
``port + 1``, its worker (queue ``payments``) and its beat, on the database
``<name>_payments``; the shop calls it over HTTP (``SHOP_REMOTE_APPS``) and
keeps every other service on a database of its own (``SHOP_DATABASES=per-app``:
accounts in ``<name>``, then ``<name>_catalog``, ``<name>_cart``,
``<name>_orders``). Only the payments service gets the Stripe settings, and
Stripe's webhook goes to ``shop.payments_base``. Both share the broker and
the cache, as the Procfile.split deployment does.

    with PurchaseStack(options) as shop:
        skus = shop.stock(["A-1"], on_hand=20)
        buyers = shop.buyers("storm", 200)
        ...  # drive http://127.0.0.1:<port> and shop.stripe.url
"""

import argparse
import json
import subprocess
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from bench import stack
from bench.stripe_server import StripeProcess

DATA_SCRIPT = str(Path(__file__).resolve().parent / "purchase_data.py")
SINK_SCRIPT = str(Path(__file__).resolve().parent / "otlp_sink.py")
# With split: where each service's tables are (shop.core.db, SHOP_DATABASES=per-app;
# payments' one database is the one it would have in the per-app monolith).
SPLIT_SERVICES = (
    "accounts",
    "catalog",
    "cart",
    "orders",
    "payments",
    "taxes",
    "shipping",
    "invoices",
    "promotions",
    "reports",
    "webhooks",
)
# Signs the calls between the two deployments (the same in both); payments has its own key.
METRICS_TOKEN = "bench-only-metrics-token"
SERVICE_SECRET = "bench-only-service-secret-not-used-anywhere-else-0123456789"
PAYMENTS_SECRET_KEY = "bench-only-payments-secret-key-not-used-anywhere-else-012345"


@dataclass
class StackOptions:
    database_url: str = "postgres://postgres@127.0.0.1:5432/shop_bench_purchase"
    redis_url: str = "redis://127.0.0.1:6379/4"
    port: int = 8766
    workers: int = 4
    # gunicorn's worker type; empty: config/gunicorn.py's.
    web_worker_class: str = ""
    worker_concurrency: int = 2
    # Celery's pool (prefork, threads, solo); empty: the Procfile's.
    worker_pool: str = ""
    beat: bool = True
    fresh_database: bool = True
    loglevel: str = "WARNING"
    # Process logs go to test-artifacts/bench/<log_prefix>-<process>.log.
    log_prefix: str = "purchase"
    # Settings for this deployment (both, when split) on top of stack.environment's.
    settings: dict = field(default_factory=dict)
    # The payments service apart, on port + 1 (module docstring).
    split: bool = False
    payments_workers: int = 2  # its gunicorn's, as Procfile.split's default
    # Everything an operator turns on (docs/operations.md): traces exported to an OTLP
    # receiver (bench/otlp_sink.py), metrics counted across processes, JSON logs.
    observe: bool = False


class SinkProcess:
    """``with SinkProcess() as sink:`` an OTLP receiver at ``sink.url`` (bench/otlp_sink.py)."""

    def __enter__(self) -> "SinkProcess":
        self.process = subprocess.Popen(
            [stack.PYTHON, SINK_SCRIPT], cwd=stack.ROOT, stdout=subprocess.PIPE, text=True
        )
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.process.kill()
            raise SystemExit("the OTLP receiver did not start")
        return self

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class PurchaseStack:
    def __init__(self, options: StackOptions):
        self.options = options
        self.base = f"http://127.0.0.1:{options.port}"
        # Where Stripe's webhook and the payment pages are.
        self.payments_base = f"http://127.0.0.1:{options.port + 1}" if options.split else self.base
        self.gunicorn = self.worker = self.beat = None
        self.sink = None
        self.payments_gunicorn = self.payments_worker = self.payments_beat = None
        self.workers_started = 0

    def database_url(self, service: str) -> str:
        """The database of ``service``'s tables: its own when split (accounts: the main one)."""
        if not self.options.split or service == "accounts":
            return self.options.database_url
        return f"{self.options.database_url}_{service}"

    def _log_name(self, process: str) -> str:
        return f"{self.options.log_prefix}-{process}"

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> "PurchaseStack":
        options = self.options
        self._scratch = tempfile.TemporaryDirectory(prefix="shop-bench-")
        scratch = Path(self._scratch.name)
        processes = ("gunicorn", "worker", "beat")
        for process in (*processes, *(f"payments-{name}" for name in processes)):
            (stack.ARTIFACTS / f"{self._log_name(process)}.log").unlink(missing_ok=True)
        self.stripe = StripeProcess().__enter__()
        try:
            if options.observe:
                self.sink = SinkProcess().__enter__()
            self._environments(scratch)
            self._prepare()
            self.gunicorn = stack.start_gunicorn(
                self.env,
                port=options.port,
                workers=options.workers,
                log_name=self._log_name("gunicorn"),
                worker_class=options.web_worker_class.partition(":")[0],
                threads=int(options.web_worker_class.partition(":")[2] or 0),
            )
            self.start_worker()
            if options.beat:
                self.beat = self._start_beat(self.env, scratch / "beat-schedule", "beat")
            if options.split:
                self.start_payments()
                self.start_payments_worker()
                if options.beat:
                    self.payments_beat = self._start_beat(
                        self.payments_env, scratch / "payments-beat-schedule", "payments-beat"
                    )
            stack.wait_until_serving(self.base)
            stack.wait_until_serving(self.payments_base)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _environments(self, scratch: Path) -> None:
        """``self.env`` (the shop's) and, when split, ``self.payments_env``."""
        options = self.options
        shared = {
            # The confirmation emails are rendered, not sent anywhere.
            "EMAIL_URL": "dummymail://",
            **options.settings,
        }
        if options.observe:
            shared = {
                "OTEL_EXPORTER_OTLP_ENDPOINT": self.sink.url,
                "PROMETHEUS_MULTIPROC_DIR": str(scratch / "metrics"),
                "METRICS_TOKEN": METRICS_TOKEN,
                "LOG_FORMAT": "json",
                **shared,
            }
        stripe = self.stripe.settings()
        shop = {
            # Tokens are minted once before the run; they must outlive it.
            "JWT_ACCESS_TOKEN_EXPIRES_IN": "86400",
            **shared,
        }
        if options.split:
            shop = {
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "SHOP_SERVICE_NAME": "shop",
                "SHOP_DATABASES": "per-app",
                "SHOP_REMOTE_APPS": f"payments={self.payments_base}",
                "SHOP_SERVICE_SECRET": SERVICE_SECRET,
                **shop,
            }
        self.env = stack.environment(
            database_url=options.database_url,
            cache_url=options.redis_url,
            broker_url=options.redis_url,
            static_root=str(scratch / "static"),
            **(shop if options.split else {**stripe, **shop}),
        )
        if not options.split:
            return
        # What deploy/split.py gives the payments deployment.
        self.payments_env = stack.environment(
            database_url=self.database_url("payments"),
            cache_url=options.redis_url,
            broker_url=options.redis_url,
            static_root=str(scratch / "payments-static"),
            DJANGO_SETTINGS_MODULE="config.payments_settings",
            SHOP_SERVICE_NAME="payments",
            SHOP_DATABASES="shared",
            SHOP_REMOTE_APPS=f"accounts={self.base}",
            SHOP_SERVICE_SECRET=SERVICE_SECRET,
            SECRET_KEY=PAYMENTS_SECRET_KEY,
            PAYMENTS_URL=self.payments_base,
            **stripe,
            **shared,
        )
        # Only accounts signs tokens.
        self.payments_env.pop("JWT_PRIVATE_KEY")

    def _prepare(self) -> None:
        """Databases created (dropped first if ``fresh_database``) and migrated; static files."""
        options = self.options
        if options.split:
            for service in SPLIT_SERVICES:
                stack.create_database(self.database_url(service), fresh=options.fresh_database)
            stack.flush_redis(options.redis_url)
            for env in (self.env, self.payments_env):
                stack.manage(env, "migrate_services", "-v0")
                stack.manage(env, "collectstatic", "--noinput", "-v0")
            return
        stack.create_database(options.database_url, fresh=options.fresh_database)
        stack.flush_redis(options.redis_url)
        stack.manage(self.env, "migrate", "--noinput", "-v0")
        stack.manage(self.env, "collectstatic", "--noinput", "-v0")

    def __exit__(self, *exc_info) -> None:
        for process in (
            self.gunicorn,
            self.worker,
            self.beat,
            self.payments_gunicorn,
            self.payments_worker,
            self.payments_beat,
        ):
            stack.stop(process)
        self.stripe.__exit__()
        if self.sink:
            self.sink.__exit__()
        self._scratch.cleanup()

    def start_worker(self) -> None:
        self.workers_started += 1
        self.worker = stack.start_worker(
            self.env,
            concurrency=self.options.worker_concurrency,
            pool=self.options.worker_pool,
            log_name=self._log_name("worker"),
            loglevel=self.options.loglevel,
        )

    def start_payments(self) -> None:
        """The payments service's gunicorn (split only); ``__enter__`` waits until it answers."""
        self.payments_gunicorn = stack.start_gunicorn(
            self.payments_env,
            port=self.options.port + 1,
            workers=self.options.payments_workers,
            log_name=self._log_name("payments-gunicorn"),
        )

    def start_payments_worker(self) -> None:
        """The payments service's worker (split only): its queue, ``payments``."""
        self.payments_worker = stack.start_worker(
            self.payments_env,
            concurrency=self.options.worker_concurrency,
            pool=self.options.worker_pool,
            log_name=self._log_name("payments-worker"),
            loglevel=self.options.loglevel,
        )

    def _start_beat(self, env: dict, schedule: Path, process: str):
        return stack.start_beat(
            env, schedule=schedule, log_name=self._log_name(process), loglevel=self.options.loglevel
        )

    # --- what an operator sees (observe) --------------------------------------------------

    def scrape(self) -> str:
        """``/metrics`` as Prometheus reads it, with the token."""
        request = urllib.request.Request(
            f"{self.base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.read().decode()

    def spans(self) -> dict[str, int]:
        """Spans the OTLP receiver has had, per service (what the processes exported so far)."""
        with urllib.request.urlopen(self.sink.url, timeout=10) as answer:
            return json.loads(answer.read())

    # --- data set up before the timed part ------------------------------------------------

    def _data(self, *arguments: str) -> str:
        return subprocess.run(
            [stack.PYTHON, DATA_SCRIPT, *arguments],
            cwd=stack.SHOP_ROOT,
            env=self.env,
            check=True,
            text=True,
            stdout=subprocess.PIPE,
        ).stdout

    def stock(self, skus: list[str], *, on_hand: int) -> list[str]:
        self._data("stock", "--skus", *skus, "--stock", str(on_hand))
        return skus

    def buyers(self, prefix: str, count: int) -> list[dict]:
        return json.loads(self._data("buyers", "--prefix", prefix, "--count", str(count)))


def add_stack_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every purchase benchmark shares: where it runs, and how big the stack is."""
    defaults = StackOptions()
    parser.add_argument("--port", type=int, default=defaults.port)
    parser.add_argument("--workers", type=int, default=defaults.workers, help="gunicorn workers")
    parser.add_argument(
        "--web-worker-class",
        default="",
        help="gunicorn's worker type and threads (sync, gthread:4); default: its config's",
    )
    parser.add_argument("--worker-concurrency", type=int, default=defaults.worker_concurrency)
    parser.add_argument("--worker-pool", default="", help="Celery's pool; default: the Procfile's")
    parser.add_argument("--database-url", default=defaults.database_url)
    parser.add_argument("--redis-url", default=defaults.redis_url, help="broker and cache")
    parser.add_argument(
        "--observe",
        action="store_true",
        help="traces (to an OTLP receiver), metrics across processes and JSON logs on",
    )


def stack_options(args, **overrides) -> StackOptions:
    return StackOptions(
        database_url=args.database_url,
        redis_url=args.redis_url,
        port=args.port,
        workers=args.workers,
        web_worker_class=args.web_worker_class,
        worker_concurrency=args.worker_concurrency,
        worker_pool=args.worker_pool,
        observe=args.observe,
        **overrides,
    )
