"""
How a log record is written: ``PlainFormatter``, a readable line for
development, or ``JsonFormatter``, one JSON object a line for a log
collector (``LOG_FORMAT=json``). Both write the context ``logcontext`` put
on the record, and both blank email addresses wherever they appear (a
message, an exception from a mail server, a traceback): the shop logs ids,
not people.

Needs no settings, so gunicorn's master process can use it before the
application is loaded (``gunicorn_logconfig``).
"""

import logging
import re
from datetime import UTC, datetime

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from .logcontext import FIELDS

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
EMAIL_REPLACEMENT = "[email]"

# Shown in a plain line, in this order and under these names, when known.
PLAIN_CONTEXT = (
    ("request_id", "request"),
    ("user_id", "user"),
    ("task_name", "task"),
    ("event_name", "event"),
    ("event_id", "event_id"),
)

# What other libraries put on their records that a JSON line leaves out:
# Django's and runserver's request objects (their text is the full path with
# its query string, where a link's key may be), Celery's ``data`` (a task's
# arguments and return value), and the plain format's own.
LEFT_OUT = ("request", "server_time", "data", "taskName", "color_message", "context")


def redact(text: str) -> str:
    return EMAIL.sub(EMAIL_REPLACEMENT, text) if "@" in text else text


class PlainFormatter(logging.Formatter):
    """``2025-06-01 12:00:00,123 INFO shop.orders [request=… user=12]: message``"""

    def __init__(self, fmt=None, datefmt=None, style="%", **kwargs):
        super().__init__(
            fmt or "%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s",
            datefmt,
            style,
            **kwargs,
        )

    def format(self, record: logging.LogRecord) -> str:
        shown = [
            f"{label}={value}"
            for name, label in PLAIN_CONTEXT
            if (value := getattr(record, name, None)) is not None
        ]
        record.context = f" [{' '.join(shown)}]" if shown else ""
        return redact(super().format(record))


class JsonFormatter(_JsonFormatter):
    """
    ``{"time": …, "level": …, "logger": …, "message": …, "service": …,
    "request_id": …, …}``: the record's own fields first, then the context
    and any ``extra`` the call gave; a field with no value is left out.
    """

    def __init__(self, *args, service: str = "", **kwargs):
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, *LEFT_OUT])
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)
        self.service = service

    def add_fields(self, log_data, record, message_dict) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(
            timespec="milliseconds"
        )
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        if self.service:
            log_data["service"] = self.service
        log_data["process"] = record.process
        for name in FIELDS:
            log_data[name] = getattr(record, name, None)
        super().add_fields(log_data, record, message_dict)

    def process_log_record(self, log_data):
        return {
            key: redact(value) if isinstance(value, str) else value
            for key, value in log_data.items()
            if value is not None and value != ""
        }


def gunicorn_logconfig(service: str = "") -> dict:
    """
    gunicorn's ``logconfig_dict`` for ``LOG_FORMAT=json``: its own lines
    (starting, workers booted and lost) as JSON on standard error, and its
    access log off: the shop's request line (``LOG_REQUESTS``) replaces it,
    with the request id and the user id, and a route where gunicorn would
    print the path (bearer keys ride in some) and the client's address.
    """
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter", "service": service}},
        "handlers": {"json": handler},
        "root": {"level": "INFO", "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }
