"""
Server-side request forgery: an endpoint may only be a public https address,
at registration and at every attempt, unless the settings allow others.
"""

import socket

import pytest

from shop.webhooks import addresses, sending
from shop.webhooks.errors import UnsafeURL

REFUSED = [
    "https://127.0.0.1/",
    "https://127.1.2.3/",
    "https://10.0.0.5/",
    "https://172.16.0.1/",
    "https://192.168.1.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://100.64.0.1/",
    "https://224.0.0.1/",
    "https://240.0.0.1/",
    "https://0.0.0.0/",
    "https://255.255.255.255/",
    "https://[::1]/",
    "https://[::]/",
    "https://[fc00::1]/",
    "https://[fd12:3456::1]/",
    "https://[fec0::1]/",
    "https://[fe80::1]/",
    "https://[ff02::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:169.254.169.254]/",
    "https://[64:ff9b::a00:1]/",
    "https://[2002:7f00:1::]/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_a_url_on_an_address_that_is_not_public_is_refused(url):
    with pytest.raises(UnsafeURL) as refused:
        addresses.check(url)

    assert refused.value.code == "webhook_url_forbidden_address"


def resolving_to(monkeypatch, *found):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in found]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_name_that_resolves_to_loopback_is_refused(monkeypatch):
    resolving_to(monkeypatch, "127.0.0.1")

    with pytest.raises(UnsafeURL) as refused:
        addresses.check("https://hooks.attacker.example/")

    assert refused.value.code == "webhook_url_forbidden_address"


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    resolving_to(monkeypatch, "93.184.215.14", "10.1.2.3")

    with pytest.raises(UnsafeURL):
        addresses.check("https://hooks.example/")


def test_a_public_address_is_the_one_connected_to(monkeypatch):
    resolving_to(monkeypatch, "93.184.215.14")

    target = addresses.check("https://hooks.example:8443/in?x=1")

    assert (target.address, target.host, target.port, target.path) == (
        "93.184.215.14",
        "hooks.example",
        8443,
        "/in?x=1",
    )


def test_plain_http_is_refused_unless_allowed(monkeypatch, settings):
    resolving_to(monkeypatch, "93.184.215.14")
    with pytest.raises(UnsafeURL) as refused:
        addresses.check("http://hooks.example/")
    assert refused.value.code == "webhook_url_not_https"

    settings.WEBHOOKS_ALLOW_HTTP = True
    assert addresses.check("http://hooks.example/").port == 80


@pytest.mark.parametrize(
    "url", ["ftp://hooks.example/", "https:///nohost", "https://user:pw@hooks.example/", "hooks"]
)
def test_a_url_that_is_not_an_absolute_http_url_is_refused(url):
    with pytest.raises(UnsafeURL) as refused:
        addresses.check(url)

    assert refused.value.code == "webhook_url_invalid"


def test_a_host_without_an_address_is_refused(monkeypatch):
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror("no such name")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    with pytest.raises(UnsafeURL) as refused:
        addresses.check("https://nowhere.example/")

    assert refused.value.code == "webhook_url_unresolvable"


def test_loopback_is_allowed_when_the_setting_says_so(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True

    assert addresses.check("https://127.0.0.1:9/").address == "127.0.0.1"


def test_an_attempt_checks_the_address_again_and_sends_nothing_to_a_refused_one(monkeypatch):
    connected = []
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: connected.append(a))
    resolving_to(monkeypatch, "169.254.169.254")

    outcome = sending.post("https://metadata.example/", b"{}", {})

    assert not outcome.succeeded
    assert outcome.error.startswith("webhook_url_forbidden_address")
    assert connected == []


def test_a_redirect_is_not_followed(receiver):
    receiver.status = 302

    outcome = sending.post(receiver.url, b"{}", {})

    assert outcome.status_code == 302
    assert not outcome.succeeded
    assert len(receiver.received) == 1
