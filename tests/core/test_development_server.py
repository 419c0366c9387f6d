"""
With DEBUG on the shop answers this machine only (docs/decisions/0020): an
operator who forgot DEBUG=0 does not hand the test gateway, tracebacks and
the development secret key to whoever reaches the port, even one who sends
``Host: localhost``.
"""

import pytest

from shop.payments.gateways.builtin import page_url
from shop.payments.models import Payment
from tests.payments.conftest import create_payment, make_customer

pytestmark = pytest.mark.django_db

ELSEWHERE = "203.0.113.9"


@pytest.fixture
def debug(settings):
    settings.DEBUG = True
    settings.DEBUG_ON_PUBLIC_HOST = False
    return settings


@pytest.fixture
def payment(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.PAYMENTS_TEST_GATEWAY_ENABLED = True
    return create_payment(make_customer())


def test_with_debug_on_a_visitor_from_another_machine_is_refused(client, debug):
    response = client.get("/", REMOTE_ADDR=ELSEWHERE, HTTP_HOST="localhost")

    assert response.status_code == 403
    assert "DEBUG=1" in response.content.decode()


def test_with_debug_on_nobody_elsewhere_pays_on_the_test_gateway(client, debug, payment):
    page = page_url(payment.id)

    on_the_page = client.post(
        page, {"outcome": "succeeded"}, REMOTE_ADDR=ELSEWHERE, HTTP_HOST="localhost"
    )
    through_the_api = client.post(
        f"/api/v1{page}",
        {"outcome": "succeeded"},
        content_type="application/json",
        REMOTE_ADDR=ELSEWHERE,
    )

    assert on_the_page.status_code == 403
    assert through_the_api.status_code == 403
    assert through_the_api.json()["code"] == "development_server_local_only"
    assert Payment.objects.get(pk=payment.id).status == "pending"


@pytest.mark.parametrize(
    "forwarded",
    [
        {"HTTP_X_FORWARDED_FOR": f"{ELSEWHERE}, 127.0.0.1"},
        {"HTTP_X_REAL_IP": ELSEWHERE},
        {"HTTP_FORWARDED": 'for="[2001:db8::1]:4711";proto=https'},
    ],
)
def test_with_debug_on_a_client_a_local_proxy_forwards_from_elsewhere_is_refused(
    client, debug, forwarded
):
    response = client.get("/", REMOTE_ADDR="127.0.0.1", **forwarded)

    assert response.status_code == 403


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", ""], ids=["ipv4", "ipv6", "unix-socket"])
def test_with_debug_on_this_machine_is_served(client, debug, address):
    response = client.get("/", REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR="127.0.0.1")

    assert response.status_code == 200


def test_debug_on_a_public_host_on_purpose_serves_other_machines(client, debug):
    debug.DEBUG_ON_PUBLIC_HOST = True

    assert client.get("/", REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_with_debug_off_every_machine_is_served(client, settings):
    settings.DEBUG = False

    assert client.get("/", REMOTE_ADDR=ELSEWHERE).status_code == 200
