"""
What travels between services: a call to ``/internal/<app>/<function>/``
carries the arguments as JSON, serialised from the function's type hints
(pydantic's ``TypeAdapter``, so a ``Decimal`` stays a ``Decimal`` and a
dataclass of ``data.py`` comes back as that dataclass), and a signature in
the ``X-Shop-Service`` header: Django's signing of the caller's name, the
function and a digest of the body with ``SHOP_SERVICE_SECRET``, valid for
``MAX_AGE`` seconds. An answer is ``{"result": ...}`` or the refusal
``{"code", "detail", "extra"}`` with its HTTP status.
"""

import hashlib
import inspect
import typing
from functools import cache

from django.conf import settings
from django.core import signing
from pydantic import TypeAdapter

HEADER = "X-Shop-Service"
SALT = "shop.core.remote"
MAX_AGE = 60
PREFIX = "internal"


def path(app: str, function: str) -> str:
    return f"/{PREFIX}/{app}/{function}/"


def _secret() -> str:
    return settings.SHOP_SERVICE_SECRET


def sign(app: str, function: str, body: bytes) -> str:
    """The caller's signature of one call."""
    return signing.dumps(
        {
            "caller": settings.SHOP_SERVICE_NAME,
            "call": f"{app}.{function}",
            "body": hashlib.sha256(body).hexdigest(),
        },
        key=_secret(),
        salt=SALT,
    )


def verified_caller(signature: str, app: str, function: str, body: bytes) -> str | None:
    """The calling service's name if ``signature`` is good for this call; else ``None``."""
    if not signature:
        return None
    try:
        signed = signing.loads(signature, key=_secret(), salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if signed.get("call") != f"{app}.{function}":
        return None
    if signed.get("body") != hashlib.sha256(body).hexdigest():
        return None
    return str(signed.get("caller") or "")


@cache
def _adapters(function) -> tuple[dict[str, TypeAdapter], TypeAdapter]:
    hints = typing.get_type_hints(function)
    parameters = {name: TypeAdapter(hints[name]) for name in inspect.signature(function).parameters}
    return parameters, TypeAdapter(hints.get("return", typing.Any))


def dump_arguments(function, arguments: dict) -> dict:
    parameters, _result = _adapters(function)
    return {
        name: parameters[name].dump_python(value, mode="json") for name, value in arguments.items()
    }


def load_arguments(function, payload: dict) -> dict:
    """The arguments as the function takes them; raises pydantic's ``ValidationError``."""
    parameters, _result = _adapters(function)
    unknown = set(payload) - set(parameters)
    if unknown:
        raise TypeError(f"unknown arguments {sorted(unknown)}")
    return {name: parameters[name].validate_python(value) for name, value in payload.items()}


def dump_result(function, value):
    return _adapters(function)[1].dump_python(value, mode="json")


def load_result(function, payload):
    return _adapters(function)[1].validate_python(payload)
