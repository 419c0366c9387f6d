"""
The Celery application; configuration comes from Django settings (CELERY_*).

Tasks are registered by the apps themselves: each app's ``AppConfig.ready()``
imports its task modules, and Celery's Django fix-up sets Django up (so runs
every ``ready()``) when a worker or beat starts. Nothing is discovered by
module name, so a consumer exists exactly when its app is installed.
"""

import os

from celery import Celery, signals
from celery.fixups.django import DjangoFixup
from django.db import close_old_connections

from shop.core import (
    tasklogs,  # noqa: F401  (the worker's and beat's logs, context in tasks)
    tracing,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")


@signals.worker_init.connect
def _keep_database_connections(**kwargs) -> None:
    """
    Let a worker keep its database connections between tasks, as a web
    process keeps them between requests. Celery's Django fix-up closes every
    connection before and after each task (celery 5.7 ignores
    ``CONN_MAX_AGE``), so each task paid a new PostgreSQL connection. Around
    a task it now does what Django does around a request:
    ``close_old_connections`` closes a connection that is older than
    ``CONN_MAX_AGE``, has seen an error or is left in a transaction, and
    marks the others for ``CONN_HEALTH_CHECKS`` before their next use. The
    fix-up still closes what a forked pool process inherited. Connected
    after the fix-up's own ``worker_init`` receiver, so it runs after it.
    """
    for fixup in app._fixups:
        if isinstance(fixup, DjangoFixup):
            fixup.worker_fixup.close_database = close_old_connections


# The queues this worker consumes, when it was given some (-Q), for its traces' name.
_consumed_queues: list[str] = []


@signals.worker_init.connect
def _traces_in_a_worker(sender, **kwargs) -> None:
    """
    Traces, when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, in the process that
    runs the tasks: each pool process of a prefork worker (below, after the
    fork, so the exporter's thread is its own), or the worker itself with a
    pool that does not fork (``--pool solo``, ``threads``).
    """
    from celery.concurrency import get_implementation
    from celery.concurrency.prefork import TaskPool

    _consumed_queues[:] = sorted(sender.app.amqp.queues.consume_from or ())
    if not issubclass(get_implementation(sender.pool_cls), TaskPool):
        tracing.setup("worker", queues=_consumed_queues)


@signals.worker_process_init.connect
def _traces_in_a_pool_process(**kwargs) -> None:
    tracing.setup("worker", queues=_consumed_queues)


@signals.worker_init.connect
def _count_in_shared_files(**kwargs) -> None:
    """
    With ``PROMETHEUS_MULTIPROC_DIR`` (the Procfiles set it), the pool
    processes count tasks in files there, beside the web's, and the web's
    ``/metrics`` reports them (``shop.core.metrics.processes``).
    """
    from shop.core.metrics import processes

    processes.prepare()


@signals.worker_process_shutdown.connect
def _pool_process_ended(pid=None, **kwargs) -> None:
    from shop.core.metrics import processes

    processes.process_ended(pid or os.getpid())
