"""
The shop as the purchase benchmarks run it: the fake Stripe in its own
process, gunicorn (``DEBUG=0``), a Celery worker on every app queue and
``celery beat``, all on one PostgreSQL database and one Redis database (broker
and cache) of the benchmark's own.

    with PurchaseStack(options) as shop:
        skus = shop.stock(["A-1"], on_hand=20)
        buyers = shop.buyers("storm", 200)
        ...  # drive http://127.0.0.1:<port> and shop.stripe.url
"""

import argparse
import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench import stack
from bench.stripe_server import StripeProcess

DATA_SCRIPT = str(Path(__file__).resolve().parent / "purchase_data.py")


@dataclass
class StackOptions:
    database_url: str = "postgres://postgres@127.0.0.1:5432/shop_bench_purchase"
    redis_url: str = "redis://127.0.0.1:6379/4"
    port: int = 8766
    workers: int = 4
    worker_concurrency: int = 2
    beat: bool = True
    fresh_database: bool = True
    loglevel: str = "WARNING"
    # Process logs go to test-artifacts/bench/<log_prefix>-<process>.log.
    log_prefix: str = "purchase"
    # Settings for this deployment on top of stack.environment's.
    settings: dict = field(default_factory=dict)


class PurchaseStack:
    def __init__(self, options: StackOptions):
        self.options = options
        self.base = f"http://127.0.0.1:{options.port}"
        self.gunicorn = self.worker = self.beat = None
        self.workers_started = 0

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> "PurchaseStack":
        options = self.options
        self._scratch = tempfile.TemporaryDirectory(prefix="shop-bench-")
        scratch = Path(self._scratch.name)
        for process in ("gunicorn", "worker", "beat"):
            (stack.ARTIFACTS / f"{options.log_prefix}-{process}.log").unlink(missing_ok=True)
        self.stripe = StripeProcess().__enter__()
        try:
            self.env = stack.environment(
                database_url=options.database_url,
                cache_url=options.redis_url,
                broker_url=options.redis_url,
                static_root=str(scratch / "static"),
                **{
                    **self.stripe.settings(),
                    # Tokens are minted once before the run; they must outlive it.
                    "JWT_ACCESS_TOKEN_EXPIRES_IN": "86400",
                    # The confirmation emails are rendered, not sent anywhere.
                    "EMAIL_URL": "dummymail://",
                    **options.settings,
                },
            )
            self.schedule = scratch / "beat-schedule"
            stack.create_database(options.database_url, fresh=options.fresh_database)
            stack.flush_redis(options.redis_url)
            stack.manage(self.env, "migrate", "--noinput", "-v0")
            stack.manage(self.env, "collectstatic", "--noinput", "-v0")
            self.gunicorn = stack.start_gunicorn(
                self.env,
                port=options.port,
                workers=options.workers,
                log_name=f"{options.log_prefix}-gunicorn",
            )
            self.start_worker()
            if options.beat:
                self.beat = stack.start_beat(
                    self.env,
                    schedule=self.schedule,
                    log_name=f"{options.log_prefix}-beat",
                    loglevel=options.loglevel,
                )
            stack.wait_until_serving(self.base)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        for process in (self.gunicorn, self.worker, self.beat):
            stack.stop(process)
        self.stripe.__exit__()
        self._scratch.cleanup()

    def start_worker(self) -> None:
        self.workers_started += 1
        self.worker = stack.start_worker(
            self.env,
            concurrency=self.options.worker_concurrency,
            log_name=f"{self.options.log_prefix}-worker",
            loglevel=self.options.loglevel,
        )

    # --- data set up before the timed part ------------------------------------------------

    def _data(self, *arguments: str) -> str:
        return subprocess.run(
            [stack.PYTHON, DATA_SCRIPT, *arguments],
            cwd=stack.ROOT,
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
    parser.add_argument("--worker-concurrency", type=int, default=defaults.worker_concurrency)
    parser.add_argument("--database-url", default=defaults.database_url)
    parser.add_argument("--redis-url", default=defaults.redis_url, help="broker and cache")


def stack_options(args, **overrides) -> StackOptions:
    return StackOptions(
        database_url=args.database_url,
        redis_url=args.redis_url,
        port=args.port,
        workers=args.workers,
        worker_concurrency=args.worker_concurrency,
        **overrides,
    )
