"""
Counting across processes: gunicorn's workers and Celery's pool processes
each count in files under ``PROMETHEUS_MULTIPROC_DIR``, and one scrape adds
up all of them, those of processes that have ended included.
"""

import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from shop.core.metrics import processes
from tests.conftest import ROOT, wait_for

GUNICORN = Path(sys.executable).with_name("gunicorn")
TOKEN = "scraper-secret-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(tmp_path, **more) -> dict[str, str]:
    """A development shop on a database of its own, counting in ``tmp_path / metrics``."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
        "SHOP_DATABASES": "shared",
        "CELERY_BROKER_URL": "",
        "CACHE_URL": "locmemcache://metrics",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "METRICS_TOKEN": TOKEN,
        **more,
    }
    env.pop("SHOP_SERVICE_NAME", None)
    return env


def counted(text: str, name: str, **labels) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def healthz_answers(text: str) -> float:
    return counted(
        text,
        "shop_http_requests_total",
        view="healthz",
        status="200",
    )


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn with config/gunicorn.py and two sync workers; its address and master."""
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(
        [GUNICORN, "-c", "config/gunicorn.py", "config.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--no-control-socket"],
        cwd=ROOT, env=environment(tmp_path), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_for(lambda: _answers(url), timeout=30):
            pytest.fail(f"gunicorn did not start; see {tmp_path / 'gunicorn.log'}")
        yield url, server
    finally:
        server.send_signal(signal.SIGINT)  # a quick shutdown
        server.wait(timeout=20)
        log.close()


def _answers(url: str) -> bool:
    try:
        # Long enough for a worker to load the shop: no request is left behind uncounted.
        return requests.get(f"{url}/healthz", timeout=20).ok
    except requests.RequestException:
        return False


def workers_of(master: subprocess.Popen) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def scrape(url: str) -> str:
    response = requests.get(
        f"{url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.text


def test_every_gunicorn_worker_is_counted_in_one_scrape_even_after_it_died(gunicorn):
    url, master = gunicorn
    wait_for(lambda: len(workers_of(master)) == 2, timeout=10)
    before = healthz_answers(scrape(url))  # the fixture's own requests
    for _ in range(30):
        assert requests.get(f"{url}/healthz", timeout=5).ok

    assert healthz_answers(scrape(url)) == before + 30

    killed = workers_of(master)[0]
    os.kill(killed, signal.SIGKILL)
    assert wait_for(lambda: killed not in workers_of(master) and len(workers_of(master)) == 2)
    for _ in range(10):
        assert requests.get(f"{url}/healthz", timeout=5).ok

    assert healthz_answers(scrape(url)) == before + 40


@pytest.mark.services
@pytest.mark.skipif(not os.environ.get("CELERY_BROKER_URL"), reason="needs a broker")
def test_a_celery_pool_processes_tasks_are_counted_in_the_same_directory(tmp_path):
    from celery import current_app

    queue = f"metrics-test-{uuid.uuid4().hex[:8]}"
    broker = os.environ["CELERY_BROKER_URL"]
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
         "--concurrency", "2", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel", "INFO", "--logfile", str(log)],
        cwd=ROOT, env=environment(tmp_path, CELERY_BROKER_URL=broker),
    )  # fmt: skip
    (tmp_path / "metrics").mkdir()

    def runs() -> float:
        return sum(
            sample.value
            for family in MultiProcessCollector(None, path=str(tmp_path / "metrics")).collect()
            for sample in family.samples
            if sample.name == "shop_celery_tasks_total"
            and sample.labels["task"] == "celery.accumulate"
        )

    try:
        for number in range(3):
            current_app.send_task("celery.accumulate", args=(number,), queue=queue)

        assert wait_for(lambda: runs() == 3, timeout=60), f"see {log}"
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    assert runs() == 3  # the pool processes have ended; their counts stay


# --- the directory at start ---------------------------------------------------------------


def a_dead_pid() -> int:
    pid = 4_000_000
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except PermissionError:
            pass
        pid -= 1


@pytest.fixture
def directory(tmp_path, monkeypatch):
    path = tmp_path / "metrics"
    path.mkdir()
    monkeypatch.setenv(processes.VARIABLE, str(path))
    return path


def test_a_fresh_start_forgets_what_the_last_run_counted(directory):
    dead = a_dead_pid()
    (directory / f"counter_{dead}.db").write_bytes(b"")
    (directory / f"histogram_{dead}.db").write_bytes(b"")
    own = directory / f"counter_{os.getpid()}.db"
    own.write_bytes(b"")

    processes.prepare()

    assert sorted(path.name for path in directory.iterdir()) == [own.name]


def test_a_process_started_beside_running_ones_keeps_their_counts_and_the_dead_ones(directory):
    """A gunicorn restarted while the worker runs: the totals must not drop."""
    files = [directory / f"counter_{a_dead_pid()}.db", directory / f"counter_{os.getppid()}.db"]
    for file in files:
        file.write_bytes(b"")

    processes.prepare()

    assert all(file.exists() for file in files)


def test_without_the_directory_set_nothing_is_prepared(monkeypatch, tmp_path):
    monkeypatch.delenv(processes.VARIABLE, raising=False)

    processes.prepare()
    processes.process_ended(os.getpid())

    assert processes.directory() is None
    assert list(tmp_path.iterdir()) == []


def test_the_directory_is_made_when_missing(tmp_path, monkeypatch):
    monkeypatch.setenv(processes.VARIABLE, str(tmp_path / "new" / "metrics"))

    processes.prepare()

    assert (tmp_path / "new" / "metrics").is_dir()


def test_a_command_run_before_any_web_or_worker_makes_the_counting_directory(tmp_path):
    missing = tmp_path / "not-yet" / "metrics"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(missing)}
    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert missing.is_dir()
