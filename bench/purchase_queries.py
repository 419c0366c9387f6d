"""
SQL queries per step of one purchase, in-process through Django's test client
against the database ``DATABASE_URL`` names (default: SQLite in a temporary
directory; ``SHOP_DATABASES=per-app`` counts every service's database). Every
query on every connection counts, savepoints included; the events a step
publishes are held rather than handed to the broker, so a step's count is the
web process's own work (the outbox's insert, and the relay's read and marking
of the row after commit, included; the consumers the broker would run are the
asynchronous half, not counted here).

    python bench/purchase_queries.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf_web python bench/purchase_queries.py
    python bench/purchase_queries.py --list        # and every query of every step

A customer signed in with an API token (as ``bench/purchases.py``'s buyers)
adds one unit to a new cart, starts the checkout (Stripe, the fake server of
the tests; shipping to London with UK VAT, no voucher), Stripe's webhook says
it is paid, and the checkout is polled; then the asynchronous half runs
(the payment event processed, the order placed, its parcel booked, its
invoice issued, its confirmation recorded: the held messages delivered in
this process, every consumer's queries counted). A visitor with a session cookie adds
to the cart through the product page's form, and a signed-in customer starts
a checkout through the checkout page's form. Each step is a function taking
the ``Purchase`` so far, so more can be added (``STEPS``).
"""

import argparse
import os
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ASYNCHRONOUS_HALF = "asynchronous half (payment event to order, parcel, invoice, email)"
BUDGETS = {
    "add to cart (API, signed in, new cart)": 6,
    "add to cart (API, signed in, a second unit)": 6,
    "add to cart (form, visitor with a cookie, new cart)": 6,
    "start checkout (API)": 15,
    "start checkout (form)": 15,
    "webhook answer": 8,
    "checkout status poll": 2,
    ASYNCHRONOUS_HALF: 30,
}


def _environment() -> None:
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="purchase-queries-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/shop.sqlite3"
    # The events are held in this process (``Held``): no broker is needed.
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class Counted:
    """
    Every query run on any connection inside the block, with its database
    alias. SQLite's ``BEGIN``, which Django logs there and psycopg sends
    unlogged on PostgreSQL, is listed but not counted, so both count alike.
    """

    def __init__(self):
        self.queries: list[tuple[str, str]] = []

    def __enter__(self):
        from django.db import connections

        self._wrapped = []
        for connection in connections.all():
            wrapper = self._wrapper(connection.alias)
            connection.execute_wrappers.append(wrapper)
            self._wrapped.append((connection, wrapper))
        return self

    def _wrapper(self, alias: str):
        def count(execute, sql, params, many, context):
            self.queries.append((alias, sql))
            return execute(sql, params, many, context)

        return count

    def __exit__(self, *exc_info):
        for connection, wrapper in self._wrapped:
            connection.execute_wrappers.remove(wrapper)

    def __len__(self):
        return sum(1 for _alias, sql in self.queries if not sql.startswith("BEGIN"))


class Held:
    """Outbox messages kept from the broker: ``shop.core.messaging._send`` records them."""

    def __init__(self):
        from shop.core import messaging

        self.messages = []
        self._messaging = messaging
        self._send = messaging._send
        messaging._send = self.messages.append

    def send(self, message) -> None:
        """Hand ``message`` to its consumers as the relay would."""
        self._send(message)

    def restore(self) -> None:
        self._messaging._send = self._send


@dataclass
class Purchase:
    """What the steps share: the shop's clients, the buyer, and what each step left."""

    stripe: object
    buyer: dict
    sku: str
    api: object = None
    held: Held | None = None
    checkout: dict = field(default_factory=dict)
    event: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    listings: dict = field(default_factory=dict)


def measured(purchase: Purchase, step: str, call: Callable):
    """Run ``call`` counting its queries as ``step``; returns its response."""
    with Counted() as counted:
        response = call()
    if response.status_code >= 400:
        raise SystemExit(f"{step}: {response.status_code} {response.content[:500]!r}")
    purchase.counts[step] = len(counted)
    purchase.listings[step] = counted.queries
    return response


# --- the steps ----------------------------------------------------------------------


def add_to_cart(purchase: Purchase) -> None:
    """The signed-in customer's first add (the cart is created), then one more unit."""
    body = {"sku": purchase.sku, "quantity": 1}
    for step in (
        "add to cart (API, signed in, new cart)",
        "add to cart (API, signed in, a second unit)",
    ):
        measured(purchase, step, lambda: purchase.api.post("/api/v1/cart/items/", body))


def add_to_cart_with_a_cookie(purchase: Purchase) -> None:
    """A visitor's first add on a product page's form: the session and the cart are new."""
    from django.test import Client

    visitor = Client()
    visitor.get("/")  # what the visitor browsed first leaves no session yet
    measured(
        purchase,
        "add to cart (form, visitor with a cookie, new cart)",
        lambda: visitor.post("/cart/add/", {"sku": purchase.sku, "quantity": "1"}),
    )


def start_checkout(purchase: Purchase) -> None:
    from bench.buyers import CHECKOUT, CHECKOUT_BODY

    response = measured(
        purchase,
        "start checkout (API)",
        lambda: purchase.api.post(
            CHECKOUT,
            CHECKOUT_BODY,
            format="json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        ),
    )
    purchase.checkout = response.json()


def pay_on_stripe(purchase: Purchase) -> None:
    """The customer pays on (fake) Stripe's page: not the shop's work, not counted."""
    session_id = purchase.checkout["payment"]["redirect_url"].rsplit("/", 1)[-1]
    paid = purchase.stripe.pay(session_id)
    purchase.event = purchase.stripe.event("checkout.session.completed", paid)


def webhook_answer(purchase: Purchase) -> None:
    import json

    from django.test import Client

    from bench.buyers import WEBHOOK
    from tests.payments.fake_stripe import signature

    body = json.dumps(purchase.event)
    measured(
        purchase,
        "webhook answer",
        lambda: Client().post(
            WEBHOOK, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature(body)
        ),
    )


def checkout_status_poll(purchase: Purchase) -> None:
    from bench.buyers import CHECKOUT

    measured(
        purchase,
        "checkout status poll",
        lambda: purchase.api.get(f"{CHECKOUT}{purchase.checkout['id']}/"),
    )


def asynchronous_half(purchase: Purchase) -> None:
    """
    What the workers do once the webhook stored the payment's event: the
    held ``GatewayEventReceived`` delivered in this process, then every event
    its consumers publish (the order placed, its parcel booked, its invoice
    issued, its confirmation recorded), until none is left. The messages the
    earlier steps held are not part of it and are dropped.
    """
    from celery import current_app

    held = purchase.held
    pending = [m for m in held.messages if m.event_name == "payments.GatewayEventReceived"]
    held.messages.clear()
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    try:
        with Counted() as counted:
            while pending:
                held.send(pending.pop(0))
                pending += held.messages
                held.messages.clear()
    finally:
        current_app.conf.task_always_eager = eager
    purchase.counts[ASYNCHRONOUS_HALF] = len(counted)
    purchase.listings[ASYNCHRONOUS_HALF] = counted.queries


def start_checkout_on_the_page(purchase: Purchase) -> None:
    """Another signed-in customer, a session cookie, the checkout page's form."""
    from django.test import Client

    from bench.purchase_data import buyers
    from shop.accounts.services import addresses

    customer = buyers(f"form-{uuid.uuid4().hex[:8]}", 1)[0]
    address = addresses.add_address(customer["id"], **_london(), is_default=True)
    browser = Client()
    browser.force_login(_user(customer["id"]))
    browser.post("/cart/add/", {"sku": purchase.sku, "quantity": "1"})
    form = {
        "address": str(address.id),
        "shipping_method": "standard",
        "idempotency_key": uuid.uuid4().hex,
    }
    measured(purchase, "start checkout (form)", lambda: browser.post("/checkout/", form))


STEPS: tuple[Callable[[Purchase], None], ...] = (
    add_to_cart,
    start_checkout,
    pay_on_stripe,
    webhook_answer,
    checkout_status_poll,
    asynchronous_half,
    add_to_cart_with_a_cookie,
    start_checkout_on_the_page,
)


def _london() -> dict:
    from bench.buyers import CHECKOUT_BODY

    return CHECKOUT_BODY["shipping_address"]


def _user(user_id: int):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user_id)


def warm_up() -> None:
    """What a shop that has sold before keeps in its cache: the shipping and tax set-up."""
    from decimal import Decimal

    from shop.shipping import public as shipping
    from shop.taxes import public as taxes

    shipping.quote(_london()["country"], Decimal("20.00"), 0)
    taxes.calculate(_london()["country"], [], Decimal("0.00"))


def invoiced_this_year() -> None:
    """The year's invoice sequence, as its first invoice leaves it (that one costs two more)."""
    from django.utils import timezone

    from shop.invoices.models import NumberSequence

    year = timezone.localdate().year
    NumberSequence.objects.get_or_create(series="INV", year=year, defaults={"last": 0})


def prepare(stripe) -> Purchase:
    """Migrated databases, the fake Stripe's settings, a product, tax rates and a buyer."""
    from django.conf import settings
    from django.core.management import call_command
    from rest_framework.test import APIClient

    from bench.purchase_data import buyers, stock
    from shop.accounts.services import addresses
    from shop.taxes.demo import seed_tax_rates

    call_command("migrate_services", verbosity=0)
    for name, value in stripe.settings().items():
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    seed_tax_rates()
    warm_up()
    invoiced_this_year()
    sku = f"QUERIES-{uuid.uuid4().hex[:8].upper()}"
    stock([sku], on_hand=1_000, price="20.00")
    buyer = buyers(f"queries-{uuid.uuid4().hex[:8]}", 1)[0]
    addresses.add_address(buyer["id"], **_london(), is_default=True)
    api = APIClient(HTTP_AUTHORIZATION=f"Bearer {buyer['token']}")
    return Purchase(stripe=stripe, buyer=buyer, sku=sku, api=api)


def run(steps=STEPS) -> Purchase:
    """One purchase, each step counted; the messages it publishes are held."""
    import django

    _environment()
    django.setup()
    from tests.payments.fake_stripe import shared_fake_stripe

    purchase = prepare(shared_fake_stripe())
    purchase.held = Held()
    try:
        for step in steps:
            step(purchase)
    finally:
        purchase.held.restore()
    return purchase


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--list", action="store_true", help="print every query of every step")
    args = parser.parse_args()
    import logging

    logging.getLogger("stripe").setLevel(logging.WARNING)
    purchase = run()
    from django.db import connections

    databases = ", ".join(f"{alias}: {connections[alias].vendor}" for alias in connections.settings)
    print(f"queries per purchase step ({databases})\n")
    width = max(len(step) for step in purchase.counts)
    over = []
    for step, count in purchase.counts.items():
        budget = BUDGETS.get(step)
        mark = "" if budget is None else f"  (at most {budget})"
        if budget is not None and count > budget:
            over.append(step)
            mark += "  OVER"
        print(f"{step:<{width}}  {count:>3}{mark}")
        if args.list:
            for number, (alias, sql) in enumerate(purchase.listings[step], 1):
                print(f"    {number:>2}. [{alias}] {sql[:220]}")
    if over:
        sys.exit(1)


if __name__ == "__main__":
    main()
