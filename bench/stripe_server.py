"""
The tests' fake Stripe (``tests/payments/fake_stripe.py``) as a process of
its own, for the purchase benchmarks: gunicorn and the Celery worker call its
API like Stripe's, and the benchmark, playing the customer, pays with
``POST /_bench/pay/<checkout session id>``, which answers the
``checkout.session.completed`` event Stripe would send (unsigned: the
benchmark signs it and posts it to the shop's webhook, as Stripe would).

    python bench/stripe_server.py     # prints its base URL, then serves until terminated

Used through ``StripeProcess``; its own process keeps it off the GIL of the
benchmark's clients.
"""

import re
import subprocess
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.stack import ARTIFACTS, PYTHON, ROOT
from tests.payments.fake_stripe import SECRET_KEY, WEBHOOK_SECRET, FakeStripe

PAY = re.compile(r"/_bench/pay/([^/]+)")


class BenchStripe(FakeStripe):
    """The fake, plus a route for the customer's side: pay a session, get the event."""

    def _route(self, method, path, params) -> dict:
        paid = PAY.fullmatch(path)
        if paid and method == "POST":
            return self.event("checkout.session.completed", self.pay(paid.group(1)))
        return super()._route(method, path, params)

    def start(self) -> "BenchStripe":
        # Hundreds of buyers connect at once; the standard library's default
        # listen backlog (5) would drop their SYNs and add 1 s retransmits.
        ThreadingHTTPServer.request_queue_size = 1024
        return super().start()


class StripeProcess:
    """``with StripeProcess() as stripe:`` the fake running; ``stripe.settings()`` for the shop."""

    def __enter__(self) -> "StripeProcess":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [PYTHON, str(Path(__file__).resolve())],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.process.kill()
            raise SystemExit("the fake Stripe server did not start")
        return self

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def settings(self) -> dict:
        return {
            "STRIPE_SECRET_KEY": SECRET_KEY,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": self.url,
        }


def main():
    fake = BenchStripe().start()
    print(fake.url, flush=True)
    threading.Event().wait()  # until terminated


if __name__ == "__main__":
    main()
