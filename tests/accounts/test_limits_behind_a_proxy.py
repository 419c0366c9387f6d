"""
allauth's sign-in and sign-up limits count by the client's address
(``shop.core.ratelimit.client_address``). Behind nginx every request comes
from the proxy: without ``TRUSTED_PROXY_COUNT`` one person's failed sign-ins
would lock every customer out. A client that reaches the shop directly
cannot escape the limits by writing ``X-Forwarded-For`` itself.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "quiet-harbour-1843"
TOO_MANY = "Too many failed login attempts"


def sign_in(email, password, remote_addr="127.0.0.1", forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    client = Client(REMOTE_ADDR=remote_addr, **headers)
    return client, client.post("/accounts/login/", {"login": email, "password": password})


def fail_ten_times(**sender):
    # Ten addresses, so that only the per-address limit (10 a minute) is reached.
    for attempt in range(10):
        _, response = sign_in(f"guess-{attempt}@example.com", "wrong", **sender)
        assert TOO_MANY not in response.content.decode()


@pytest.fixture
def ada():
    return get_user_model().objects.create_user(email="ada@example.com", password=PASSWORD)


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]


def test_behind_a_proxy_one_clients_failed_sign_ins_do_not_lock_out_another(behind_nginx, ada):
    fail_ten_times(forwarded_for="203.0.113.9")

    _, attacker = sign_in("ada@example.com", PASSWORD, forwarded_for="203.0.113.9")
    client, customer = sign_in("ada@example.com", PASSWORD, forwarded_for="198.51.100.7")

    assert TOO_MANY in attacker.content.decode()
    assert customer.status_code == 302, customer.content
    assert "_auth_user_id" in client.session


def test_a_client_behind_no_proxy_cannot_escape_the_limit_with_made_up_forwarded_for(ada):
    for attempt in range(10):
        sign_in(f"guess-{attempt}@example.com", "wrong", forwarded_for=f"203.0.113.{attempt}")

    client, response = sign_in("ada@example.com", PASSWORD, forwarded_for="198.51.100.99")

    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_client_that_goes_round_the_proxy_cannot_name_itself_either(behind_nginx, ada):
    for attempt in range(10):
        sign_in(
            f"guess-{attempt}@example.com",
            "wrong",
            remote_addr="192.0.2.50",
            forwarded_for=f"203.0.113.{attempt}",
        )

    client, response = sign_in(
        "ada@example.com", PASSWORD, remote_addr="192.0.2.50", forwarded_for="198.51.100.99"
    )

    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_behind_a_proxy_sign_ups_are_limited_per_client_not_for_the_whole_shop(behind_nginx):
    def sign_up(email, forwarded_for):
        client = Client(HTTP_X_FORWARDED_FOR=forwarded_for)
        return client.post(
            "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )

    answers = [sign_up(f"bot-{n}@example.com", "203.0.113.9").status_code for n in range(21)]
    customer = sign_up("grace@example.com", "198.51.100.7")

    assert answers[-1] == 429
    assert customer.status_code == 302
    assert get_user_model().objects.filter(email="grace@example.com").exists()
