"""
Who the client is, for every limit of the shop (``shop.core.ratelimit``):
behind the proxies we trust, the address they saw; without them, or from
anyone else, the connection's own address whatever ``X-Forwarded-For`` says.
"""

import pytest
from django.test import RequestFactory

from shop.core.ratelimit import client_address, limit_key


def request(remote_addr="127.0.0.1", forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


def test_without_a_trusted_proxy_a_made_up_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(request("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The client wrote "203.0.113.1" itself; nginx appended what it saw.
    assert client_address(request("127.0.0.1", "203.0.113.1, 198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_the_client_is_what_the_outer_one_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    seen = client_address(request("127.0.0.1", "203.0.113.1, 198.51.100.7, 10.0.0.5"))

    assert seen == "198.51.100.7"


def test_a_peer_outside_the_allowed_proxies_cannot_name_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["10.0.0.0/8"]

    assert client_address(request("192.0.2.50", "203.0.113.1")) == "192.0.2.50"
    assert client_address(request("10.1.2.3", "203.0.113.1")) == "203.0.113.1"


def test_any_peer_may_be_a_proxy_with_a_star(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["*"]

    assert client_address(request("192.0.2.50", "203.0.113.1")) == "203.0.113.1"


@pytest.mark.parametrize(
    "forwarded_for, expected",
    [
        ("198.51.100.7", "198.51.100.7"),  # shorter than the count: came in past a proxy
        ("", "127.0.0.1"),
        ("not-an-address", "127.0.0.1"),
        ("198.51.100.7:4711", "198.51.100.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
    ],
    ids=["short", "empty", "garbage", "port", "ipv6-port"],
)
def test_an_odd_forwarded_for_gives_an_address_not_an_error(settings, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_address(request("127.0.0.1", forwarded_for)) == expected


def test_limits_count_an_ipv6_client_by_its_network():
    first = limit_key(request("2001:db8:1:2::10"))
    second = limit_key(request("2001:db8:1:2:ffff::1"))

    assert first == second == "2001:db8:1:2::"
    assert limit_key(request("203.0.113.1")) == "203.0.113.1"
