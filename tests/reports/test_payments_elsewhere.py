"""
With payments running as a service of its own (``SHOP_REMOTE_APPS``), the
dashboard reads its figures over the internal API, the same as in process;
and when payments does not answer, the page says so and shows the rest.
"""

import pytest
from django.utils import timezone

from shop.core.remote import client
from shop.reports import figures
from shop.reports.periods import Period

from .factories import flag, order_on, refund

URL = "/admin/reports/salesdashboard/"


@pytest.mark.django_db(transaction=True)
def test_payments_figures_come_over_http_as_they_do_in_process(live_server, monkeypatch):
    order = order_on(timezone.now())
    refund(order, "5.00", reason="Scratched")
    flag(order)
    today = timezone.localdate()
    period = Period(today, today)
    here = figures.sales_report(period, "EUR")

    monkeypatch.setattr(figures, "payments", client.remote_module("payments", live_server.url))
    elsewhere = figures.sales_report(period, "EUR")

    assert elsewhere.missing == []
    assert elsewhere.refund_totals == here.refund_totals != []
    assert elsewhere.refunds == here.refunds
    assert elsewhere.flagged == here.flagged
    assert elsewhere.refunds[0].order == order.number


@pytest.mark.django_db
def test_payments_not_answering_leaves_its_tables_empty_and_the_page_says_so(
    admin_client, monkeypatch, settings
):
    settings.SHOP_REMOTE_RETRIES = 0
    monkeypatch.setattr(client, "BACKOFF", 0)
    monkeypatch.setattr(figures, "payments", client.remote_module("payments", "http://127.0.0.1:9"))
    order_on(timezone.now())

    response = admin_client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Payments did not answer" in page
    assert response.context["report"].total.orders == 1
    assert response.context["report"].refunds == []
