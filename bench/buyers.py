"""
The customer's side of a purchase, over HTTP as an API client does it, for
the purchase benchmarks: add to the cart, start the checkout (with an
``Idempotency-Key``), pay on (fake) Stripe, and, playing Stripe, post the
signed ``checkout.session.completed`` webhook (to the payments service's
address when payments runs apart); then follow ``GET /api/v1/checkout/<id>/``
until the order is there.

Every call is timed by step in a ``Recorder``. With ``patience`` a step that
fails with a 5xx, a timeout or a refused connection is tried again, with the
same body and key, until that many seconds have passed: what a client that
retries, and Stripe redelivering a webhook, do during an outage. A failure
is recorded by its status and the error code the body names
("503 payments_unavailable"), or as a timeout or a connection error.
"""

import asyncio
import json
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import httpx

from bench.stack import percentile
from tests.payments.fake_stripe import SECRET_KEY, signature

CART_ITEMS = "/api/v1/cart/items/"
CHECKOUT = "/api/v1/checkout/"
WEBHOOK = "/api/v1/payments/webhooks/stripe/"
CHECKOUT_BODY = {
    "shipping_method": "standard",
    "shipping_address": {
        "full_name": "Ada Lovelace",
        "line1": "12 St James's Square",
        "city": "London",
        "postal_code": "SW1Y 4JH",
        "country": "GB",
    },
}
# Steps a purchase is timed by, in order.
ADD_TO_CART = "add to cart"
START_CHECKOUT = "checkout"
PAY = "pay on Stripe (fake)"
WEBHOOK_ANSWER = "webhook answer"
ORDER_PLACED = "webhook stored → order placed (database)"
ORDER_VISIBLE = "webhook answer → order visible (polled)"
END_TO_END = "end to end"
STEPS = (ADD_TO_CART, START_CHECKOUT, WEBHOOK_ANSWER, ORDER_VISIBLE, END_TO_END)
POLL = "checkout status poll"
# How often a buyer asks whether the order is there: the resolution of ORDER_VISIBLE.
# Polling is traffic too (a client polling every 50 ms doubled the requests per purchase),
# so a buyer waits FIRST_POLL_WAIT after the first answer and twice as long after each
# next one, up to POLL_INTERVAL: an order placed within 100 ms is seen within 25 to 75 ms
# of it, at three or four polls per purchase.
FIRST_POLL_WAIT = 0.025
POLL_INTERVAL = 0.25


def now() -> float:
    return time.monotonic()


class Recorder:
    """Durations by step, and failures by step and kind, each with the moment it happened."""

    def __init__(self):
        self.times: dict[str, list[tuple[float, float]]] = defaultdict(list)
        self.failures: list[tuple[float, str, str]] = []

    def time(self, step: str, seconds: float) -> None:
        self.times[step].append((now(), seconds))

    def error(self, step: str, kind: str) -> None:
        self.failures.append((now(), step, kind))

    @property
    def errors(self) -> Counter:
        """How many times each (step, kind of failure) happened."""
        return Counter((step, kind) for _, step, kind in self.failures)

    def errors_between(self, since: float, until: float) -> Counter:
        return Counter((step, kind) for at, step, kind in self.failures if since <= at <= until)

    def durations(self, step: str, since: float = 0, until: float = float("inf")) -> list[float]:
        return [seconds for ended, seconds in self.times[step] if since <= ended <= until]

    def errors_of(self, step: str) -> int:
        return sum(1 for _, name, _ in self.failures if name == step)

    def table(self, steps=STEPS, since: float = 0, until: float = float("inf")) -> str:
        """A Markdown table: count and p50/p95/p99/max in ms per step, with its errors."""
        rows = [
            "| step | n | p50 ms | p95 ms | p99 ms | max ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for step in steps:
            values = self.durations(step, since, until)
            cells = [percentile(values, q) * 1000 for q in (0.5, 0.95, 0.99)]
            cells.append(max(values, default=0) * 1000)
            figures = " | ".join(f"{value:.0f}" for value in cells)
            rows.append(f"| {step} | {len(values)} | {figures} | {self.errors_of(step)} |")
        return "\n".join(rows)


@dataclass
class Purchase:
    buyer_id: int
    started: float
    checkout_id: str = ""
    event_id: str = ""  # of the checkout.session.completed event Stripe sends
    checkout_status: int = 0  # of the last answer to starting the checkout
    checkout_state: str = ""  # the checkout's status in that answer
    paid: bool = False  # Stripe's webhook was accepted (200)
    order_number: str = ""
    finished: float = 0.0
    # (step, kind) of each failed call of this purchase, retries included.
    failures: list[tuple[str, str]] = field(default_factory=list)

    def failed(self, step: str, kind: str) -> bool:
        return (step, kind) in self.failures


def _body(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _failure(response: httpx.Response) -> str:
    """Empty for an answer below 500; else its status, and the code its body names if any."""
    if response.status_code < 500:
        return ""
    code = _body(response).get("code")
    return f"{response.status_code} {code}" if isinstance(code, str) else str(response.status_code)


class Customers:
    """HTTP clients to the shop and the fake Stripe, shared by every buyer of a run."""

    def __init__(
        self,
        base: str,
        stripe_url: str,
        *,
        connections: int,
        recorder: Recorder,
        patience: float = 0,
        timeout: float = 60,
        payments_base: str = "",
    ):
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self.shop = httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout)
        # Stripe's webhook goes to the payments service: the shop's own address
        # unless payments runs as a deployment of its own.
        self.payments = self.shop
        if payments_base and payments_base != base:
            self.payments = httpx.AsyncClient(
                base_url=payments_base, limits=limits, timeout=timeout
            )
        self.stripe = httpx.AsyncClient(
            base_url=stripe_url,
            limits=limits,
            timeout=timeout,
            headers={"Authorization": f"Bearer {SECRET_KEY}"},
        )
        self.recorder = recorder
        self.patience = patience

    async def close(self) -> None:
        await self.shop.aclose()
        await self.stripe.aclose()
        if self.payments is not self.shop:
            await self.payments.aclose()

    async def _request(
        self, step: str, send, patience: float | None = None, record: Purchase | None = None
    ):
        """
        ``send()`` once, or until it is answered below 500 within ``patience``
        seconds. Each failure is recorded, and kept in the purchase ``record``
        if given, with the checkout a failed answer names (a 503 names the
        checkout it keeps for the same key).
        """
        deadline = now() + (self.patience if patience is None else patience)
        delay = 0.25
        while True:
            started = now()
            response = None
            try:
                response = await send()
            except httpx.TimeoutException:
                failure = "timeout"
            except httpx.TransportError:
                failure = "connection error"
            else:
                failure = _failure(response)
            if not failure:
                self.recorder.time(step, now() - started)
                return response
            self.recorder.error(step, failure)
            if record is not None:
                record.failures.append((step, failure))
                if response is not None and not record.checkout_id:
                    record.checkout_id = str(_body(response).get("checkout_id") or "")
            if now() + delay > deadline:
                return response
            await asyncio.sleep(delay)
            delay = min(delay * 2, 4)

    @staticmethod
    def _auth(buyer: dict) -> dict:
        return {"Authorization": f"Bearer {buyer['token']}"}

    async def add_to_cart(
        self, buyer: dict, sku: str, quantity: int = 1, record=None
    ) -> httpx.Response | None:
        return await self._request(
            ADD_TO_CART,
            lambda: self.shop.post(
                CART_ITEMS, json={"sku": sku, "quantity": quantity}, headers=self._auth(buyer)
            ),
            record=record,
        )

    async def start_checkout(self, buyer: dict, key: str, record=None) -> httpx.Response | None:
        headers = {**self._auth(buyer), "Idempotency-Key": key}
        return await self._request(
            START_CHECKOUT,
            lambda: self.shop.post(CHECKOUT, json=CHECKOUT_BODY, headers=headers),
            record=record,
        )

    async def pay(self, checkout: dict, record=None) -> dict | None:
        """The customer pays on Stripe's page: the event Stripe will send about it."""
        session_id = checkout["payment"]["redirect_url"].rsplit("/", 1)[-1]
        response = await self._request(
            PAY, lambda: self.stripe.post(f"/_bench/pay/{session_id}"), record=record
        )
        return response.json() if response is not None and response.status_code == 200 else None

    async def deliver_webhook(
        self, event: dict, patience: float | None = None, record=None
    ) -> bool:
        """Stripe posts the signed event (signed again on each retry, as Stripe does)."""
        body = json.dumps(event)

        def send():
            headers = {"Content-Type": "application/json", "Stripe-Signature": signature(body)}
            return self.payments.post(WEBHOOK, content=body, headers=headers)

        response = await self._request(WEBHOOK_ANSWER, send, patience, record)
        return response is not None and response.status_code == 200

    async def checkout_status(self, buyer: dict, checkout_id: str) -> dict | None:
        try:
            response = await self.shop.get(f"{CHECKOUT}{checkout_id}/", headers=self._auth(buyer))
        except httpx.TransportError:
            self.recorder.error(POLL, "connection error or timeout")
            return None
        if response.status_code != 200:
            self.recorder.error(POLL, str(response.status_code))
            return None
        return response.json()

    async def wait_for_order(self, buyer: dict, checkout_id: str, timeout: float) -> str:
        """The order number once the checkout is completed; "" if it failed or took too long."""
        deadline = now() + timeout
        wait = FIRST_POLL_WAIT
        while now() < deadline:
            status = await self.checkout_status(buyer, checkout_id)
            if status and status["status"] == "completed":
                return status["order_number"]
            if status and status["status"] in ("failed", "expired"):
                return ""
            await asyncio.sleep(wait)
            wait = min(wait * 2, POLL_INTERVAL)
        return ""

    async def purchase(self, buyer: dict, sku: str, *, order_timeout: float = 60) -> Purchase:
        """One whole purchase of one unit of ``sku``; how far it got is in the result."""
        record = Purchase(buyer_id=buyer["id"], started=now())
        added = await self.add_to_cart(buyer, sku, record=record)
        if added is None or added.status_code not in (200, 201):
            return record
        started = await self.start_checkout(buyer, str(uuid.uuid4()), record=record)
        record.checkout_status = started.status_code if started is not None else 0
        if started is None or started.status_code not in (200, 201):
            return record
        checkout = started.json()
        record.checkout_id = checkout["id"]
        record.checkout_state = checkout["status"]
        if checkout["payment"] is None:
            # The same key named a checkout that expired (or failed) meanwhile.
            return record
        event = await self.pay(checkout, record=record)
        if event is None:
            return record
        record.event_id = event["id"]
        record.paid = await self.deliver_webhook(event, record=record)
        if not record.paid:
            return record
        accepted = now()
        record.order_number = await self.wait_for_order(buyer, record.checkout_id, order_timeout)
        if record.order_number:
            record.finished = now()
            self.recorder.time(ORDER_VISIBLE, record.finished - accepted)
            self.recorder.time(END_TO_END, record.finished - record.started)
        return record
