"""
A service's public functions called over HTTP (shop.core.remote): the same
functions, data classes and exceptions as in-process; only a service holding
the shared secret may call; an unreachable service is a clean 503 code, and
only calls that are safe to repeat are repeated.
"""

import datetime
import hashlib
import inspect
import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core import signing
from django.test import Client

from shop.catalog import errors as catalog_errors
from shop.catalog.data import Shortage
from shop.core.errors import ServiceUnavailable
from shop.core.remote import calls, client
from shop.core.remote.interface import stub
from shop.payments import errors as payment_errors
from shop.payments import public as local_payments
from shop.payments.data import PaymentInfo
from tests.catalog.factories import make_product
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db(transaction=True)

UNREACHABLE = "http://127.0.0.1:9"


@pytest.fixture
def remote(live_server):
    """``remote("payments")``: that app's public module, as another process would call it."""
    return lambda app: client.remote_module(app, live_server.url)


@pytest.fixture
def customer():
    return get_user_model().objects.create_user(email="ada@example.com", password="pw-12345!")


def payment_of(payments, customer, reference="checkout-1") -> PaymentInfo:
    return payments.create_payment(
        reference=reference,
        amount=Decimal("44.70"),
        user_id=customer.pk,
        description="Shop order",
        return_url="http://testserver/back/",
        cancel_url="http://testserver/back/",
    )


def test_a_remote_call_returns_the_same_data_class_as_a_local_one(remote, customer):
    payments = remote("payments")

    created = payment_of(payments, customer)

    assert isinstance(created, PaymentInfo)
    assert created.amount == Decimal("44.70")
    assert created == local_payments.get_payment(created.id)
    assert payments.get_payment_for_reference("checkout-1") == created


def test_a_refusal_comes_back_as_the_services_own_exception(remote):
    with pytest.raises(payment_errors.PaymentNotFound) as refused:
        remote("payments").get_payment("not-a-payment")

    assert (refused.value.code, refused.value.status_code) == ("payment_not_found", 404)


def test_a_refusal_with_its_own_data_keeps_it(remote):
    sku = make_product(stock=1).variants.get().sku

    with pytest.raises(catalog_errors.OutOfStock) as refused:
        remote("catalog").reserve_stock("checkout:x", [(sku, 3)], ttl=datetime.timedelta(minutes=5))

    assert refused.value.shortages == (Shortage(sku=sku, requested=3, available=1),)


def test_the_remote_module_offers_exactly_what_the_public_one_does():
    remote_payments = client.remote_module("payments", UNREACHABLE)

    assert remote_payments.__all__ == local_payments.__all__
    assert remote_payments.PaymentInfo is PaymentInfo
    assert remote_payments.PaymentNotFound is payment_errors.PaymentNotFound
    assert str(inspect.signature(remote_payments.refund_payment)) == str(
        inspect.signature(local_payments.refund_payment)
    )


def _post(app, function, arguments, signature=None):
    body = json.dumps({"arguments": arguments}).encode()
    headers = {} if signature is None else {"HTTP_X_SHOP_SERVICE": signature(body)}
    return Client().post(
        calls.path(app, function), body, content_type="application/json", **headers
    )


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(None, id="no-signature"),
        pytest.param(
            lambda body: signing.dumps(
                {"caller": "x", "call": "payments.get_payment", "body": "y"},
                key="another secret",
                salt=calls.SALT,
            ),
            id="another-secret",
        ),
        pytest.param(
            lambda body: calls.sign("payments", "refund_payment", body),
            id="signed-for-another-function",
        ),
        pytest.param(
            lambda body: calls.sign("payments", "get_payment", body + b" "),
            id="signed-for-another-body",
        ),
    ],
)
def test_only_a_service_holding_the_secret_may_call_an_internal_endpoint(signature):
    response = _post("payments", "get_payment", {"payment_id": "x"}, signature)

    assert response.status_code == 403
    assert response.json()["code"] == "service_unauthorized"


def test_an_unknown_function_or_bad_arguments_are_refused_with_a_code():
    def signed(function):
        return lambda body: calls.sign("payments", function, body)

    unknown = _post("payments", "_services", {}, signed("_services"))
    bad = _post("payments", "get_payment", {"payment_id": ["x"]}, signed("get_payment"))
    extra = _post("payments", "get_payment", {"nope": 1}, signed("get_payment"))

    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_function")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_arguments")
    assert (extra.status_code, extra.json()["code"]) == (400, "invalid_arguments")


def test_the_signature_binds_the_caller_the_function_and_the_body():
    body = b'{"arguments": {}}'
    signature = calls.sign("cart", "get_cart_lines", body)

    assert calls.verified_caller(signature, "cart", "get_cart_lines", body) == "shop"
    assert (
        hashlib.sha256(body).hexdigest()
        in signing.loads(signature, key=calls._secret(), salt=calls.SALT).values()
    )


@pytest.fixture
def attempts(monkeypatch):
    """Count the HTTP attempts; the service never answers."""
    tried = []

    def refuse(self, url, **kwargs):
        tried.append(url)
        raise requests.ConnectionError("refused")

    monkeypatch.setattr(requests.Session, "post", refuse)
    monkeypatch.setattr(client, "BACKOFF", 0)
    return tried


def test_an_unreachable_service_is_a_clean_503_and_safe_calls_are_repeated(attempts, settings):
    settings.SHOP_REMOTE_RETRIES = 2
    payments = client.remote_module("payments", UNREACHABLE)

    with pytest.raises(ServiceUnavailable) as refused:
        payments.get_payment("any")

    assert (refused.value.code, refused.value.status_code) == ("payments_unavailable", 503)
    assert len(attempts) == 3


def test_a_call_not_marked_idempotent_is_sent_once(attempts):
    def place(reference: str) -> str:
        """A function that must not run twice."""

    remote_app = client.RemoteApp("payments", UNREACHABLE)

    with pytest.raises(ServiceUnavailable):
        remote_app.call(place, {"reference": "r"})

    assert len(attempts) == 1


def test_every_public_function_of_every_service_says_whether_it_may_be_repeated():
    for app in ("accounts", "catalog", "cart", "payments"):
        interface = stub(app)
        functions = [
            getattr(interface, name)
            for name in interface.__all__
            if inspect.isfunction(getattr(interface, name))
        ]
        # All of today's are reads, or writes keyed by their caller.
        assert all(getattr(function, "__idempotent__", False) for function in functions), app


def test_the_shop_boots_and_checks_clean_with_payments_running_elsewhere():
    env = {**os.environ, "SHOP_REMOTE_APPS": f"payments={UNREACHABLE}"}
    env.pop("DATABASE_URL", None)
    probe = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup(); from django.apps import apps; from shop.payments import public;"
        "print(apps.is_installed('shop.payments'), public.remote.base_url)"
    )
    booted = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    checked = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert booted.stdout.split() == ["False", UNREACHABLE], booted.stderr
    assert checked.returncode == 0, checked.stdout + checked.stderr
