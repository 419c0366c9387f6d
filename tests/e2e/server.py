"""
The shop the browser tests drive: gunicorn in a subprocess on a free port,
on the laptop defaults (SQLite, tasks in-process on commit) but with its own
database file, a file-based mail outbox and nothing taken from the caller's
environment that could point it at shared services.

A subprocess rather than pytest-django's ``live_server``: Playwright's sync
API keeps an event loop in the test's thread, where Django refuses ORM calls,
and a real server process serves static files and runs tasks the way
``make demo`` does.
"""

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 60.0
# The services with a database of their own when SHOP_DATABASES=per-app is passed on.
PER_APP_SERVICES = ("catalog", "cart", "payments", "orders")

# Variables that would send the server to shared services or to Stripe.
INHERITED_SERVICE_VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveShop:
    """A running shop: its address, its files, and ``manage.py`` against its database."""

    workdir: Path
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.workdir / "shop.sqlite3"

    @property
    def mail_dir(self) -> Path:
        return self.workdir / "mail"

    def environment(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in INHERITED_SERVICE_VARIABLES
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="1",
            DATABASE_URL=f"sqlite:///{self.database}",
            CACHE_URL="locmemcache://e2e",
            EMAIL_URL=f"filemail:///{self.mail_dir}",
            MEDIA_ROOT=str(self.workdir / "media"),
            SHOP_URL=self.url,
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env

    def run(self, *args: str) -> str:
        """Run ``python *args`` in the repo against this shop's database; its stdout."""
        done = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def log_size(self) -> int:
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def errors_logged_since(self, offset: int) -> list[str]:
        """Error lines and tracebacks the server logged after ``offset`` bytes of its log."""
        with self.log_path.open("rb") as log:
            log.seek(offset)
            lines = log.read().decode(errors="replace").splitlines()
        return [line for line in lines if re.search(r"\bERROR\b|\[ERROR\]|^Traceback", line)]

    def database_of(self, table: str) -> Path:
        """
        The SQLite file holding ``table``: the one file, or with
        ``SHOP_DATABASES=per-app`` the file of the service the table's prefix names.
        """
        service = table.split("_", 1)[0]
        if os.environ.get("SHOP_DATABASES") == "per-app" and service in PER_APP_SERVICES:
            return self.database.with_name(f"shop_{service}.sqlite3")
        return self.database

    def count(self, sql: str, *params) -> int:
        """Run a ``SELECT COUNT(*)`` on the database of the table it names, read-only."""
        table = re.search(r"\bFROM\s+(\w+)", sql, re.IGNORECASE).group(1)
        uri = f"file:{self.database_of(table)}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            return connection.execute(sql, params).fetchone()[0]

    def start(self) -> None:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.run("manage.py", "migrate_services")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(3):
            self._spawn()
            if self._wait_until_ready():
                return
            self.port = free_port()  # someone took the free port in between: another one
        raise RuntimeError(f"The shop did not start; see {self.log_path}")

    def _spawn(self) -> None:
        # One process, so the in-process tasks and the local-memory cache are
        # shared by every request; no control socket to clash with another gunicorn.
        command = [
            sys.executable, "-m", "gunicorn", "config.wsgi",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", "1", "--threads", "4", "--timeout", "60",
            "--access-logfile", "-", "--error-logfile", "-", "--no-control-socket",
        ]  # fmt: skip
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def _wait_until_ready(self) -> bool:
        """Whether the server answered ``/readyz``; stopped if it did not."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=2) as response:
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def remove_files(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)
