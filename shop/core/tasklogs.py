"""
Logs of Celery's processes: the worker and beat write through the settings'
``LOGGING`` (plain or JSON, like the web), and a record made inside a task
carries the task's name and id, the event it consumes (a consumer's first
argument is the event's envelope, ``shop.core.messaging``) and the id of
the request that led to it.

The request id rides in a header of each task message sent while a request
(or a task that has one) is being handled: the outbox's relay right after a
request's commit, and a consumer's own events after that. An event the
periodic relay sends later was left by its request, so its tasks carry no
request id; the trace id links them (docs/operations.md, "Logs").
"""

import copy
import logging
import logging.config
import os
import sys

from celery import signals
from celery.apps import worker as celery_worker
from django.conf import settings

from . import logcontext
from .logformat import JsonFormatter

# The header of a task message that holds the id of the request that sent it.
MESSAGE_HEADER = "shop_request_id"

_bound: dict[str, object] = {}


@signals.setup_logging.connect(dispatch_uid="shop.core.tasklogs.setup_logging")
def configure_logging(loglevel=None, logfile=None, **kwargs) -> None:
    """
    Celery's ``setup_logging``: instead of its own handlers and format, the
    settings' ``LOGGING``, at the level of ``--loglevel`` and into
    ``--logfile`` when given (as Celery would have).
    """
    config = copy.deepcopy(settings.LOGGING)
    if logfile:
        for handler in config["handlers"].values():
            if handler.get("class") == "logging.StreamHandler":
                handler.pop("stream", None)
                handler.update({"class": "logging.FileHandler", "filename": logfile})
    if loglevel:
        config["root"]["level"] = logging.getLevelName(loglevel)
    logging.config.dictConfig(config)


@signals.celeryd_init.connect(dispatch_uid="shop.core.tasklogs.celeryd_init")
def leave_out_banner(instance=None, **kwargs) -> None:
    """
    With JSON logs a worker prints no banner, and what its signal handlers
    say ("worker: Warm shutdown (MainProcess)") is written as JSON: every
    line it writes is JSON.
    """
    if settings.LOG_FORMAT == "json" and instance is not None:
        instance.quiet = True
        celery_worker.safe_say = say_as_json


def say_as_json(message: str, file=sys.__stderr__) -> None:
    """
    Celery's ``safe_say`` (used in signal handlers) as one JSON line: the
    record is formatted without taking the logging module's locks, which the
    interrupted code may hold, and written with one ``os.write``, as Celery does.
    """
    record = logging.LogRecord(
        "celery.apps.worker", logging.WARNING, __file__, 0, message, None, None
    )
    line = JsonFormatter(service=settings.SHOP_SERVICE_NAME).format(record)
    os.write(file.fileno(), f"{line}\n".encode())


@signals.before_task_publish.connect(dispatch_uid="shop.core.tasklogs.before_task_publish")
def carry_request_id(headers=None, **kwargs) -> None:
    request_id = logcontext.current("request_id")
    if request_id and headers is not None:
        headers.setdefault(MESSAGE_HEADER, request_id)


@signals.task_prerun.connect(dispatch_uid="shop.core.tasklogs.task_prerun")
def bind_task(task_id=None, task=None, args=None, **kwargs) -> None:
    fields = {"task_name": task.name, "task_id": task_id}
    envelope = args[0] if args else None
    if isinstance(envelope, dict) and "id" in envelope and "name" in envelope:
        fields["event_name"] = str(envelope["name"])
        fields["event_id"] = str(envelope["id"])
    sent = (getattr(task.request, "headers", None) or {}).get(MESSAGE_HEADER)
    if request_id := logcontext.sane_request_id(sent):
        fields["request_id"] = request_id
    scope = logcontext.bound(**fields)
    scope.__enter__()
    _bound[task_id] = scope


@signals.task_postrun.connect(dispatch_uid="shop.core.tasklogs.task_postrun")
def unbind_task(task_id=None, **kwargs) -> None:
    scope = _bound.pop(task_id, None)
    if scope is not None:
        scope.__exit__(None, None, None)
