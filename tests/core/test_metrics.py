"""
``/metrics``: refused to anyone but the configured scraper, in Prometheus'
text format for it, with the tasks that ran and the outboxes' backlog, in a
number of queries that does not grow with the data.
"""

from datetime import timedelta

import pytest
from celery import current_app, shared_task
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from shop.core.messaging import outbox_models
from shop.core.metrics import gauges
from shop.orders.models import OutboxMessage as OrdersOutbox

TOKEN = "scraper-secret-0123456789"
SCRAPER = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture
def token_only(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []


@pytest.fixture
def network_only(settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8", "fd00::/8"]


def samples(response) -> dict[tuple[str, tuple], float]:
    """``{(sample name, sorted labels): value}`` of a scrape, read by Prometheus' own parser."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


# --- who may scrape ---------------------------------------------------------------------


def test_metrics_are_not_there_when_neither_a_token_nor_networks_are_set(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", []

    response = client.get("/metrics", **SCRAPER)

    assert response.status_code == 404
    assert response.json()["code"] == "metrics_disabled"


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer wrong-token-0123456789", f"Basic {TOKEN}", f"Bearer {TOKEN}x"],
    ids=["none", "empty", "wrong", "other-scheme", "longer"],
)
def test_a_scrape_without_the_token_is_refused(client, token_only, authorization):
    response = client.get("/metrics", HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 403
    assert response.json()["code"] == "metrics_forbidden"
    assert b"shop_" not in response.content


@pytest.mark.django_db
def test_the_scraper_with_the_token_gets_the_text_format_with_the_shops_metrics(client, token_only):
    client.get("/healthz")  # a request to have counted

    response = client.get("/metrics", **SCRAPER)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "no-cache" in response["Cache-Control"]
    names = {family.name for family in text_string_to_metric_families(response.content.decode())}
    assert {
        "shop_http_requests",
        "shop_http_request_duration_seconds",
        "shop_celery_tasks",
        "shop_celery_task_duration_seconds",
        "shop_outbox_backlog",
        "shop_outbox_oldest_unsent_age_seconds",
        "shop_outbox_parked",
        "shop_stock_reservations_active",
        "shop_checkouts",
        "shop_checkouts_awaiting_payment",
        "shop_orders_placed",
        "shop_payments",
        "shop_payments_pending",
        "shop_refunds",
        "shop_refunds_pending",
        "shop_payment_flags",
        "shop_metrics_source_up",
    } <= names
    counted = samples(response)
    healthz = (("method", "GET"), ("status", "200"), ("view", "healthz"))
    assert counted[("shop_http_requests_total", healthz)] >= 1


@pytest.mark.parametrize(
    ("address", "answer"),
    [("10.1.2.3", 200), ("fd00::7", 200), ("192.0.2.10", 403), ("127.0.0.1", 403)],
)
@pytest.mark.django_db
def test_a_scrape_is_answered_only_from_the_allowed_networks(client, network_only, address, answer):
    response = client.get("/metrics", REMOTE_ADDR=address)

    assert response.status_code == answer
    if answer == 403:
        assert response.json()["code"] == "metrics_forbidden"


def test_a_forwarded_request_is_not_admitted_by_its_proxys_network(client, settings):
    """A proxy on this host forwarding the public would otherwise make everyone local."""
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = "", ["127.0.0.0/8"]
    settings.TRUSTED_PROXY_COUNT = 0

    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert response.status_code == 403


@pytest.mark.django_db
def test_behind_trusted_proxies_the_client_address_decides(client, settings, network_only):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]

    inside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.5")
    outside = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert (inside.status_code, outside.status_code) == (200, 403)


@pytest.mark.django_db
def test_with_both_set_the_scraper_needs_the_token_and_an_allowed_address(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = TOKEN, ["10.0.0.0/8"]

    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9", **SCRAPER).status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1", **SCRAPER).status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9").status_code == 403


def test_metrics_cannot_be_posted_to(client, token_only):
    assert client.post("/metrics", **SCRAPER).status_code == 405


# --- what it says ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_outbox_backlog_shows_an_unsent_events_age_and_parked_events(client, token_only):
    now = timezone.now()
    OrdersOutbox.objects.create(
        event_name="orders.OrderPlaced", payload={}, created_at=now - timedelta(minutes=7)
    )
    OrdersOutbox.objects.create(event_name="orders.OrderPlaced", payload={}, created_at=now)
    OrdersOutbox.objects.create(
        event_name="orders.OrderPlaced", payload={}, created_at=now, sent_at=now
    )
    OrdersOutbox.objects.create(
        event_name="orders.OrderShipped",
        payload={},
        created_at=now - timedelta(days=1),
        failures=10,
        parked_at=now,
    )

    counted = samples(client.get("/metrics", **SCRAPER))

    orders = (("app", "orders"),)
    assert counted[("shop_outbox_backlog", orders)] == 2
    assert 7 * 60 <= counted[("shop_outbox_oldest_unsent_age_seconds", orders)] < 8 * 60
    assert counted[("shop_outbox_parked", orders)] == 1
    catalog = (("app", "catalog"),)
    assert counted[("shop_outbox_backlog", catalog)] == 0
    assert counted[("shop_outbox_oldest_unsent_age_seconds", catalog)] == 0


def _fill_the_shop() -> None:
    """Rows in every table a gauge reads: waiting, parked and sent events, and the rest."""
    from shop.catalog import public as catalog
    from tests.catalog.factories import make_product

    now = timezone.now()
    for model in outbox_models():
        for parked_at in (None, now):
            model.objects.create(event_name="x.Y", payload={}, parked_at=parked_at)
    sku = make_product("Mug", price="9.00", stock=20).variants.get().sku
    for key in range(3):
        catalog.reserve_stock(f"metrics-{key}", [(sku, 1)], timedelta(minutes=5))


def queries_per_source() -> dict[str, int]:
    """What each registered source runs per scrape: a new source says how many here."""
    return {
        "outbox": len(outbox_models()),
        "catalog": 1,
        "orders": 1,
        "payments": 3,
        "webhooks": 1,
    }


@pytest.mark.django_db
def test_a_scrape_costs_the_same_number_of_queries_whatever_the_data(
    client, token_only, django_assert_num_queries
):
    budget = queries_per_source()
    unknown = set(gauges.sources()) - set(budget)
    assert not unknown, f"How many queries does {unknown} run? Say so in queries_per_source."
    expected = sum(budget[source] for source in gauges.sources())
    with django_assert_num_queries(expected):
        empty = client.get("/metrics", **SCRAPER)
    _fill_the_shop()

    with django_assert_num_queries(expected):
        full = client.get("/metrics", **SCRAPER)

    assert (empty.status_code, full.status_code) == (200, 200)
    assert samples(full)[("shop_stock_reservations_active", ())] == 3


@pytest.mark.django_db
def test_a_source_that_cannot_be_read_is_reported_and_the_scrape_still_answers(
    client, token_only, monkeypatch
):
    def broken():
        raise RuntimeError("its database is away")

    monkeypatch.setitem(gauges._readers, "catalog", broken)

    response = client.get("/metrics", **SCRAPER)

    assert response.status_code == 200
    counted = samples(response)
    assert counted[("shop_metrics_source_up", (("source", "catalog"),))] == 0
    assert counted[("shop_metrics_source_up", (("source", "outbox"),))] == 1
    assert ("shop_stock_reservations_active", ()) not in counted


def requests_counted(view: str, method: str, status: int) -> float:
    labels = {"view": view, "method": method, "status": str(status)}
    return REGISTRY.get_sample_value("shop_http_requests_total", labels) or 0.0


def requests_timed(view: str, method: str) -> float:
    labels = {"view": view, "method": method}
    return REGISTRY.get_sample_value("shop_http_request_duration_seconds_count", labels) or 0.0


@pytest.mark.django_db
def test_requests_are_counted_by_view_method_and_status_with_their_latency(client):
    before = (
        requests_counted("healthz", "GET", 200),
        requests_counted("<unresolved>", "GET", 404),
        requests_counted("healthz", "other", 200),
        requests_timed("healthz", "GET"),
    )

    client.get("/healthz")
    client.get("/healthz")
    client.get("/nothing/at/this/address/")
    client.generic("BREW", "/healthz")

    after = (
        requests_counted("healthz", "GET", 200),
        requests_counted("<unresolved>", "GET", 404),
        requests_counted("healthz", "other", 200),
        requests_timed("healthz", "GET"),
    )
    assert [a - b for a, b in zip(after, before, strict=True)] == [2, 1, 1, 2]


# --- tasks --------------------------------------------------------------------------------


class Refused(Exception):
    pass


@shared_task(name="core.metrics_test_task")
def metrics_test_task(fail: bool = False) -> str:
    if fail:
        raise Refused("no")
    return "done"


def task_runs(outcome: str) -> float:
    labels = {"task": "core.metrics_test_task", "outcome": outcome}
    return REGISTRY.get_sample_value("shop_celery_tasks_total", labels) or 0.0


def task_durations() -> float:
    labels = {"task": "core.metrics_test_task"}
    return REGISTRY.get_sample_value("shop_celery_task_duration_seconds_count", labels) or 0.0


def test_a_task_run_is_counted_by_name_and_outcome_with_its_duration():
    before = task_runs("succeeded"), task_runs("failed"), task_durations()

    current_app.tasks["core.metrics_test_task"].apply()
    current_app.tasks["core.metrics_test_task"].apply(kwargs={"fail": True})

    after = task_runs("succeeded"), task_runs("failed"), task_durations()
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 2]


def test_every_tasks_outcomes_are_exposed_before_they_happen():
    """At 0, so that the first failure of a task is an increase an alert can see."""
    current_app.tasks["core.metrics_test_task"].apply()

    for outcome in ("succeeded", "failed", "retried"):
        labels = {"task": "orders.complete_checkout", "outcome": outcome}
        assert REGISTRY.get_sample_value("shop_celery_tasks_total", labels) is not None
