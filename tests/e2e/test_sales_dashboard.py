"""
Staff read the sales dashboard in the admin: an order manager signs in,
opens it from the admin's index, sees the last 30 days, widens the period
with a preset and narrows it with the date form to two days six weeks ago,
reads the figures and the charts, downloads the top products as CSV, and
is told plainly when a period makes no sense.
"""

import csv
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from .past_sales import AVERAGE, CATEGORY, ORDERS, PRINT, REFUNDED, REVENUE, sale_days
from .staff import sign_in_to_admin

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def past_sales(live_shop):
    live_shop.run("-m", "tests.e2e.past_sales")


def test_an_order_manager_reads_the_sales_of_a_period_and_downloads_a_table(page, past_sales):
    sign_in_to_admin(page)
    page.get_by_role("link", name="Sales dashboard").click()
    expect(page.get_by_role("heading", name="Sales dashboard")).to_be_visible()
    products = page.locator("#products")
    expect(page.get_by_role("link", name="Last 30 days")).to_have_attribute("aria-current", "true")
    expect(products).not_to_contain_text(PRINT)  # sold six weeks ago

    page.get_by_role("link", name="Last 90 days").click()
    expect(products.get_by_role("row", name=PRINT)).to_contain_text(CATEGORY)

    first, last = sale_days(datetime.now(UTC).date())  # the shop's days are UTC's here
    page.get_by_label("From", exact=True).fill(first.isoformat())
    page.get_by_label("To", exact=True).fill(last.isoformat())
    page.get_by_role("button", name="Show").click()
    figures = page.locator(".figures")
    expect(figures.locator("div", has_text="Orders")).to_contain_text(str(ORDERS))
    expect(figures.locator("div", has_text="Revenue").first).to_contain_text(f"€{REVENUE}")
    expect(figures.locator("div", has_text="Refunded")).to_contain_text(f"€{REFUNDED}")
    expect(figures.locator("div", has_text="Average order value")).to_contain_text(f"€{AVERAGE}")
    expect(page.locator("#revenue-chart rect.bar")).to_have_count(2)  # a bar a day
    expect(page.locator("#orders-chart rect.bar")).to_have_count(2)

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download “Top products” as CSV").click()
    download = downloading.value
    assert download.suggested_filename == f"sales-products-{first}-to-{last}.csv"
    with open(download.path(), newline="", encoding="utf-8") as table:
        rows = list(csv.reader(table))
    assert rows == [["Product", "Category", "Units", "Revenue"], [PRINT, CATEGORY, "3", "75.00"]]

    page.get_by_label("From", exact=True).fill((last + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".errornote")).to_have_text(
        "The period must start on or before the day it ends."
    )
    expect(figures).to_have_count(0)
