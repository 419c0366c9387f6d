"""
The production-style stack the benchmarks run the shop in: gunicorn with
``DEBUG=0``, PostgreSQL, Redis and, for the purchase path, a real Celery
worker and beat. Each benchmark names its own database and Redis database so
it never touches what the test suites use.

Process output goes to ``test-artifacts/bench/<name>.log`` (git-ignored).
"""

import contextlib
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from shop.core.devkeys import development_jwt_key

ROOT = Path(__file__).resolve().parent.parent
# The shop the stack runs: this checkout, or another revision's (bench/compare.py
# points this at a worktree so one harness measures both).
SHOP_ROOT = Path(os.environ.get("BENCH_SHOP_ROOT") or ROOT).resolve()
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
GUNICORN = str(BIN / "gunicorn")
CELERY = str(BIN / "celery")
ARTIFACTS = ROOT / "test-artifacts" / "bench"


def environment(
    *, database_url: str, cache_url: str, static_root: str, broker_url: str = "", **extra: str
) -> dict:
    """
    The shop's settings for a ``DEBUG=0`` deployment on 127.0.0.1 without TLS.
    Without ``broker_url`` tasks run in-process (enough for read-only pages).
    """
    Path(static_root).mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SERVE_MEDIA": "0",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
        "JWT_PRIVATE_KEY": development_jwt_key(Path(static_root) / "jwt.pem"),
        # Every simulated visitor comes from 127.0.0.1, and a benchmark's buyer buys
        # far faster than a person: no per-address limit, per-user ones out of reach
        # (still counted, as in production).
        "API_THROTTLE_ANON": "",
        "API_THROTTLE_ANON_WRITES": "",
        "API_THROTTLE_USER": "100000/s",
        "API_THROTTLE_USER_WRITES": "100000/s",
        **extra,
    }
    env.pop("CELERY_BROKER_URL", None)
    if broker_url:
        env["CELERY_BROKER_URL"] = broker_url
    return env


def manage(env, *command, capture=False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *command],
        cwd=SHOP_ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout


def _server_and_name(database_url: str) -> tuple[str, str]:
    server, name = database_url.rsplit("/", 1)
    return server + "/postgres", name


def create_database(database_url: str, *, fresh: bool = False) -> None:
    """Create the database if it is missing; ``fresh``: drop it first."""
    import psycopg

    server, name = _server_and_name(database_url)
    with psycopg.connect(server, autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def flush_redis(url: str) -> None:
    """Empty one Redis database (the benchmark's own): no cache or queue left from a last run."""
    import redis

    with redis.Redis.from_url(url) as client:
        client.flushdb()


def wait_until_serving(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _log(name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return open(ARTIFACTS / f"{name}.log", "ab")


def _spawn(command: list[str], env: dict, log_name: str | None) -> subprocess.Popen:
    """A child in its own process group, so it and its own children can be signalled at once."""
    log = _log(log_name) if log_name else None
    try:
        return subprocess.Popen(
            command,
            cwd=SHOP_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT if log else None,
            start_new_session=True,
        )
    finally:
        if log:
            log.close()


def start_gunicorn(
    env,
    *,
    port: int,
    workers: int,
    log_name: str | None = None,
    worker_class: str = "",
    threads: int = 0,
):
    """
    gunicorn as the Procfile runs it: its settings from ``config/gunicorn.py``
    (the worker type and threads; ``worker_class`` and ``threads`` override
    them, as ``WEB_WORKER_CLASS`` and ``WEB_THREADS`` would), sync workers
    for a revision without that file (``bench/compare.py``). No control
    socket: its default path is per user, so two gunicorns on one machine
    would share it.
    """
    command = [GUNICORN, "config.wsgi"]
    if (SHOP_ROOT / "config" / "gunicorn.py").exists():
        command += ["-c", "config/gunicorn.py"]
    if worker_class:
        env = {**env, "WEB_WORKER_CLASS": worker_class}
    if threads:
        env = {**env, "WEB_THREADS": str(threads)}
    command += [
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--no-control-socket",
    ]  # fmt: skip
    return _spawn(command, env, log_name)


def start_worker(env, *, concurrency: int, log_name: str, loglevel: str = "INFO", pool: str = ""):
    """``celery worker`` as in the Procfile: settings declare every app's queue."""
    command = [
        CELERY, "-A", "config", "worker", "--concurrency", str(concurrency),
        "--loglevel", loglevel, "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    if pool:
        command += ["--pool", pool]
    return _spawn(command, env, log_name)


def start_beat(env, *, schedule: Path, log_name: str, loglevel: str = "INFO"):
    """``celery beat``: the periodic outbox relay, reservation and checkout expiry."""
    command = [CELERY, "-A", "config", "beat", "--schedule", str(schedule), "--loglevel", loglevel]
    return _spawn(command, env, log_name)


def stop(process: subprocess.Popen | None, timeout: float = 30) -> None:
    """SIGTERM the process group (a warm shutdown), SIGKILL it if it does not go in time."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        kill(process)


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the process group: no warm shutdown, no chance to hand tasks back."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def clean_up_on_sigterm() -> None:
    """
    ``kill <benchmark>`` stops it the way Ctrl-C does: its ``with`` blocks
    stop gunicorn, the worker and the private services (they run in sessions
    of their own, so a signal to the benchmark does not reach them).
    """

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def percentile(values, fraction: float) -> float:
    """Nearest-rank percentile of ``values`` (``fraction`` 0.5 is the median); 0 when empty."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def machine() -> str:
    """The conditions a figure was taken in: CPUs and the load average at the time."""
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.1f} (1 min) / {five:.1f} (5 min)"


# What each kind of process is, by its command line (the first that matches).
PROCESS_KINDS = (
    ("gunicorn", "gunicorn"),
    ("celery beat", "celery -A config beat"),
    ("celery worker", "celery -A config worker"),
    ("fake Stripe", "stripe_server.py"),
    ("OTLP sink", "otlp_sink.py"),
    ("postgres", "postgres"),
    ("redis", "redis-server"),
)
_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds() -> dict[str, float]:
    """
    CPU seconds used so far by every process on the machine of each kind
    (``PROCESS_KINDS``; the benchmark itself as "client"): the difference of
    two readings is what each part of the stack spent in between, a figure
    that another load on the machine changes far less than a rate.
    """
    used = dict.fromkeys([kind for kind, _ in PROCESS_KINDS] + ["client"], 0.0)
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as file:
                command = file.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{pid}/stat") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kind = next((kind for kind, mark in PROCESS_KINDS if mark in command), None)
        if kind is None and int(pid) == os.getpid():
            kind = "client"
        if kind is not None:
            used[kind] += (int(fields[11]) + int(fields[12])) / _TICKS
    return used
