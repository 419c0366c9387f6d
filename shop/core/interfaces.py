"""
Boundary rule 2 at run time: a public function returns what its annotation
says, in plain data. An annotation can claim ``VariantInfo`` while the code
hands back a model instance or a queryset; only the value shows it.

``checked(function)`` wraps a public function so every value it returns is
compared with its return annotation, all the way down (a tuple of frozen
dataclasses whose fields hold plain values); a mismatch raises
``InterfaceViolation``. The test suite wraps every function of every app's
``public.__all__`` this way for the whole run (``tests/conftest.py``), so any
test that goes through an interface checks it.
"""

import collections.abc
import dataclasses
import functools
import inspect
import types
import typing
from typing import Any

from .events import PLAIN_SCALARS


def idempotent(function):
    """
    Mark a public function as safe to call again with the same arguments (a
    read, or a write keyed by its caller): a remote call of it
    (``shop.core.remote``) is retried when the service does not answer; any
    other is sent once.
    """
    function.__idempotent__ = True
    return function


class InterfaceViolation(TypeError):
    """A public function returned something its annotation does not promise, or not plain."""


def value_problems(value: Any, tp: Any, where: str = "the value") -> list[str]:
    """Why ``value`` is not a plain value of type ``tp`` (empty when it is)."""
    if tp is Any:
        return [f"{where} is annotated Any, which says nothing"]
    if tp is None or tp is type(None):
        return [] if value is None else [f"{where} is {_shown(value)}, not None"]
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Literal:
        return [] if value in args else [f"{where} is {value!r}, not one of {args}"]
    if origin in (typing.Union, types.UnionType):
        options = [value_problems(value, arg, where) for arg in args]
        if any(not problems for problems in options):
            return []
        return [f"{where} is {_shown(value)}, none of {tp}"]
    if tp in PLAIN_SCALARS:
        if isinstance(value, tp) and not (tp is int and isinstance(value, bool)):
            return []
        return [f"{where} is {_shown(value)}, not {tp.__name__}"]
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_problems(value, tp, where)
    if origin is tuple:
        if not isinstance(value, tuple):
            return [f"{where} is {_shown(value)}, not a tuple"]
        if len(args) == 2 and args[1] is Ellipsis:
            return _items(value, args[0], where)
        if len(args) != len(value):
            return [f"{where} has {len(value)} items, not {len(args)}"]
        return [
            problem
            for index, (item, arg) in enumerate(zip(value, args, strict=True))
            for problem in value_problems(item, arg, f"{where}[{index}]")
        ]
    if origin is list:
        if not isinstance(value, list):
            return [f"{where} is {_shown(value)}, not a list"]
        return _items(value, args[0] if args else Any, where)
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(value, collections.abc.Mapping) or _is_django(value):
            return [f"{where} is {_shown(value)}, not a mapping"]
        key_type, item_type = args or (Any, Any)
        problems = []
        for key, item in value.items():
            problems += value_problems(key, key_type, f"a key of {where}")
            problems += value_problems(item, item_type, f"{where}[{key!r}]")
        return problems
    if origin in (collections.abc.Sequence, collections.abc.Iterable, collections.abc.Collection):
        if not isinstance(value, (tuple, list)):
            return [f"{where} is {_shown(value)}, not a tuple or list"]
        return _items(value, args[0] if args else Any, where)
    return [f"{where} is annotated {tp!r}, which is not a plain type"]


def _items(values, tp, where: str) -> list[str]:
    return [
        problem
        for index, item in enumerate(values)
        for problem in value_problems(item, tp, f"{where}[{index}]")
    ]


def _dataclass_problems(value, tp, where: str) -> list[str]:
    if not isinstance(value, tp):
        return [f"{where} is {_shown(value)}, not a {tp.__name__}"]
    if not type(value).__dataclass_params__.frozen:
        return [f"{where} is a {type(value).__name__} that is not frozen"]
    hints = typing.get_type_hints(type(value))
    return [
        problem
        for field in dataclasses.fields(value)
        for problem in value_problems(
            getattr(value, field.name), hints[field.name], f"{where}.{field.name}"
        )
    ]


def _is_django(value) -> bool:
    module = type(value).__module__ or ""
    return module.startswith("django.")


def _shown(value) -> str:
    kind = type(value)
    return f"a {kind.__module__}.{kind.__qualname__}"


def checked(function):
    """``function``, raising ``InterfaceViolation`` when it returns other than its annotation."""
    if getattr(function, "__interface_checked__", False):
        return function
    return_type = typing.get_type_hints(function).get("return", Any)
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        result = function(*args, **kwargs)
        problems = value_problems(result, return_type, f"what {name}() returned")
        if problems:
            raise InterfaceViolation("; ".join(problems))
        return result

    wrapper.__interface_checked__ = True
    wrapper.__signature__ = inspect.signature(function)
    return wrapper
