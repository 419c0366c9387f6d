"""
The calling side: ``shop.<app>.public`` for an app that runs elsewhere. The
module has the names of the real one (read by ``interface.stub``): its data
classes and exceptions are the app's own, and each function, with the same
signature, sends the call to the app's base URL.

- A refusal comes back as the app's exception with the same code
  (``errors.py``), or ``ShopError`` with that code if it has none by then.
- No answer within ``SHOP_REMOTE_TIMEOUT`` seconds, a connection refused or a
  5xx: a function marked ``@idempotent`` is sent again
  (``SHOP_REMOTE_RETRIES`` times, backing off); then, or at once for any
  other, ``ServiceUnavailable`` with the code ``<app>_unavailable`` (503).
"""

import functools
import importlib
import inspect
import json
import logging
import threading
import time
import types

import requests
from django.conf import settings

from shop.core import logcontext
from shop.core.errors import ServiceUnavailable, ShopError

from . import calls
from .interface import stub

logger = logging.getLogger(__name__)

BACKOFF = 0.2


def _error_classes(app: str) -> dict[str, type[ShopError]]:
    errors = importlib.import_module(f"shop.{app}.errors")
    return {
        cls.code: cls
        for cls in vars(errors).values()
        if isinstance(cls, type)
        and issubclass(cls, ShopError)
        and cls.__module__ == errors.__name__
    }


def _request_id_header() -> dict[str, str]:
    request_id = logcontext.current("request_id")
    return {logcontext.REQUEST_ID_HEADER: request_id} if request_id else {}


class RemoteApp:
    def __init__(self, app: str, base_url: str):
        self.app = app
        self.base_url = base_url.rstrip("/")
        self._local = threading.local()
        self._errors = None

    @property
    def session(self) -> requests.Session:
        """
        One ``requests.Session`` (its pool of kept-alive connections) per
        thread: a threaded gunicorn worker serves requests side by side, and
        a session is not meant to be shared between threads.
        """
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def errors(self) -> dict[str, type[ShopError]]:
        if self._errors is None:
            self._errors = _error_classes(self.app)
        return self._errors

    def unavailable(self, why: str) -> ServiceUnavailable:
        logger.error("The %s service is unavailable: %s", self.app, why)
        return ServiceUnavailable(
            f"The {self.app} service is not reachable right now. Please try again.",
            code=f"{self.app}_unavailable",
            service=self.app,
        )

    def call(self, function, arguments: dict):
        name = function.__name__
        body = json.dumps({"arguments": calls.dump_arguments(function, arguments)}).encode()
        attempts = 1 + (
            settings.SHOP_REMOTE_RETRIES if getattr(function, "__idempotent__", False) else 0
        )
        for attempt in range(attempts):
            if attempt:
                time.sleep(BACKOFF * 2 ** (attempt - 1))
            try:
                response = self.session.post(
                    self.base_url + calls.path(self.app, name),
                    data=body,
                    headers={
                        "Content-Type": "application/json",
                        calls.HEADER: calls.sign(self.app, name, body),
                        # The service's lines for this call carry the caller's request id.
                        **_request_id_header(),
                    },
                    timeout=settings.SHOP_REMOTE_TIMEOUT,
                )
            except requests.RequestException as error:
                logger.warning("%s.%s: no answer (%s)", self.app, name, error)
                continue
            if response.status_code >= 500:
                logger.warning("%s.%s: %s from the service", self.app, name, response.status_code)
                continue
            return self._answer(function, response)
        raise self.unavailable(f"{name} got no answer")

    def _answer(self, function, response):
        try:
            payload = response.json()
        except ValueError:
            raise self.unavailable("the answer is not JSON") from None
        if response.status_code == 200:
            return calls.load_result(function, payload.get("result"))
        code = str(payload.get("code") or "invalid")
        detail = str(payload.get("detail") or "")
        extra = payload.get("extra") or {}
        cls = self.errors().get(code)
        if cls is None:
            error = ShopError(detail, code=code, **extra)
            error.status_code = response.status_code
            raise error
        raise cls.from_remote(detail, code, extra)


def remote_module(app: str, base_url: str) -> types.ModuleType:
    """A stand-in for ``shop.<app>.public`` whose functions call ``base_url``."""
    interface = stub(app)
    remote = RemoteApp(app, base_url)
    module = types.ModuleType(interface.__name__, interface.__doc__)
    module.__all__ = list(interface.__all__)
    module.remote = remote
    for name in interface.__all__:
        value = getattr(interface, name)
        module.__dict__[name] = (
            _remote_function(remote, value) if inspect.isfunction(value) else value
        )
    return module


def _remote_function(remote: RemoteApp, declared):
    signature = inspect.signature(declared)

    @functools.wraps(declared)
    def call(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        return remote.call(declared, dict(bound.arguments))

    return call
