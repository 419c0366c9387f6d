"""
Remote calls answered by this process: a ``requests`` transport that hands
each request to Django's test client, as another deployment's server would
get it (its headers and body, none of this process's trace context), and
keeps what was sent.
"""

import contextlib
from decimal import Decimal

import requests
from django.test import Client
from opentelemetry import context

from shop.core.remote.client import remote_module
from shop.payments import public as payments

BASE_URL = "http://payments.internal"


class LoopbackAdapter(requests.adapters.BaseAdapter):
    def __init__(self):
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.sent.append(request)
        path = request.url.removeprefix(BASE_URL)
        with _another_process():
            answer = Client().generic(
                request.method,
                path,
                data=request.body,
                content_type=request.headers["Content-Type"],
                headers={k: v for k, v in request.headers.items() if k.lower() != "content-type"},
            )
        response = requests.Response()
        response.status_code = answer.status_code
        response._content = answer.content
        response.headers.update(dict(answer.items()))
        response.request, response.url = request, request.url
        return response

    def close(self):
        pass


@contextlib.contextmanager
def _another_process():
    token = context.attach(context.Context())
    try:
        yield
    finally:
        context.detach(token)


def remote_payments():
    """payments' public module as another deployment calls it, and the transport it uses."""
    module = remote_module("payments", BASE_URL)
    adapter = LoopbackAdapter()
    module.remote.session.mount(BASE_URL, adapter)
    return module, adapter


def a_payment():
    return payments.create_payment(
        reference="checkout-1",
        amount=Decimal("10.00"),
        user_id=None,
        description="",
        return_url="http://testserver/back/",
        cancel_url="http://testserver/back/",
    )
