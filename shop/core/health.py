"""Liveness and readiness probes for load balancers and orchestrators."""

import logging
import uuid

from celery import current_app
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

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
    return JsonResponse(
        {"status": "unavailable" if failed else "ok", "failed": failed, "checks": results},
        status=503 if failed else 200,
    )
