"""
The alert rules (deploy/prometheus/alerts.yml) and the Grafana dashboard
(deploy/grafana/shop.json) that docs/operations.md points operators to: in
the shape Prometheus and Grafana load, and naming only metrics /metrics
exposes, so a renamed metric cannot leave an alert silently blind.
"""

import json
import re

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ROOT

ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "shop.json"
TOKEN = "scraper-secret-0123456789"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
DURATION = re.compile(r"\d+[smhd]")


def rules() -> list[dict]:
    return [
        rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]
    ]


def panels() -> list[dict]:
    return [
        panel for panel in json.loads(DASHBOARD.read_text())["panels"] if panel["type"] != "row"
    ]


@pytest.fixture
def exposed(client, settings) -> set[str]:
    """Every sample name a scrape of this shop can hold."""
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_NETWORKS = TOKEN, []
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    return {
        family.name + suffix
        for family in text_string_to_metric_families(text)
        for suffix in SUFFIXES.get(family.type, ("",))
    }


def named(expression: str) -> set[str]:
    return set(re.findall(r"\bshop_[a-z_]+", expression))


def test_every_alert_rule_has_a_name_an_expression_a_severity_and_words_for_the_person_paged():
    found = rules()

    assert len({rule["alert"] for rule in found}) == len(found) > 10
    for rule in found:
        assert rule["expr"].strip(), rule["alert"]
        assert rule["labels"]["severity"] in ("page", "ticket"), rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        assert DURATION.fullmatch(rule.get("for", "0s")), rule["alert"]


@pytest.mark.django_db
def test_the_alerts_name_only_metrics_the_shop_exposes(exposed):
    unknown = {rule["alert"]: named(rule["expr"]) - exposed for rule in rules()}

    assert {alert: names for alert, names in unknown.items() if names} == {}


def test_the_dashboard_loads_with_a_prometheus_data_source_and_distinct_panels():
    dashboard = json.loads(DASHBOARD.read_text())

    assert [variable["type"] for variable in dashboard["templating"]["list"]] == ["datasource"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(set(ids)) == len(ids)
    assert all(panel["targets"] and panel["gridPos"]["w"] <= 24 for panel in panels())


@pytest.mark.django_db
def test_the_dashboard_shows_only_metrics_the_shop_exposes_and_every_alerted_one(exposed):
    shown = {
        name for panel in panels() for target in panel["targets"] for name in named(target["expr"])
    }
    alerted = {name for rule in rules() for name in named(rule["expr"])}

    assert shown - exposed == set()
    assert alerted - shown == set()
