"""
Checkers for the rule that apps talk in plain data: what another app's
``public`` module offers and what its ``events`` module announces.
"""

import dataclasses
import inspect
import types
import typing

from shop.core.events import Event, is_plain_type


def _offered(module: types.ModuleType):
    """What the module offers: its ``__all__``, or else every name of the app's own it binds."""
    if hasattr(module, "__all__"):
        yield from ((name, getattr(module, name)) for name in module.__all__)
        return
    app = module.__name__.rpartition(".")[0]
    for name, obj in vars(module).items():
        origin = getattr(obj, "__module__", None) or ""
        if not name.startswith("_") and (origin == module.__name__ or origin.startswith(app + ".")):
            yield name, obj


def _hints(obj) -> dict:
    try:
        return typing.get_type_hints(obj)
    except (NameError, TypeError) as error:
        raise ValueError(f"annotations cannot be resolved ({error})") from error


def function_problems(name: str, function) -> list[str]:
    try:
        hints = _hints(function)
    except ValueError as error:
        return [f"{name}: {error}"]
    problems = []
    for parameter in inspect.signature(function).parameters:
        if parameter not in hints:
            problems.append(f"{name}: parameter {parameter} is not annotated")
        elif not is_plain_type(hints[parameter]):
            problems.append(f"{name}: parameter {parameter} is {hints[parameter]!r}, not plain")
    if "return" not in hints:
        problems.append(f"{name}: the return is not annotated")
    elif not is_plain_type(hints["return"]):
        problems.append(f"{name}: returns {hints['return']!r}, not plain")
    return problems


def dataclass_problems(name: str, cls: type) -> list[str]:
    if "__dataclass_fields__" not in vars(cls) or not cls.__dataclass_params__.frozen:
        return [f"{name}: is not a frozen dataclass"]
    try:
        hints = _hints(cls)
    except ValueError as error:
        return [f"{name}: {error}"]
    return [
        f"{name}: field {field.name} is {hints[field.name]!r}, not plain"
        for field in dataclasses.fields(cls)
        if not is_plain_type(hints[field.name])
    ]


def interface_problems(module: types.ModuleType) -> list[str]:
    """What in ``module`` hands another app something other than plain data."""
    problems = []
    for name, obj in _offered(module):
        if inspect.isfunction(obj):
            problems += function_problems(name, obj)
        elif inspect.isclass(obj) and issubclass(obj, Exception):
            continue
        elif inspect.isclass(obj) and dataclasses.is_dataclass(obj):
            problems += dataclass_problems(name, obj)
        elif inspect.isclass(obj):
            problems.append(f"{name}: a class other than a frozen dataclass or an exception")
    return problems


def event_problems(module: types.ModuleType, app: str) -> list[str]:
    """What in an app's ``events`` module is not a plain, frozen event named after ``app``."""
    problems = []
    for name, obj in vars(module).items():
        if not (inspect.isclass(obj) and issubclass(obj, Event) and obj is not Event):
            continue
        if obj.__module__ != module.__name__:
            continue
        problems += dataclass_problems(name, obj)
        event_name = getattr(obj, "name", None)
        if not (isinstance(event_name, str) and event_name.startswith(f"{app}.")):
            problems.append(f"{name}: its name {event_name!r} does not start with {app!r}.")
    return problems
