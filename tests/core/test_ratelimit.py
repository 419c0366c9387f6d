"""
The shop's own attempt limit (``shop.core.ratelimit.consume``): what the
admin's sign-in counts with where allauth is not installed (payments running
on its own), and how its form uses it.
"""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

from shop.core import adminlogin
from shop.core.ratelimit import Rate, Refused, consume, parse_rates

PER_ACCOUNT = [Rate(3, 60, "key")]


def request(address="203.0.113.1"):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_rates_are_written_as_allauth_writes_them():
    assert parse_rates("10/m/ip, 5/5m/key,2/h") == [
        Rate(10, 60, "ip"),
        Rate(5, 300, "key"),
        Rate(2, 3600, "ip"),
    ]
    for wrong in ("10/m/user", "ten/m", "10/5w", "0/m"):
        with pytest.raises(ValueError):
            parse_rates(wrong)


def test_a_full_count_is_refused_with_the_seconds_until_the_oldest_attempt_leaves_it():
    with mock.patch("shop.core.ratelimit.time.time", return_value=1000.0):
        for _ in range(3):
            consume(request(), action="test", rates=PER_ACCOUNT, key="ada")
    with (
        mock.patch("shop.core.ratelimit.time.time", return_value=1045.5),
        pytest.raises(Refused) as refused,
    ):
        consume(request(), action="test", rates=PER_ACCOUNT, key="ada")

    assert refused.value.retry_after == 15
    with mock.patch("shop.core.ratelimit.time.time", return_value=1060.5):
        consume(request(), action="test", rates=PER_ACCOUNT, key="ada")  # allowed again


def test_refused_attempts_do_not_prolong_the_wait_and_rolled_back_ones_do_not_count():
    for _ in range(2):
        consume(request(), action="test", rates=PER_ACCOUNT, key="ada")
    consume(request(), action="test", rates=PER_ACCOUNT, key="ada").rollback()
    consume(request(), action="test", rates=PER_ACCOUNT, key="ada")
    for _ in range(5):
        with pytest.raises(Refused):
            consume(request(), action="test", rates=PER_ACCOUNT, key="ada")

    consume(request(), action="test", rates=PER_ACCOUNT, key="grace")  # another account


def test_per_address_counts_follow_the_client_address():
    per_address = [Rate(1, 60, "ip")]
    consume(request("203.0.113.1"), action="test", rates=per_address)

    with pytest.raises(Refused):
        consume(request("203.0.113.1"), action="test", rates=per_address)
    consume(request("198.51.100.7"), action="test", rates=per_address)


@pytest.mark.django_db
def test_without_allauth_the_admin_counts_failed_sign_ins_itself(monkeypatch):
    """As in payments running on its own (``tests/payments/test_own_service.py`` runs that)."""
    monkeypatch.setattr(adminlogin, "through_allauth", lambda: False)
    get_user_model().objects.create_user(
        email="olga@example.com", password="pw-12345!", is_staff=True
    )

    def sign_in(password):
        data = {"username": "olga@example.com", "password": password}
        return Client().post("/admin/login/?next=/admin/", data)

    wrong = [sign_in(f"guess-{n}").status_code for n in range(5)]
    right = sign_in("pw-12345!")

    assert wrong == [200] * 5
    assert right.status_code == 429
    assert 295 <= int(right["Retry-After"]) <= 300
    assert "Try again in 5 minutes." in right.content.decode()
