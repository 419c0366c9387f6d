"""
Fixtures shared by every app's tests.

Tests marked ``worker`` deliver events and tasks through Celery. On the laptop
defaults Celery runs them in-process; with ``CELERY_BROKER_URL`` set
(``make services-test``) a real worker process consumes them from Redis, with
the same test database, so the tests wait for effects rather than assume them.

With ``SHOP_DATABASES=per-app`` (``make split-test``) every service has a test
database of its own: each database test may use all of them, and query counts
add up the queries of every database.
"""

import contextlib
import importlib
import inspect
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext

ROOT = Path(__file__).resolve().parent.parent
# Modules with test-only consumers the worker must know about.
WORKER_TEST_MODULES = ["tests.core.messaging"]


def pytest_collection_modifyitems(items):
    """A database test may use every service's database (one in shared mode, five per-app)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and "databases" not in marker.kwargs:
            every = pytest.mark.django_db(*marker.args, **marker.kwargs, databases="__all__")
            item.add_marker(every, append=False)  # first, so it is the one pytest-django reads


class AllQueries:
    """The queries run on every database while the block ran, in order of database."""

    def __init__(self):
        self.contexts = [CaptureQueriesContext(connections[alias]) for alias in connections]

    def __enter__(self):
        for context in self.contexts:
            context.__enter__()
        return self

    def __exit__(self, *exc_info):
        for context in reversed(self.contexts):
            context.__exit__(*exc_info)

    @property
    def captured_queries(self) -> list[dict]:
        return [query for context in self.contexts for query in context.captured_queries]

    def __len__(self):
        return len(self.captured_queries)


@pytest.fixture
def django_assert_num_queries():
    """
    pytest-django's fixture, counting the queries of every database: a service's
    queries count the same whether its tables share one database or not.
    """

    @contextlib.contextmanager
    def assert_num_queries(num: int, exact: bool = True, info: str | None = None):
        with AllQueries() as queries:
            yield queries
        count = len(queries)
        if (count != num) if exact else (count > num):
            listed = "\n".join(
                f"{index}. {query['sql']}"
                for index, query in enumerate(queries.captured_queries, 1)
            )
            expected = f"{num}" if exact else f"at most {num}"
            message = f"Expected {expected} queries, {count} were run:\n{listed}"
            pytest.fail(f"{info}\n{message}" if info else message)

    return assert_num_queries


@pytest.fixture
def django_capture_on_commit_callbacks():
    """pytest-django's fixture, on every database unless ``using`` names one."""
    from django.test import TestCase

    @contextlib.contextmanager
    def capture(*, using: str | None = None, execute: bool = False):
        callbacks = []
        with contextlib.ExitStack() as stack:
            captured = [
                stack.enter_context(TestCase.captureOnCommitCallbacks(using=alias, execute=execute))
                for alias in ([using] if using else list(connections))
            ]
            yield callbacks
        for each in captured:
            callbacks.extend(each)

    return capture


def broker_is_real() -> bool:
    return not current_app.conf.task_always_eager


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def _reset_broker_connections(app) -> None:
    # Celery caches its connection pools; drop them (without closing: kombu
    # shares them per URL) so the next send reads the broker URL afresh.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_unreachable():
    """``with broker_unreachable(): ...`` runs the block with the broker down."""

    @contextlib.contextmanager
    def down():
        app = current_app
        # broker_write_url wins over broker_url and the CELERY_BROKER_URL variable.
        saved = app.conf.broker_write_url, app.conf.task_always_eager
        app.conf.broker_write_url, app.conf.task_always_eager = "redis://127.0.0.1:1/0", False
        _reset_broker_connections(app)
        try:
            yield
        finally:
            app.conf.broker_write_url, app.conf.task_always_eager = saved
            _reset_broker_connections(app)

    return down


class LossyBroker:
    """
    Tasks run in this process, and the broker accepts every message of the
    event types given to ``loses`` and then loses it (what a Redis restarted
    without persistence does): the outbox has marked it sent, nobody gets it.
    ``deliver_lost()`` hands the lost ones over after all, as a late delivery.
    """

    def __init__(self, monkeypatch):
        from shop.core import messaging

        monkeypatch.setattr(current_app.conf, "task_always_eager", True)
        self._send = messaging._send
        self._lost_names: set[str] = set()
        self.lost = []
        monkeypatch.setattr(messaging, "_send", self._accept)

    def loses(self, *event_types) -> "LossyBroker":
        self._lost_names.update(event_type.name for event_type in event_types)
        return self

    def _accept(self, message) -> None:
        if message.event_name in self._lost_names:
            self.lost.append(message)
        else:
            self._send(message)

    def deliver_lost(self) -> None:
        while self.lost:
            self._send(self.lost.pop(0))


@pytest.fixture
def lossy_broker(monkeypatch) -> LossyBroker:
    return LossyBroker(monkeypatch)


def database_urls() -> dict[str, str]:
    """The environment that points another process at this run's test databases."""
    urls = {}
    for alias, database in settings.DATABASES.items():
        name = "DATABASE_URL" if alias == "default" else f"{alias.upper()}_DATABASE_URL"
        urls[name] = (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        )
    return {**urls, "SHOP_DATABASES": settings.SHOP_DATABASES}


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """
    A real ``celery worker`` on the test database, for the whole session. It
    talks to the session's fake Stripe server (started first), as the tests do.
    """
    from tests.payments.fake_stripe import shared_fake_stripe

    env = {
        **os.environ,
        **database_urls(),
        "CONN_MAX_AGE": "0",
        **shared_fake_stripe().settings(),
    }
    # Named for the topology: CI runs the shared and the per-app suites side by side.
    topology = "per-app" if settings.SHOP_DATABASES == "per-app" else "shared"
    log = (ROOT / "test-artifacts" / f"celery-worker-{topology}.log").resolve()
    log.parent.mkdir(exist_ok=True)
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker",
        "--concurrency", "2", "--loglevel", "INFO",
        "--without-gossip", "--without-mingle", "--purge", "--logfile", str(log),
        *[arg for module in WORKER_TEST_MODULES for arg in ("--include", module)],
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        if not wait_for(lambda: current_app.control.ping(timeout=0.5), timeout=60):
            pytest.fail(f"The Celery worker did not answer; see {log}")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing is deliberately slow in production; tests need sign-ins, not its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def german_vat(settings):
    """
    The demo tax rates (``shop.taxes.demo``), Germany the shop's country and
    catalog prices gross: a German basket pays 19 % or 7 % inside its prices.
    """
    from shop.taxes.demo import seed_tax_rates

    settings.TAXES_HOME_COUNTRY = "DE"
    settings.TAXES_PRICES_INCLUDE_TAX = True
    seed_tax_rates()


def check_public_interfaces() -> int:
    """
    Wrap every function of every app's ``public.__all__`` so that what it
    returns is checked against its annotation (``shop.core.interfaces``), and
    put the wrapper wherever the function was already bound. Returns how many.
    """
    from shop.core.interfaces import checked
    from shop.core.registry import service_labels

    wrapped = {}
    for label in service_labels():
        public = importlib.import_module(f"shop.{label}.public")
        for name in public.__all__:
            function = getattr(public, name)
            if inspect.isfunction(function) and not hasattr(function, "__interface_checked__"):
                wrapped[function] = checked(function)
    for module in list(sys.modules.values()):
        try:
            names = list(vars(module).items())
        except TypeError:
            continue
        for name, value in names:
            if inspect.isfunction(value) and value in wrapped:
                setattr(module, name, wrapped[value])
    return len(wrapped)


@pytest.fixture(scope="session", autouse=True)
def _public_interfaces_return_what_they_promise():
    """The whole suite runs with every public function's results checked (boundary rule 2)."""
    check_public_interfaces()


@pytest.fixture
def shop_in_berlin(settings):
    """The shop's time zone is Berlin's, so its days are not UTC's (reports by day)."""
    settings.TIME_ZONE = "Europe/Berlin"


@pytest.fixture(autouse=True)
def _empty_cache():
    """
    Every test starts with an empty cache: outside a real commit the catalog
    version is never bumped, so a page cached by one test would be served to
    the next.
    """
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_shipping_zone(request):
    """
    Every database test starts with the shipping zone a new shop has
    ("Everywhere": standard 4.90, free from 50.00, express 12.90), which
    migration shipping 0002 creates: a transactional test before it flushed
    the tables, migration data included. Tests of other zones delete it first.
    """
    if "shop.shipping" not in settings.INSTALLED_APPS or not (
        request.node.get_closest_marker("django_db")
        or {"db", "transactional_db"} & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("_django_db_helper")
    from shop.shipping.db import db as shipping_db
    from shop.shipping.defaults import create_default_zone
    from shop.shipping.models import ShippingMethod, ShippingRate, ShippingZone

    create_default_zone(ShippingZone, ShippingMethod, ShippingRate, using=shipping_db.alias)


@pytest.fixture(autouse=True)
def _worker_for_marked_tests(request):
    if request.node.get_closest_marker("worker") and broker_is_real():
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            pytest.fail("A real worker needs a database it can share: set DATABASE_URL.")
        request.getfixturevalue("celery_worker_process")
        yield
        # The test database is flushed after the test: let the worker finish
        # what the test handed it first, or the flush and its writes deadlock.
        if not wait_for(_worker_stays_idle, timeout=20):
            pytest.fail("The Celery worker was still busy 20s after the test.")
    else:
        yield


def _worker_stays_idle() -> bool:
    """
    Idle twice, a moment apart: a task taken off the queue is in neither the
    queue nor the worker's active list for an instant, and a task ending
    may queue the next consumer's as it commits.
    """
    if not _worker_is_idle():
        return False
    time.sleep(0.3)
    return _worker_is_idle()


def _worker_is_idle() -> bool:
    inspect = current_app.control.inspect(timeout=1, limit=1)  # one worker
    busy = [inspect.active() or {}, inspect.reserved() or {}, inspect.scheduled() or {}]
    with current_app.connection_for_write() as connection:
        queued = sum(
            connection.default_channel.client.llen(queue.name)
            for queue in settings.CELERY_TASK_QUEUES
        )
    return not queued and not any(tasks for state in busy for tasks in state.values())
