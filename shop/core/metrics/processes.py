"""
Counting across processes: with ``PROMETHEUS_MULTIPROC_DIR`` set, gunicorn's
workers and Celery's pool processes each count in files of their own in
that directory (prometheus_client's multiprocess mode) and a scrape adds
them up; without it (development, tests) a process counts in memory.

The Procfiles give one directory to every process of a deployment on a
host, so the web's ``/metrics`` reports the worker's tasks too. A process
that ends leaves its counts behind (counters never go down while the
deployment runs); ``prepare`` empties the directory only when nothing that
wrote there is alive any more, that is on a fresh start.

Standard library only until prometheus_client is needed: gunicorn's master
(``config/gunicorn.py``) and Celery's main process call these before
Django is set up.
"""

import os
import re
from pathlib import Path

VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
_WRITER = re.compile(r"_(\d+)\.db$")


def directory() -> Path | None:
    """Where this process's counts go, or ``None`` when it counts in memory."""
    value = os.environ.get(VARIABLE, "")
    return Path(value) if value else None


def prepare() -> None:
    """
    Make the directory, and empty it of what processes that have all ended
    wrote (the deployment's previous run). Files of a live process, or of
    this one, are left, and then so is everything: a process type restarted
    while the others run goes on adding to the same counts.
    """
    path = directory()
    if path is None:
        return
    path.mkdir(parents=True, exist_ok=True)
    own = os.getpid()
    stale = []
    for file in path.glob("*.db"):
        writer = _writer(file)
        if writer == own:
            continue
        if writer is None or _alive(writer):
            return
        stale.append(file)
    for file in stale:
        file.unlink(missing_ok=True)


def process_ended(pid: int) -> None:
    """A worker process ended (gunicorn's ``child_exit``, Celery's pool): drop its live gauges."""
    path = directory()
    if path is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid, str(path))


def _writer(file: Path) -> int | None:
    match = _WRITER.search(file.name)
    return int(match.group(1)) if match else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
