"""
Celery's tasks by name and outcome, with their durations, from Celery's
signals: in a worker's pool processes, and in the web process when tasks
run in-process (no broker). ``connect()`` is called once, by the kernel's
``AppConfig.ready``.
"""

import time

from celery import signals
from prometheus_client import Counter, Histogram

TASKS = Counter(
    "shop_celery_tasks",
    "Task runs by task name and outcome (succeeded, failed, retried, ...).",
    ["task", "outcome"],
)
DURATION = Histogram(
    "shop_celery_task_duration_seconds",
    "How long a task ran, by task name, whatever its outcome.",
    ["task"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)

OUTCOMES = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried"}

# Task id -> when it started, in this process (a pool process runs one at a time).
_started: dict[str, float] = {}
_primed: set[int] = set()


def _task_started(task_id=None, task=None, **kwargs) -> None:
    if task is not None and id(task.app) not in _primed:
        _prime(task.app)
    _started[task_id] = time.perf_counter()


def _prime(app) -> None:
    """
    Every task's outcomes at 0 from the first task this process runs: a
    series born already at 1 has no increase Prometheus can see, so the
    first failure of a task would pass unalerted.
    """
    _primed.add(id(app))
    for name in app.tasks:
        if not name.startswith("celery."):
            for outcome in OUTCOMES.values():
                TASKS.labels(name, outcome)


def _task_ended(task_id=None, task=None, state=None, **kwargs) -> None:
    started = _started.pop(task_id, None)
    name = getattr(task, "name", None) or "unknown"
    TASKS.labels(name, OUTCOMES.get(state, str(state or "unknown").lower())).inc()
    if started is not None:
        DURATION.labels(name).observe(time.perf_counter() - started)


def connect() -> None:
    signals.task_prerun.connect(_task_started, weak=False, dispatch_uid="shop.metrics.prerun")
    signals.task_postrun.connect(_task_ended, weak=False, dispatch_uid="shop.metrics.postrun")
