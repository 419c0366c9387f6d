"""
Integration events: what one app announces to the others.

An event is a frozen dataclass of plain data with a versioned, app-prefixed
name, declared in the publishing app's ``events`` module::

    @dataclass(frozen=True)
    class PaymentSucceeded(Event):
        name: ClassVar[str] = "payments.PaymentSucceeded"
        version: ClassVar[int] = 1

        reference: str
        amount: Decimal

It travels as JSON: ``to_payload`` and ``from_payload`` convert it, so a
consumer in another process (or, later, another service) rebuilds the same
object. Consumers ignore keys they do not know, so adding a field with a
default is a compatible change; anything else is a new ``version``.
"""

import collections.abc
import dataclasses
import datetime
import types
import typing
import uuid
from decimal import Decimal
from typing import Any, ClassVar

PLAIN_SCALARS = (
    str,
    int,
    float,
    bool,
    Decimal,
    datetime.datetime,
    datetime.date,
    datetime.timedelta,
    uuid.UUID,
)


@dataclasses.dataclass(frozen=True)
class Event:
    name: ClassVar[str]
    version: ClassVar[int] = 1

    @classmethod
    def app_label(cls) -> str:
        """The publishing app: the part of ``name`` before the dot."""
        return cls.name.split(".", 1)[0]


def is_plain_type(tp, _seen: frozenset = frozenset()) -> bool:
    """
    True for the types public interfaces and events may carry: scalars,
    ``None``, frozen dataclasses of plain types, and tuples, lists, dicts and
    optionals of those. Model instances and querysets are not plain.
    """
    if tp is None or tp is type(None):
        return True
    if tp in PLAIN_SCALARS:
        return True
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        # A subclass that is not itself decorated would hide undeclared attributes.
        if "__dataclass_fields__" not in vars(tp) or not tp.__dataclass_params__.frozen:
            return False
        if tp in _seen:
            return True
        hints = typing.get_type_hints(tp)
        seen = _seen | {tp}
        return all(is_plain_type(hints[f.name], seen) for f in dataclasses.fields(tp))
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        return True
    if origin in (typing.Union, types.UnionType, tuple, list, dict) or (
        origin is not None and origin.__module__ == "collections.abc"
    ):
        return all(arg is Ellipsis or is_plain_type(arg, _seen) for arg in typing.get_args(tp))
    return False


def to_payload(value) -> Any:
    """A JSON-safe copy of an event (or any plain value inside it)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_payload(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_payload(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_payload(item) for key, item in value.items()}
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return value


def from_payload(cls, payload: dict):
    """Rebuild the dataclass ``cls`` from ``to_payload``'s output."""
    hints = typing.get_type_hints(cls)
    values = {
        field.name: _decode(hints[field.name], payload[field.name])
        for field in dataclasses.fields(cls)
        if field.init and field.name in payload
    }
    return cls(**values)


def _decode(tp, value):
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return _decode(next(arg for arg in args if arg is not type(None)), value)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item) for item in value)
        if args:
            return tuple(_decode(arg, item) for arg, item in zip(args, value, strict=True))
        return tuple(value)
    if origin is list or (origin is not None and origin.__module__ == "collections.abc"):
        if origin in (dict, collections.abc.Mapping):
            return {key: _decode(args[1] if args else Any, item) for key, item in value.items()}
        decoded = [_decode(args[0] if args else Any, item) for item in value]
        return decoded if origin is list else tuple(decoded)
    if origin is dict:
        return {key: _decode(args[1] if args else Any, item) for key, item in value.items()}
    if dataclasses.is_dataclass(tp):
        return from_payload(tp, value)
    if tp is datetime.datetime:
        return datetime.datetime.fromisoformat(value)
    if tp is datetime.date:
        return datetime.date.fromisoformat(value)
    if tp is datetime.timedelta:
        return datetime.timedelta(seconds=value)
    if tp in (Decimal, uuid.UUID):
        return tp(value)
    return value
