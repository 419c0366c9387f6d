"""
Boundary rule 5, held to the code: the event catalog (``config/events.toml``)
says what is published and who hears it, and it must be true.

- ``shop.E020`` an event class of the shop has no catalog entry (publishing it
  would fail), or its version differs from the entry's;
- ``shop.E021`` an integration event is not in its app's ``events`` module, a
  private message is, or a private message has another app's consumer;
- ``shop.E022`` a declared consumer of an installed app does not exist, does
  not consume that event, or does not know the declared version;
- ``shop.E023`` a consumer task is not declared for its event (it would never
  be sent anything, which looks just like working code);
- ``shop.E024`` an entry of an installed app names an event that no class
  defines.
"""

from celery import current_app
from django.core import checks

from .. import eventcatalog
from ..events import Event
from ..registry import shop_app_labels


def _subclasses(cls) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def shop_events() -> dict[str, type[Event]]:
    """Every event class defined in the shop's code (tests' own events are not)."""
    return {
        cls.name: cls
        for cls in _subclasses(Event)
        if cls.__module__.startswith("shop.") and isinstance(getattr(cls, "name", None), str)
    }


def consumer_tasks() -> dict:
    """Celery tasks made by ``@consumer``, by name."""
    return {
        name: task
        for name, task in current_app.tasks.items()
        if getattr(task, "event_name", None) is not None
    }


def _error(message: str, error_id: str, hint: str | None = None) -> checks.Error:
    return checks.Error(message, hint=hint or "See config/events.toml.", id=error_id)


def catalog_problems(
    entries: dict[str, eventcatalog.Entry],
    events: dict[str, type[Event]],
    tasks: dict,
    installed: set[str],
) -> list[checks.Error]:
    errors = []
    for name, cls in sorted(events.items()):
        entry = entries.get(name)
        if entry is None:
            errors.append(
                _error(
                    f"The event {name} ({cls.__module__}) is not in the event catalog.", "shop.E020"
                )
            )
            continue
        if entry.version != cls.version:
            errors.append(
                _error(
                    f"The event {name} is version {cls.version} in {cls.__module__} but "
                    f"{entry.version} in the event catalog.",
                    "shop.E020",
                )
            )
        events_module = f"shop.{entry.publisher}.events"
        if not entry.private and cls.__module__ != events_module:
            errors.append(
                _error(
                    f"The integration event {name} is defined in {cls.__module__}, not in "
                    f"{events_module}.",
                    "shop.E021",
                    hint="Other apps may only import an app's events module.",
                )
            )
        if entry.private and cls.__module__ == events_module:
            errors.append(
                _error(
                    f"The private message {name} is defined in {events_module}, the module of "
                    "events other apps may hear.",
                    "shop.E021",
                    hint="Move it to a private module of its app (messages.py).",
                )
            )
    for name, entry in sorted(entries.items()):
        if entry.publisher in installed and name not in events and not entry.runtime:
            errors.append(
                _error(f"The event catalog declares {name}, which no class defines.", "shop.E024")
            )
        for task_name in entry.every_consumer:
            consumer_app = task_name.split(".", 1)[0]
            if entry.private and consumer_app != entry.publisher:
                errors.append(
                    _error(
                        f"The private message {name} of {entry.publisher} is consumed by "
                        f"{task_name}.",
                        "shop.E021",
                        hint="Make it an integration event (events.py, private = false).",
                    )
                )
            if consumer_app not in installed:
                continue
            task = tasks.get(task_name)
            if task is None:
                errors.append(
                    _error(
                        f"{task_name}, declared as a consumer of {name}, does not exist.",
                        "shop.E022",
                        hint=(
                            "Define it with @consumer in the app's tasks and import that module "
                            "in the app's AppConfig.ready(), or fix the catalog."
                        ),
                    )
                )
            elif task.event_name != name:
                errors.append(
                    _error(
                        f"{task_name}, declared as a consumer of {name}, consumes "
                        f"{task.event_name}.",
                        "shop.E022",
                    )
                )
            elif entry.version not in task.event_versions:
                errors.append(
                    _error(
                        f"{task_name} knows versions {task.event_versions} of {name}, not the "
                        f"catalog's version {entry.version}.",
                        "shop.E022",
                    )
                )
    for task_name, task in sorted(tasks.items()):
        entry = entries.get(task.event_name)
        if task_name.split(".", 1)[0] in installed and (
            entry is None or task_name not in entry.every_consumer
        ):
            errors.append(
                _error(
                    f"The consumer {task_name} of {task.event_name} is not declared in the event "
                    "catalog, so nothing would ever be sent to it.",
                    "shop.E023",
                )
            )
    return errors


def check_event_catalog(app_configs=None, **kwargs):
    return catalog_problems(
        eventcatalog.entries(), shop_events(), consumer_tasks(), set(shop_app_labels())
    )
