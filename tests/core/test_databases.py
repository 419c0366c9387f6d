"""
Each service's tables live on its owner's database: one database for all by
default, one per service with ``SHOP_DATABASES=per-app`` (accounts keeping
``default`` with the Django and allauth tables it owns). ``migrate_services``
creates and migrates them, each with its own tables only.
"""

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection, router

from shop.accounts.models import User
from shop.cart.models import Cart
from shop.catalog.models import OutboxMessage as CatalogOutbox
from shop.catalog.models import Variant
from shop.core import db
from shop.orders.models import Checkout, Order
from shop.payments.models import Payment
from tests.conftest import ROOT

# Every service with a database of its own in the per-app topology: all but the
# shared kernel and accounts (which keeps ``default``), from the settings, so a new
# app is covered without editing this file.
SERVICES = tuple(
    path.rpartition(".")[2]
    for path in settings.ALL_SHOP_APPS
    if path not in ("shop.core", "shop.accounts")
)
PER_APP = {alias: {} for alias in ("default", *SERVICES)}


@pytest.fixture
def per_app_databases(monkeypatch):
    """The router's view of five databases, whatever this run has."""
    monkeypatch.setattr(settings, "DATABASES", PER_APP)
    db._alias_of_app.cache_clear()
    yield db.ServiceRouter()
    db._alias_of_app.cache_clear()


def test_each_model_goes_to_its_owning_services_database(per_app_databases):
    route = per_app_databases.db_for_write

    assert route(Variant) == route(CatalogOutbox) == "catalog"
    assert route(Cart) == "cart"
    assert route(Payment) == "payments"
    assert route(Checkout) == route(Order) == "orders"
    assert route(User) == route(EmailAddress) == route(Group) == "default"
    assert route(Session) == route(LogEntry) == "default"


def test_each_database_is_migrated_with_its_owners_tables_only(per_app_databases):
    allow = per_app_databases.allow_migrate

    assert allow("catalog", "catalog") and not allow("default", "catalog")
    assert allow("default", "account") and not allow("orders", "account")
    assert allow("default", "auth") and not allow("cart", "auth")


def test_no_relation_between_two_services_objects(per_app_databases):
    assert per_app_databases.allow_relation(Order(), Checkout())
    assert not per_app_databases.allow_relation(Order(), Variant())


def test_in_shared_mode_everything_is_on_the_default_database(monkeypatch):
    monkeypatch.setattr(settings, "DATABASES", {"default": {}})
    db._alias_of_app.cache_clear()
    try:
        assert {db.alias_of_model(model) for model in (Variant, Order, User)} == {"default"}
    finally:
        db._alias_of_app.cache_clear()


def test_this_run_uses_the_databases_its_mode_promises():
    expected = "orders" if db.per_app() else "default"

    assert router.db_for_write(Order) == expected
    assert set(settings.DATABASES) == (set(PER_APP) if db.per_app() else {"default"})


@pytest.mark.services
# Nine databases created and migrated from nothing: minutes on a busy machine
# (CI runs the per-app suite beside it), past the suite's two-minute limit.
@pytest.mark.timeout(360)
def test_migrate_services_creates_each_services_database_with_its_own_tables():
    if connection.vendor != "postgresql":
        pytest.fail("Creating databases needs PostgreSQL: make services-test.")
    default = settings.DATABASES["default"]
    server = {"host": default["HOST"], "port": default["PORT"], "user": default["USER"]}
    name = f"migrate_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "SHOP_DATABASES": "per-app",
        "DATABASE_URL": f"postgres://{server['user']}@{server['host']}:{server['port']}/{name}",
    }
    for key in [key for key in env if key.endswith("_DATABASE_URL")]:
        del env[key]
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate_services", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=300,
        )
        tables = {}
        for service in ("", *(f"_{service}" for service in SERVICES)):
            with psycopg.connect(dbname=f"{name}{service}", **server) as database:
                tables[service] = {
                    row[0]
                    for row in database.execute(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    )
                }
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as database:
            services = ("", *(f"_{service}" for service in SERVICES))
            for service in services:
                database.execute(f'DROP DATABASE IF EXISTS "{name}{service}"')

    for service in SERVICES:
        assert {f"{service}_outboxmessage", f"{service}_inboxmessage"} <= tables[f"_{service}"]
        strangers = {
            table
            for table in tables[f"_{service}"]
            if table != "django_migrations" and not table.startswith(f"{service}_")
        }
        assert not strangers, f"{service}'s database holds {sorted(strangers)}"
        assert not any(table.startswith(f"{service}_") for table in tables[""])
    assert {"accounts_user", "account_emailaddress", "auth_group", "django_session"} <= tables[""]
    assert not any(table.startswith(("catalog_", "orders_")) for table in tables[""])
    assert {"catalog_variant", "catalog_outboxmessage"} <= tables["_catalog"]
    assert not any(
        table.startswith(("accounts_", "auth_", "orders_")) for table in tables["_catalog"]
    )
    assert {"orders_order", "orders_inboxmessage"} <= tables["_orders"]
    assert {"shipping_shippingzone", "shipping_shippingrate"} <= tables["_shipping"]
    assert not any(table.startswith("shipping_") for table in tables[""] | tables["_orders"])
    assert {"invoices_invoice", "invoices_numbersequence"} <= tables["_invoices"]
    assert not any(table.startswith("invoices_") for table in tables[""] | tables["_orders"])
    # reports owns an outbox and inbox, and no table for its dashboard (managed = False).
    assert tables["_reports"] == {
        "django_migrations",
        "reports_outboxmessage",
        "reports_inboxmessage",
    }
    assert {
        "webhooks_endpoint",
        "webhooks_delivery",
        "webhooks_attempt",
        "webhooks_outboxmessage",
        "webhooks_inboxmessage",
    } <= tables["_webhooks"]
    assert not any(table.startswith("webhooks_") for table in tables[""] | tables["_orders"])
    assert {"promotions_voucher", "promotions_voucheruse", "promotions_sale"} <= tables[
        "_promotions"
    ]
    # catalog's read model of the sales lives with catalog, not with promotions.
    assert {"catalog_sale", "catalog_variantsaleprice"} <= tables["_catalog"]
    assert not any(table.startswith("promotions_") for table in tables[""] | tables["_orders"])
