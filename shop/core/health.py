"""
Liveness and readiness probes for load balancers and orchestrators.
``/readyz`` also counts the events parked in the outboxes (``parked_events``,
and per service): they do not make the process unready, but a monitor that
alerts on a number above zero tells staff an event needs them.
"""

import logging
import uuid

from celery import current_app
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .messaging import parked_counts

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """The process is up and serving requests."""
    return JsonResponse({"status": "ok"})


def _database():
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")


def _cache():
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def _broker():
    if current_app.conf.task_always_eager:
        return "in-process"
    with current_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    return None


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


@never_cache
def readyz(request):
    """Ready to take traffic: 503 naming each dependency that is unreachable."""
    results = {}
    for name, probe in CHECKS.items():
        try:
            results[name] = probe() or "ok"
        except Exception:
            logger.exception("Readiness check %s failed", name)
            results[name] = "unavailable"
    failed = [name for name, result in results.items() if result == "unavailable"]
    parked = None if "database" in failed else _parked()
    return JsonResponse(
        {
            "status": "unavailable" if failed else "ok",
            "failed": failed,
            "checks": results,
            "parked_events": None if parked is None else sum(parked.values()),
            "parked_by_service": parked,
        },
        status=503 if failed else 200,
    )


def _parked() -> dict[str, int] | None:
    try:
        return parked_counts()
    except Exception:
        logger.exception("Counting parked outbox events failed")
        return None
