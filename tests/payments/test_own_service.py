"""
payments run as a service of its own (config/payments_settings.py): its own
process and database, next to a shop that runs accounts. The shop reaches
it through the same public functions; the customer pays on its page at its
address; staff sign in to its admin with their shop account, checked by
accounts over the internal API.
"""

import json
import os
import re
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from shop.accounts.roles import ORDER_MANAGERS
from shop.core.remote.client import remote_module
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db(transaction=True)

GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def payments_service(live_server, tmp_path, settings):
    """The address of payments running alone, calling accounts at ``live_server``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.payments_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'payments.sqlite3'}",
        "SHOP_DATABASES": "shared",
        "SHOP_REMOTE_APPS": f"accounts={live_server.url}",
        "SHOP_SERVICE_SECRET": settings.SHOP_SERVICE_SECRET,
        "PAYMENTS_URL": url,
        # In-process tasks: its events must not reach the test run's worker.
        "CELERY_BROKER_URL": "",
        "CACHE_URL": "locmemcache://payments",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("SHOP_SERVICE_NAME", None)
    subprocess.run(
        [sys.executable, "manage.py", "migrate_services", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    log = open(tmp_path / "payments.log", "wb")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [GUNICORN, "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=1).ok:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or its first request still loading Django
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail((tmp_path / "payments.log").read_text())
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def customer():
    return get_user_model().objects.create_user(email="ada@example.com", password="pw-12345!")


def test_the_customer_pays_on_the_payments_services_own_page(payments_service, customer):
    payments = remote_module("payments", payments_service)
    payment = payments.create_payment(
        reference="checkout-1",
        amount=Decimal("44.70"),
        user_id=customer.pk,
        description="Shop order",
        return_url="http://shop.test/checkout/1/",
        cancel_url="http://shop.test/checkout/1/",
    )

    assert payment.redirect_url.startswith(f"{payments_service}/payments/test/{payment.id}/")
    page = requests.get(payment.redirect_url, timeout=10)
    assert page.status_code == 200
    assert "Pay €44.70" in page.text
    api = f"{payments_service}/api/v1{urlsplit(payment.redirect_url).path}"
    paid = requests.post(api, json={"outcome": "succeeded"}, timeout=10)
    assert paid.status_code == 202, paid.text
    assert paid.json()["next_url"] == "http://shop.test/checkout/1/"
    assert payments.get_payment(payment.id).status == "succeeded"


def test_the_storefront_is_not_served_by_the_payments_service(payments_service):
    assert requests.get(f"{payments_service}/cart/", timeout=10).status_code == 404
    assert requests.get(f"{payments_service}/api/v1/orders/", timeout=10).status_code == 404
    assert requests.get(f"{payments_service}/accounts/login/", timeout=10).status_code == 404


def sign_in(service: str, email: str, password: str) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    form = browser.get(f"{service}/admin/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = browser.post(
        f"{service}/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": email, "password": password},
        headers={"Referer": f"{service}/admin/login/"},
        timeout=20,
    )
    return browser, answer


def test_staff_sign_in_to_the_payments_admin_with_their_shop_account(payments_service):
    manager = get_user_model().objects.create_user(
        email="olga@example.com", password="pw-12345!", is_staff=True
    )
    manager.groups.add(Group.objects.get_or_create(name=ORDER_MANAGERS)[0])

    browser, answer = sign_in(payments_service, "olga@example.com", "pw-12345!")

    assert answer.url == f"{payments_service}/admin/"
    payments_list = browser.get(f"{payments_service}/admin/payments/payment/", timeout=10)
    assert payments_list.status_code == 200
    assert "Select payment to view" in payments_list.text  # view only, as the role grants
    assert "payments_sessionid" in browser.cookies


@pytest.mark.parametrize(
    "email, password, staff",
    [("olga@example.com", "wrong-password", True), ("ada@example.com", "pw-12345!", False)],
    ids=["wrong-password", "not-staff"],
)
def test_a_wrong_password_or_a_customer_cannot_sign_in_to_the_payments_admin(
    payments_service, email, password, staff
):
    get_user_model().objects.create_user(email=email, password="pw-12345!", is_staff=staff)

    browser, answer = sign_in(payments_service, email, password)

    assert answer.url.startswith(f"{payments_service}/admin/login/")
    assert "correct" in answer.text  # Django's "Please enter the correct ..."
    assert browser.get(f"{payments_service}/admin/payments/payment/", timeout=10).url.startswith(
        f"{payments_service}/admin/login/"
    )


def test_guessing_a_staff_password_at_the_payments_admin_is_stopped(payments_service):
    get_user_model().objects.create_user(
        email="olga@example.com", password="pw-12345!", is_staff=True
    )
    wrong = [sign_in(payments_service, "olga@example.com", f"guess-{n}")[1] for n in range(5)]

    browser, right = sign_in(payments_service, "olga@example.com", "pw-12345!")

    assert [answer.status_code for answer in wrong] == [200] * 5
    assert right.status_code == 429
    assert "Try again in 5 minutes." in right.text
    assert int(right.headers["Retry-After"]) > 0
    assert browser.get(f"{payments_service}/admin/", timeout=10).url.startswith(
        f"{payments_service}/admin/login/"
    )


ERROR_PAGES = """
import django, json
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(raise_request_exception=False)
missing = client.get("/nowhere/")
print(json.dumps({"status": missing.status_code, "page": missing.content.decode()}))
"""


def test_a_missing_page_of_the_payments_service_is_its_own_404_not_a_server_error(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.payments_settings",
        "DEBUG": "0",
        "SECRET_KEY": "payments-only-test-key-1f2e3d4c5b6a79880706",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'payments.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("SHOP_SERVICE_NAME", None)
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(collect, cwd=ROOT, env=env, check=True, timeout=120)
    shown = subprocess.run(
        [sys.executable, "-c", ERROR_PAGES], cwd=ROOT, env=env, capture_output=True, text=True
    )

    answer = json.loads(shown.stdout or "{}")
    assert answer.get("status") == 404, shown.stderr[-2000:]
    assert "use the link the shop gave you" in answer["page"]
