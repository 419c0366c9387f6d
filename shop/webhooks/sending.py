"""
One HTTP POST to an endpoint: to the address checked for it (``addresses``,
no second DNS lookup), with the URL's host in ``Host`` and, over TLS, in SNI
and the certificate check; never following a redirect; within
``WEBHOOKS_TIMEOUT`` seconds to connect and between reads; reading at most
the first KB of the answer.
"""

import time
from dataclasses import dataclass

import certifi
import urllib3
from django.conf import settings

from . import addresses

EXCERPT_BYTES = 1024
USER_AGENT = "Shop-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    duration_ms: int
    excerpt: str
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _pool(target: addresses.Target, timeout: urllib3.Timeout):
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.address,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(target.address, target.port, timeout=timeout, retries=False)


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body`` to ``url`` once; what came of it (never raises for the endpoint's sake)."""
    started = time.monotonic()
    try:
        target = addresses.check(url)
    except addresses.UnsafeURL as refused:
        return Outcome(None, 0, "", f"{refused.code}: {refused.detail}"[:500])
    default_port = 443 if target.scheme == "https" else 80
    host = target.host if target.port == default_port else f"{target.host}:{target.port}"
    if ":" in target.host:
        host = (
            f"[{target.host}]" if target.port == default_port else f"[{target.host}]:{target.port}"
        )
    timeout = urllib3.Timeout(connect=settings.WEBHOOKS_TIMEOUT, read=settings.WEBHOOKS_TIMEOUT)
    pool = _pool(target, timeout)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={
                "Host": host,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                **headers,
            },
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            excerpt = response.read(EXCERPT_BYTES, decode_content=False)
        finally:
            response.release_conn()
            response.close()
        return Outcome(
            response.status,
            _since(started),
            excerpt.decode("utf-8", errors="replace"),
            "",
        )
    except (urllib3.exceptions.HTTPError, OSError) as failed:
        return Outcome(None, _since(started), "", f"{type(failed).__name__}: {failed}"[:500])
    finally:
        pool.close()


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
