"""
A Celery worker keeps its database connections between tasks, as a web
process keeps them between requests, and still drops an old or broken one.
Celery's Django fix-up is driven here the way the worker drives it (its
``worker_init``, then each task's ``task_prerun``/``task_postrun``).
"""

import time
from types import SimpleNamespace

import pytest
from celery.fixups.django import DjangoFixup
from django.db import connection

from config.celery import _keep_database_connections, app

pytestmark = pytest.mark.django_db(transaction=True)

A_TASK = SimpleNamespace(request=SimpleNamespace(is_eager=False))


@pytest.fixture
def worker_fixup():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database is never closed (make services-test)")
    fixup = next(each for each in app._fixups if isinstance(each, DjangoFixup))
    _keep_database_connections()
    yield fixup.worker_fixup
    fixup.worker_fixup.__dict__.pop("close_database", None)


def run_task(worker_fixup, body) -> None:
    worker_fixup.on_task_prerun(sender=A_TASK)
    body()
    worker_fixup.on_task_postrun(sender=A_TASK)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_the_second_task_uses_the_first_tasks_database_connection(worker_fixup):
    pids = []
    run_task(worker_fixup, lambda: pids.append(backend_pid()))
    run_task(worker_fixup, lambda: pids.append(backend_pid()))

    assert pids[0] == pids[1]


def test_a_connection_past_its_max_age_is_replaced_after_the_task(worker_fixup):
    pids = []
    run_task(worker_fixup, lambda: pids.append(backend_pid()))
    connection.close_at = time.monotonic() - 1
    run_task(worker_fixup, lambda: pids.append(backend_pid()))

    assert pids[0] != pids[1]
