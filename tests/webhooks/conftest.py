"""
A receiver on loopback (``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES`` and
``WEBHOOKS_ALLOW_HTTP`` on for it), answering each POST with the status the
test sets and keeping what it got, and an endpoint registered to it.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import current_app

from shop.webhooks.services import endpoints


@pytest.fixture(autouse=True)
def tasks_in_process(monkeypatch):
    """
    Deliveries are sent by this process, even with a real broker and worker
    (make services-test): the receiver and the settings that allow it are here.
    """
    monkeypatch.setattr(current_app.conf, "task_always_eager", True)


class Receiver:
    def __init__(self):
        self.received: list[dict] = []
        self.status = 200
        self.answer = b"thanks"
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                self.send_response(receiver.status)
                self.send_header("Content-Length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiving(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_TIMEOUT = 5.0


@pytest.fixture
def receiver(receiving):
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def endpoint(receiver):
    return endpoints.create(receiver.url, ["order.placed", "stock.low"], description="ERP")
