"""
What an operator reads in the logs: with ``LOG_FORMAT=json`` one JSON
object a line from every process, each line saying which request (the id
the response returned), which trace, which user and, in a task, which task
and event it belongs to; readable lines by default; ids, never email
addresses or the keys in links.
"""

import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from celery import current_app
from django.contrib.auth import get_user_model
from opentelemetry.sdk.trace import TracerProvider

from shop.core import logcontext
from shop.core.logcontext import ContextFilter
from shop.core.logformat import JsonFormatter, PlainFormatter
from shop.core.remote import client as remote
from shop.core.tasklogs import MESSAGE_HEADER
from shop.payments.gateways.builtin import page_key, page_url
from tests.core.test_remote import payment_of
from tests.payments.conftest import create_payment

ROOT = Path(__file__).resolve().parents[2]
GENERATED = re.compile(r"[0-9a-f]{32}")


def _capture(formatter):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(formatter)
    return stream, handler


@pytest.fixture
def lines_as(request):
    """The lines every logger writes while the test runs, request lines included."""
    handlers = []
    access = logging.getLogger("shop.access")
    level = access.level
    access.setLevel(logging.INFO)

    def start(formatter):
        stream, handler = _capture(formatter)
        logging.getLogger().addHandler(handler)
        handlers.append(handler)
        return lambda: stream.getvalue().splitlines()

    yield start
    for handler in handlers:
        logging.getLogger().removeHandler(handler)
    access.setLevel(level)


@pytest.fixture
def json_lines(lines_as):
    read = lines_as(JsonFormatter(service="shop"))
    return lambda: [json.loads(line) for line in read()]


def request_lines(lines):
    return [line for line in lines if line["logger"] == "shop.access"]


# --- the request id ---------------------------------------------------------


def test_the_request_id_a_proxy_sent_comes_back_and_is_on_the_request_line(client, json_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a9c")

    assert response["X-Request-ID"] == "edge-7f3a9c"
    [line] = request_lines(json_lines())
    assert line["request_id"] == "edge-7f3a9c"
    assert line["method"] == "GET" and line["path"] == "/healthz" and line["status"] == 200
    assert line["service"] == "shop"
    assert line["duration_ms"] >= 0


def test_a_request_without_an_id_is_given_a_new_one_each_time(client, json_lines):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]

    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second)
    assert first != second
    assert [line["request_id"] for line in request_lines(json_lines())] == [first, second]


@pytest.mark.parametrize(
    "sent",
    [
        "two words",
        'quote"and\\backslash',
        "line\nbreak",
        "<script>",
        "x" * (logcontext.REQUEST_ID_MAX_LENGTH + 1),
        "",
    ],
    ids=["space", "quote", "newline", "markup", "too-long", "empty"],
)
def test_a_request_id_that_is_malformed_or_too_long_is_replaced(client, json_lines, sent):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)

    assert GENERATED.fullmatch(response["X-Request-ID"])
    lines = json_lines()
    assert request_lines(lines)[0]["request_id"] == response["X-Request-ID"]
    assert not sent or all(sent not in json.dumps(line) for line in lines)


def test_the_longest_request_id_accepted_is_kept(client):
    sent = "a" * logcontext.REQUEST_ID_MAX_LENGTH

    assert client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"] == sent


@pytest.mark.django_db
def test_every_line_made_while_a_request_is_handled_carries_its_id(client, json_lines):
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-404")

    lines = json_lines()
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and not_found[0]["message"] == "Not Found: /no-such-page/"
    assert {line["request_id"] for line in lines} == {"req-404"}


def test_lines_made_outside_a_request_carry_no_request_id(json_lines):
    logging.getLogger("shop.test").warning("between requests")

    [line] = json_lines()
    assert line["message"] == "between requests"
    assert "request_id" not in line and "user_id" not in line and "trace_id" not in line


@pytest.mark.django_db(transaction=True)
def test_a_call_to_a_service_running_elsewhere_carries_the_request_id(live_server, json_lines):
    ada = get_user_model().objects.create_user(email="ada@example.com", password="pw-1843-ada")
    payments = remote.remote_module("payments", live_server.url)

    with logcontext.bound(request_id="checkout-req-9"):
        payment_of(payments, ada, reference="checkout-9")

    [call] = [line for line in request_lines(json_lines()) if "/internal/" in line["path"]]
    assert call["request_id"] == "checkout-req-9"
    assert call["route"] == "internal/<str:app>/<str:function>/"


# --- the user ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_signed_in_customers_lines_carry_their_id_and_not_their_email(client, json_lines):
    ada = get_user_model().objects.create_user(email="ada@example.com", password="pw-1843-ada")
    client.force_login(ada)

    client.get("/accounts/", HTTP_X_REQUEST_ID="ada-visit")

    [line] = request_lines(json_lines())
    assert line["user_id"] == ada.pk
    assert line["status"] == 200
    assert "ada@example.com" not in json.dumps(line)


@pytest.mark.django_db
def test_an_api_callers_lines_carry_their_id(client, json_lines):
    ada = get_user_model().objects.create_user(email="ada@example.com", password="pw-1843-ada")
    client.force_login(ada)

    assert client.get("/api/v1/accounts/me/").status_code == 200

    [line] = request_lines(json_lines())
    assert line["user_id"] == ada.pk


@pytest.mark.django_db
def test_an_anonymous_visitors_lines_carry_no_user_id(client, json_lines):
    client.get("/accounts/login/")

    [line] = request_lines(json_lines())
    assert line["status"] == 200 and "user_id" not in line


# --- the trace ----------------------------------------------------------------


def test_lines_made_inside_a_span_carry_its_trace_and_span_ids(client, json_lines):
    tracer = TracerProvider().get_tracer("test")

    with tracer.start_as_current_span("checkout") as span:
        client.get("/healthz")

    [line] = request_lines(json_lines())
    context = span.get_span_context()
    assert line["trace_id"] == format(context.trace_id, "032x")
    assert line["span_id"] == format(context.span_id, "016x")


# --- tasks ------------------------------------------------------------------


def _envelope(version: int = 1) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "name": "accounts.EmailConfirmed",
        "version": version,
        "occurred_at": "2025-06-01T12:00:00+00:00",
        "payload": {"user_id": 7, "email": "ada@example.com"},
    }


def test_a_consumers_lines_name_the_task_and_the_event(json_lines):
    envelope = _envelope(version=99)  # a version it refuses, which it logs
    task = current_app.tasks["orders.claim_guest_orders"]

    result = task.apply(args=(envelope,), task_id="claim-1", retries=task.max_retries)

    assert result.failed()
    [refusal] = [line for line in json_lines() if line["logger"] == "shop.core.messaging"]
    assert refusal["level"] == "ERROR"
    assert refusal["task_name"] == "orders.claim_guest_orders"
    assert refusal["task_id"] == "claim-1"
    assert refusal["event_name"] == "accounts.EmailConfirmed"
    assert refusal["event_id"] == envelope["id"]
    assert "ada@example.com" not in json.dumps(refusal)


def test_a_task_sent_while_a_request_is_handled_carries_its_request_id(json_lines):
    task = current_app.tasks["orders.claim_guest_orders"]

    with logcontext.bound(request_id="checkout-req-1"):
        task.apply(args=(_envelope(99),), retries=task.max_retries)

    [refusal] = [line for line in json_lines() if line["logger"] == "shop.core.messaging"]
    assert refusal["request_id"] == "checkout-req-1"
    assert logcontext.current("task_name") is None


@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_a_task_message_carries_the_request_id_to_the_worker(json_lines):
    with current_app.connection_for_write("memory://") as connection:
        with logcontext.bound(request_id="checkout-req-2"):
            current_app.send_task(
                "orders.claim_guest_orders", args=(_envelope(),), connection=connection
            )
        message = connection.default_channel.basic_get("orders")
    assert message.headers[MESSAGE_HEADER] == "checkout-req-2"

    # What the worker does with it: the task's lines carry the request's id.
    task = current_app.tasks["orders.claim_guest_orders"]
    task.apply(
        args=(_envelope(99),),
        headers={MESSAGE_HEADER: message.headers[MESSAGE_HEADER]},
        retries=task.max_retries,
    )
    [refusal] = [line for line in json_lines() if line["logger"] == "shop.core.messaging"]
    assert refusal["request_id"] == "checkout-req-2"


def test_a_task_with_a_forged_request_id_header_logs_none(json_lines):
    task = current_app.tasks["orders.claim_guest_orders"]

    task.apply(args=(_envelope(99),), headers={MESSAGE_HEADER: "a b\nc"}, retries=task.max_retries)

    [refusal] = [line for line in json_lines() if line["logger"] == "shop.core.messaging"]
    assert "request_id" not in refusal


# --- no personal data ---------------------------------------------------------


def test_email_addresses_are_blanked_in_messages_and_tracebacks(json_lines):
    try:
        raise ValueError("550 rejected: <ada.lovelace+shop@example.co.uk>")
    except ValueError:
        logging.getLogger("shop.test").exception("Could not mail %s", "ada@example.com")

    [line] = json_lines()
    assert line["message"] == "Could not mail [email]"
    assert "550 rejected: <[email]>" in line["exc_info"]
    assert "@example" not in json.dumps(line)


@pytest.mark.django_db
def test_the_key_in_a_payment_page_link_stays_out_of_the_request_line(client, json_lines):
    ada = get_user_model().objects.create_user(email="ada@example.com", password="pw-1843-ada")
    payment = create_payment(ada)

    assert client.get(page_url(payment.id)).status_code == 200

    [line] = request_lines(json_lines())
    assert page_key(payment.id) not in json.dumps(line)
    assert line["path"] == f"/payments/test/{payment.id}/[redacted]/"
    assert line["route"] == "payments/test/<uuid:payment_id>/<str:key>/"


# --- the plain format ---------------------------------------------------------


def test_plain_lines_are_readable_and_name_the_request(client, lines_as):
    read = lines_as(PlainFormatter())

    client.get("/healthz", HTTP_X_REQUEST_ID="req-plain")
    logging.getLogger("shop.test").warning("outside, for ada@example.com")

    request_line, outside = read()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO shop\.access \[request=req-plain\]: "
        r"GET /healthz 200 in [\d.]+ ms",
        request_line,
    )
    assert outside.endswith(" WARNING shop.test: outside, for [email]")


# --- every process ------------------------------------------------------------


def _environment(**extra) -> dict:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "DATABASE_", "LOG_"))
    }
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # A worker started as root says so before logging is set up (CI machines).
        "PYTHONWARNINGS": "ignore:You're running the worker with superuser",
        **extra,
    }


def _manage(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=_environment(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


LOG_IN_A_COMMAND = (
    "import logging; logging.getLogger('shop.cmd').warning('sent to ada@example.com')"
)


def test_a_management_command_logs_json_lines_with_log_format_json():
    result = _manage(LOG_IN_A_COMMAND, LOG_FORMAT="json")

    assert result.returncode == 0, result.stderr
    [line] = [json.loads(text) for text in result.stderr.splitlines()]
    assert line["level"] == "WARNING" and line["logger"] == "shop.cmd"
    assert line["message"] == "sent to [email]"
    assert line["service"] == "shop"


def test_a_management_command_logs_readable_lines_by_default():
    result = _manage(LOG_IN_A_COMMAND)

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().endswith(" WARNING shop.cmd: sent to [email]")


def test_an_unknown_log_format_refuses_to_start():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=_environment(LOG_FORMAT="xml"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "LOG_FORMAT='xml'" in result.stderr


def _lines_until(process, pattern: str, timeout: float = 60) -> list[str]:
    """The lines ``process`` writes to standard error up to one holding ``pattern``."""
    lines = []
    found = threading.Event()

    def read():
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            if pattern in line:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    if not found.wait(timeout):
        pytest.fail(f"No line with {pattern!r} in:\n" + "\n".join(lines))
    return lines


def _stop(process) -> str:
    os.killpg(process.pid, signal.SIGKILL)
    out, _ = process.communicate(timeout=10)
    return out


def _start(command, **env):
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=_environment(LOG_FORMAT="json", **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_a_celery_worker_writes_only_json_lines():
    worker = _start(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-l", "INFO"],
        CELERY_BROKER_URL="memory://",
    )
    try:
        lines = _lines_until(worker, " ready.")
    finally:
        banner = _stop(worker)

    assert banner == ""
    parsed = [json.loads(line) for line in lines]
    assert parsed[-1]["logger"] == "celery.apps.worker"


def test_a_celery_worker_stopped_by_sigterm_says_so_in_json():
    worker = _start(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-l", "INFO"],
        CELERY_BROKER_URL="memory://",
    )
    try:
        _lines_until(worker, " ready.")
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            _stop(worker)

    parsed = [json.loads(line) for line in (out + err).splitlines() if line]
    shutdown = [line for line in parsed if "Warm shutdown" in line["message"]]
    assert [line["logger"] for line in shutdown] == ["celery.apps.worker"]


def test_gunicorn_writes_only_json_lines_and_the_shops_request_line(tmp_path):
    web = _start(
        [
            sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi",
            "--bind", "127.0.0.1:0", "--workers", "1", "--no-control-socket",
            "--access-logfile", "-",
        ],
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )  # fmt: skip
    try:
        started = _lines_until(web, "Booting worker")
        address = next(
            re.search(r"http://\S+", json.loads(line)["message"]).group()
            for line in started
            if "Listening at" in line
        )
        answered = _get(f"{address}/healthz", {"X-Request-ID": "lb-41"})
        served = _lines_until(web, "GET /healthz")
    finally:
        access_log = _stop(web)

    assert answered == "lb-41"
    assert access_log == ""  # gunicorn's own access log is off: the shop's line replaces it
    parsed = [json.loads(line) for line in started + served]
    assert {line["logger"] for line in parsed} >= {"gunicorn.error", "shop.access"}
    assert parsed[-1]["request_id"] == "lb-41" and parsed[-1]["status"] == 200


def _get(url: str, headers: dict, timeout: float = 30) -> str:
    """The X-Request-ID of the answer to GET ``url``, waiting for the worker to load."""
    from urllib.request import Request, urlopen

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urlopen(Request(url, headers=headers), timeout=10) as response:
                return response.headers["X-Request-ID"]
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
