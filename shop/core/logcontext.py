"""
What every log record says about the work it was made in: the request (its
id, and the signed-in user's id once the request has looked the user up),
the current trace and span, and in a Celery task the task and the event it
consumes. ``RequestIdMiddleware`` and the task signals (``tasklogs``) bind
it, ``ContextFilter`` on the handlers copies it onto each record, and the
formatters (``logformat``) write it out.

Only ids: never a name, an email or an address, so a line can be kept and
shipped wherever the logs go (docs/operations.md, "Logs").
"""

import logging
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.functional import LazyObject, empty
from opentelemetry import trace

FIELDS = (
    "request_id",
    "user_id",
    "trace_id",
    "span_id",
    "task_name",
    "task_id",
    "event_name",
    "event_id",
)

# Where a request's id comes in and goes back out (and on to other services).
REQUEST_ID_HEADER = "X-Request-ID"
# A request id from outside is written into every line of its request, so
# only a short one of characters that cannot break a line or a JSON string
# is taken (a UUID, nginx's $request_id, a load balancer's); anything else
# is replaced by one of ours.
REQUEST_ID_MAX_LENGTH = 128
_SANE_REQUEST_ID = re.compile(rf"[A-Za-z0-9._:+/=-]{{1,{REQUEST_ID_MAX_LENGTH}}}")

_fields: ContextVar[dict | None] = ContextVar("shop_log_fields", default=None)
_request: ContextVar[object | None] = ContextVar("shop_log_request", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value) -> str | None:
    """``value`` if it is a sane request id, else None."""
    if isinstance(value, str) and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return None


def accept_request_id(value: str | None) -> str:
    """``value`` if it is a sane request id, else a new one."""
    return sane_request_id(value) or new_request_id()


def current(name: str):
    """The bound value of ``name`` (one of ``FIELDS``), or None."""
    return (_fields.get() or {}).get(name)


@contextmanager
def bound(request=None, **fields):
    """
    Bind ``fields`` (and the request, for its user) for the records made
    inside; what was bound outside comes back after.
    """
    fields_token = _fields.set({**(_fields.get() or {}), **fields})
    request_token = _request.set(request) if request is not None else None
    try:
        yield
    finally:
        if request_token is not None:
            _request.reset(request_token)
        _fields.reset(fields_token)


def user_id(request) -> int | str | None:
    """
    The signed-in user's id if the request has already looked the user up
    (a page that depends on who it is does; the API once it authenticated).
    A log line never makes the request read the session or the user: cached
    pages are served without either.
    """
    user = getattr(request, "__dict__", {}).get("user")
    if isinstance(user, LazyObject):
        user = user._wrapped
        if user is empty:
            return None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def trace_ids() -> tuple[str | None, str | None]:
    """The current span's trace and span ids in hex (W3C's form), or Nones."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None, None
    return format(context.trace_id, "032x"), format(context.span_id, "016x")


class ContextFilter(logging.Filter):
    """
    Puts ``FIELDS`` on every record that passes (None where unknown); a
    field the call gave in ``extra`` is kept. Goes on handlers, so records
    of every logger get it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        fields = dict(_fields.get() or {})
        request = _request.get()
        if request is None:
            # Django logs a 4xx answer once every middleware has returned,
            # naming the request in ``extra``: the id the middleware gave it.
            request = getattr(record, "request", None)
            if getattr(request, "request_id", None) is None:
                request = None
            else:
                fields["request_id"] = request.request_id
        if request is not None:
            fields["user_id"] = user_id(request)
        fields["trace_id"], fields["span_id"] = trace_ids()
        for name in FIELDS:
            if not hasattr(record, name):
                setattr(record, name, fields.get(name))
        return True
