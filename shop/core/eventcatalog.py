"""
The event catalog: which events exist, their versions, and which consumer
tasks receive each. It is declared data (``config/events.toml``, named by the
``SHOP_EVENT_CATALOG`` setting), not something discovered by importing the
consumers: the outbox relay reads the subscribers of an event here, so a
publisher delivers to another app's queue without importing that app's code.
An event's ``on_demand`` consumers receive it only while their service wants
it (``demand``, decision 0049).

``checks.py`` holds it to the code: every published event has an entry with
its class's version, every declared consumer exists and consumes that event,
every consumer is declared.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class UndeclaredEvent(ImproperlyConfigured):
    """An event without an entry in the catalog cannot be published: nobody would hear it."""


@dataclass(frozen=True)
class Entry:
    name: str
    version: int
    consumers: tuple[str, ...]
    private: bool = False
    # Consumers sent the event only while their service wants it (``demand``).
    on_demand: tuple[str, ...] = ()
    # Declared by code at run time (``declare``: events that exist only in tests), not the file.
    runtime: bool = False

    @property
    def every_consumer(self) -> tuple[str, ...]:
        """The consumers always sent the event, then those sent it on demand."""
        return self.consumers + self.on_demand

    @property
    def publisher(self) -> str:
        """The app whose outbox carries the event: the part of its name before the dot."""
        return self.name.split(".", 1)[0]


KEYS = frozenset({"version", "consumers", "on_demand", "private"})

# Entries for events that exist only in tests (``declare``).
_declared: dict[str, Entry] = {}


def catalog_path() -> Path:
    return Path(settings.SHOP_EVENT_CATALOG)


@cache
def _load(path: Path) -> dict[str, Entry]:
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ImproperlyConfigured(f"The event catalog {path} cannot be read: {error}") from None
    return {name: _entry(path, name, table) for name, table in data.items()}


def _entry(path: Path, name: str, table) -> Entry:
    app, _, event = name.partition(".")
    problem = None
    if not (app and event and isinstance(table, dict)):
        problem = 'it must be a table named "<app>.<EventName>"'
    elif not isinstance(table.get("version"), int) or table["version"] < 1:
        problem = "its version must be a whole number from 1"
    elif not isinstance(table.get("consumers"), list) or not all(
        isinstance(task, str) and "." in task for task in table["consumers"]
    ):
        problem = 'its consumers must be a list of task names "<app>.<verb>" ([] for none)'
    elif not isinstance(table.get("on_demand", []), list) or not all(
        isinstance(task, str) and "." in task for task in table.get("on_demand", [])
    ):
        problem = 'on_demand must be a list of task names "<app>.<verb>"'
    elif set(table.get("on_demand", [])) & set(table["consumers"]):
        problem = "a consumer is either always sent the event or on demand, not both"
    elif not isinstance(table.get("private", False), bool):
        problem = "private must be true or false"
    elif set(table) - KEYS:
        problem = f"it has unknown keys {sorted(set(table) - KEYS)}"
    if problem:
        raise ImproperlyConfigured(f"Event catalog {path}, entry {name!r}: {problem}.")
    return Entry(
        name=name,
        version=table["version"],
        consumers=tuple(table["consumers"]),
        private=table.get("private", False),
        on_demand=tuple(table.get("on_demand", ())),
    )


def entries() -> dict[str, Entry]:
    """Every declared event by name."""
    return {**_load(catalog_path()), **_declared}


def entry(event_name: str) -> Entry:
    """The entry of ``event_name``; raises ``UndeclaredEvent`` when it has none."""
    try:
        return entries()[event_name]
    except KeyError:
        raise UndeclaredEvent(
            f"The event {event_name!r} is not in the event catalog ({catalog_path()}): "
            "declare its version and consumers there before publishing it."
        ) from None


def subscribers(event_name: str) -> tuple[str, ...]:
    """The consumer tasks always sent ``event_name`` (none for an undeclared event)."""
    found = entries().get(event_name)
    return found.consumers if found else ()


def on_demand(event_name: str) -> tuple[str, ...]:
    """The consumer tasks sent ``event_name`` while their service wants it (``demand``)."""
    found = entries().get(event_name)
    return found.on_demand if found else ()


def declare(
    name: str, *, version: int = 1, consumers=(), private: bool = False, on_demand=()
) -> Entry:
    """
    Add an entry at run time, for events that exist only in tests (a test
    module declares its own, in every process that imports it).
    """
    declared = Entry(
        name=name,
        version=version,
        consumers=tuple(consumers),
        private=private,
        on_demand=tuple(on_demand),
        runtime=True,
    )
    _declared[name] = declared
    return declared


def services() -> frozenset[str]:
    """Every service the catalog names, as a publisher or as a consumer's app."""
    return frozenset(
        app
        for entry in entries().values()
        for app in (entry.publisher, *(task.split(".", 1)[0] for task in entry.every_consumer))
    )
