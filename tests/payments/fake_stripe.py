"""
A fake Stripe API on 127.0.0.1, for tests: the shop's ``StripeClient`` is
pointed at it with ``STRIPE_API_BASE`` (``base_addresses``), so the real
library makes real HTTP requests and the tests see exactly what it sent.

It implements what the shop calls: Checkout Sessions (create, retrieve,
expire), PaymentIntents (retrieve, with ``expand[]=latest_charge``) and
refunds (create). POSTs honour ``Idempotency-Key`` like Stripe: the same key
with the same parameters returns the first response, with other parameters a
400 ``idempotency_error``. ``fail_next(n)`` answers the next ``n`` requests
with a 500; every request is recorded in ``requests``.

Tests play the customer and Stripe's side with ``pay``, ``decline``,
``expire`` and ``refund_in_dashboard``, and build webhook bodies with
``event`` and ``signature`` (Stripe's scheme: ``t=<ts>,v1=<hex HMAC-SHA256
of "<ts>.<body>">``).

One server is shared by the whole test session (``shared_fake_stripe``), so
a Celery worker process started by ``tests/conftest.py`` talks to the same one.
"""

import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

SECRET_KEY = "sk_test_fake_0123456789"
WEBHOOK_SECRET = "whsec_fake_0123456789abcdef"
_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_fake{next(_ids):04d}{secrets.token_hex(4)}"


def signature(body: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe would send with ``body``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def decode_form(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (``line_items[0][price_data][currency]=eur``) back to nesting."""
    root: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(node):
    if not isinstance(node, dict):
        return node
    if node and all(key.isdigit() for key in node):
        return [_listify(node[key]) for key in sorted(node, key=int)]
    return {key: _listify(value) for key, value in node.items()}


@dataclass
class Request:
    method: str
    path: str
    params: dict
    idempotency_key: str | None
    status: int = 0


class StripeError(Exception):
    def __init__(self, status: int, kind: str, message: str, code: str = ""):
        super().__init__(message)
        self.status, self.kind, self.message, self.code = status, kind, message, code

    def body(self) -> dict:
        return {"error": {"type": self.kind, "message": self.message, "code": self.code}}


@dataclass
class FakeStripe:
    server: ThreadingHTTPServer | None = None
    sessions: dict = field(default_factory=dict)
    intents: dict = field(default_factory=dict)
    charges: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    idempotent: dict = field(default_factory=dict)
    failures: int = 0
    failure_status: int = 500
    lock: threading.RLock = field(default_factory=threading.RLock)

    # --- running ---------------------------------------------------------------------

    def start(self) -> "FakeStripe":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake.handle(self, "GET")

            def do_POST(self):
                fake.handle(self, "POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def settings(self) -> dict:
        """The shop's settings that make it talk to this server."""
        return {
            "STRIPE_SECRET_KEY": SECRET_KEY,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": self.url,
        }

    def reset(self) -> None:
        with self.lock:
            for store in (self.sessions, self.intents, self.charges, self.refunds):
                store.clear()
            self.requests.clear()
            self.idempotent.clear()
            self.failures = 0

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        """Answer the next ``count`` requests with ``status`` (as if Stripe had an outage)."""
        with self.lock:
            self.failures, self.failure_status = count, status

    def calls(self, method: str, path_pattern: str) -> list[Request]:
        return [
            request
            for request in self.requests
            if request.method == method and re.fullmatch(path_pattern, request.path)
        ]

    # --- HTTP --------------------------------------------------------------------------

    def handle(self, http: BaseHTTPRequestHandler, method: str) -> None:
        split = urlsplit(http.path)
        length = int(http.headers.get("Content-Length") or 0)
        body = http.rfile.read(length).decode() if length else ""
        params = decode_form(parse_qsl(body or split.query, keep_blank_values=True))
        key = http.headers.get("Idempotency-Key") if method == "POST" else None
        request = Request(method, split.path, params, key)
        with self.lock:
            self.requests.append(request)
            status, payload, replayed = self._answer(http, method, split.path, params, key)
        request.status = status
        data = json.dumps(payload).encode()
        http.send_response(status)
        http.send_header("Content-Type", "application/json")
        http.send_header("Content-Length", str(len(data)))
        http.send_header("Request-Id", new_id("req"))
        if replayed:
            http.send_header("Idempotent-Replayed", "true")
        http.end_headers()
        http.wfile.write(data)

    def _answer(self, http, method, path, params, key):
        if http.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return 401, StripeError(401, "invalid_request_error", "Invalid API Key").body(), False
        if self.failures:
            self.failures -= 1
            error = StripeError(self.failure_status, "api_error", "Fake outage.")
            return self.failure_status, error.body(), False
        if key and key in self.idempotent:
            first_path, first_params, status, payload = self.idempotent[key]
            if (first_path, first_params) != (path, params):
                message = "Keys for idempotent requests can only be used with the same parameters."
                return 400, StripeError(400, "idempotency_error", message).body(), False
            return status, payload, True
        try:
            status, payload = 200, self._route(method, path, params)
        except StripeError as error:
            status, payload = error.status, error.body()
        if key:
            self.idempotent[key] = (path, params, status, payload)
        return status, payload, False

    def _route(self, method, path, params) -> dict:
        routes = [
            ("POST", r"/v1/checkout/sessions", self._create_session),
            ("GET", r"/v1/checkout/sessions/([^/]+)", self._get_session),
            ("POST", r"/v1/checkout/sessions/([^/]+)/expire", self._expire_session),
            ("GET", r"/v1/payment_intents/([^/]+)", self._get_intent),
            ("POST", r"/v1/refunds", self._create_refund),
        ]
        for route_method, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if match and method == route_method:
                return handler(params, *match.groups())
        raise StripeError(404, "invalid_request_error", f"Unrecognized request URL ({path}).")

    @staticmethod
    def _missing(kind: str, object_id: str) -> StripeError:
        return StripeError(
            404, "invalid_request_error", f"No such {kind}: '{object_id}'", "resource_missing"
        )

    def _create_session(self, params) -> dict:
        line = params["line_items"][0]
        price = line["price_data"]
        session_id = new_id("cs_test")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": params["mode"],
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": int(price["unit_amount"]) * int(line.get("quantity", 1)),
            "currency": price["currency"],
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"),
            "metadata": params.get("metadata", {}),
            "success_url": params["success_url"],
            "cancel_url": params["cancel_url"],
            "payment_intent": None,
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "created": int(time.time()),
            "expires_at": int(time.time()) + 86400,
        }
        self.sessions[session_id] = session
        return dict(session)

    def _session(self, session_id) -> dict:
        if session_id not in self.sessions:
            raise self._missing("checkout.session", session_id)
        return self.sessions[session_id]

    def _get_session(self, params, session_id) -> dict:
        return dict(self._session(session_id))

    def _expire_session(self, params, session_id) -> dict:
        session = self._session(session_id)
        if session["status"] != "open":
            raise StripeError(
                400,
                "invalid_request_error",
                'Only Checkout Sessions with a status in ["open"] can be expired.',
            )
        session.update(status="expired", url=None)
        return dict(session)

    def _get_intent(self, params, intent_id) -> dict:
        if intent_id not in self.intents:
            raise self._missing("payment_intent", intent_id)
        intent = dict(self.intents[intent_id])
        if "latest_charge" in params.get("expand", []) and intent["latest_charge"]:
            intent["latest_charge"] = dict(self.charges[intent["latest_charge"]])
        return intent

    def _create_refund(self, params) -> dict:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            raise self._missing("payment_intent", params.get("payment_intent", ""))
        charge = self.charges.get(intent["latest_charge"] or "")
        if charge is None or intent["status"] != "succeeded":
            raise StripeError(400, "invalid_request_error", "This PaymentIntent has no charge.")
        left = charge["amount"] - charge["amount_refunded"]
        amount = int(params.get("amount", left))
        if left <= 0:
            raise StripeError(
                400,
                "invalid_request_error",
                f"Charge {charge['id']} has already been refunded.",
                "charge_already_refunded",
            )
        if amount > left:
            raise StripeError(
                400,
                "invalid_request_error",
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                "amount_too_large",
            )
        return self._refund(charge, amount, params.get("metadata", {}))

    def _refund(self, charge: dict, amount: int, metadata: dict) -> dict:
        refund = {
            "id": new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": charge["currency"],
            "charge": charge["id"],
            "payment_intent": charge["payment_intent"],
            "status": "succeeded",
            "metadata": metadata,
            "created": int(time.time()),
        }
        self.refunds[refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] >= charge["amount"]
        return dict(refund)

    # --- the customer's and Stripe's side ----------------------------------------------

    def _intent_for(self, session: dict, *, amount: int, status: str, error=None) -> dict:
        intent_id = session["payment_intent"] or new_id("pi")
        charge_id = new_id("ch")
        self.intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount if status == "succeeded" else 0,
            "currency": session["currency"],
            "status": status,
            "metadata": session["metadata"],
            "latest_charge": charge_id if status == "succeeded" else None,
            "last_payment_error": error,
        }
        if status == "succeeded":
            self.charges[charge_id] = {
                "id": charge_id,
                "object": "charge",
                "amount": amount,
                "amount_refunded": 0,
                "refunded": False,
                "currency": session["currency"],
                "payment_intent": intent_id,
                "paid": True,
            }
        session["payment_intent"] = intent_id
        return self.intents[intent_id]

    def pay(self, session_id: str, *, amount: int | None = None, delayed: bool = False) -> dict:
        """
        The customer pays on Stripe's page; returns the session as a webhook
        would carry it. ``delayed``: a bank debit, "unpaid" until it clears.
        ``amount``: what Stripe reports as paid (default: the session's total).
        """
        with self.lock:
            session = self._session(session_id)
            if amount is not None:
                session["amount_total"] = amount
            status = "processing" if delayed else "succeeded"
            self._intent_for(session, amount=session["amount_total"], status=status)
            session.update(
                status="complete",
                payment_status="unpaid" if delayed else "paid",
                url=None,
                # What the customer typed on Stripe's page.
                customer_details={
                    "email": session["customer_email"] or "customer@example.com",
                    "name": "Ada Lovelace",
                    "phone": None,
                    "address": {"line1": "12 St James's Square", "city": "London",
                                "postal_code": "SW1Y 4JH", "country": "GB"},
                },
            )  # fmt: skip
            return dict(session)

    def clear(self, session_id: str) -> dict:
        """A delayed payment clears."""
        with self.lock:
            session = self._session(session_id)
            self._intent_for(session, amount=session["amount_total"], status="succeeded")
            session["payment_status"] = "paid"
            return dict(session)

    def decline(self, session_id: str) -> dict:
        """A delayed payment fails (checkout.session.async_payment_failed)."""
        with self.lock:
            session = self._session(session_id)
            error = {"type": "card_error", "code": "card_declined"}
            self._intent_for(
                session,
                amount=session["amount_total"],
                status="requires_payment_method",
                error=error,
            )
            session.update(status="complete", payment_status="unpaid", url=None)
            return dict(session)

    def expire(self, session_id: str) -> dict:
        """The session ran out (checkout.session.expired)."""
        with self.lock:
            session = self._session(session_id)
            session.update(status="expired", url=None)
            return dict(session)

    def refund_in_dashboard(self, intent_id: str, amount: int) -> dict:
        """Staff refund in Stripe's dashboard; returns the charge (charge.refunded)."""
        with self.lock:
            charge = self.charges[self.intents[intent_id]["latest_charge"]]
            self._refund(charge, amount, {})
            return dict(charge)

    @staticmethod
    def event(kind: str, obj: dict, *, event_id: str | None = None) -> dict:
        return {
            "id": event_id or new_id("evt"),
            "object": "event",
            "api_version": "2025-10-29.clover",
            "created": int(time.time()),
            "livemode": False,
            "type": kind,
            "data": {"object": obj},
        }


_shared: FakeStripe | None = None
_shared_lock = threading.Lock()


def shared_fake_stripe() -> FakeStripe:
    """The session's fake Stripe, started on first use."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = FakeStripe().start()
        return _shared
