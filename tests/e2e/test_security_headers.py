"""
The Content-Security-Policy in a real browser: what an injected script or
style would do is refused, and the pages the shop serves (the storefront in
the other tests, the admin and Swagger UI here) work under it. Every e2e test
fails on a refusal in the console (conftest.py), so these only need to go
where the others do not.
"""

import re

import pytest
from playwright.sync_api import expect

from .seed import CATALOG_STAFF_EMAIL, CATALOG_STAFF_PASSWORD, RAINCOAT
from .staff import sign_in_to_admin

pytestmark = pytest.mark.e2e

# What an HTML injection would try: an inline script, an inline event handler,
# a style attribute hiding part of the page.
INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.injectedScriptRan = true";
  document.body.append(script);
  document.body.insertAdjacentHTML("beforeend", '<p id="injected" style="display: none">x</p>');
  document.body.insertAdjacentHTML(
    "beforeend", '<img src="/no-such-image" onerror="window.injectedHandlerRan = true">'
  );
}"""


def test_a_script_handler_or_style_injected_into_a_page_is_refused(page, browser_console):
    page.goto("/")

    with page.expect_console_message(lambda message: "inline event handler" in message.text):
        page.evaluate(INJECT)

    assert page.evaluate("[window.injectedScriptRan, window.injectedHandlerRan]") == [None, None]
    expect(page.locator("#injected")).to_be_visible()  # its style="display: none" was refused
    refused = browser_console.take_policy_violations()
    assert len(refused) == 3, refused
    assert "inline script" in refused[0] and "script-src" in refused[0]
    assert "inline style" in refused[1] and "style-src" in refused[1]
    assert "inline event handler" in refused[2] and "script-src" in refused[2]


def test_the_storefront_serves_the_product_photo_from_its_own_media(page):
    page.goto("/search/?q=raincoat")
    page.get_by_role("link", name=RAINCOAT).click()

    photo = page.get_by_role("img", name="Front view")
    expect(photo).to_be_visible()
    assert photo.evaluate("image => image.naturalWidth") > 0


def test_a_catalog_manager_edits_products_in_the_admin_with_its_scripts_working(page):
    sign_in_to_admin(page, CATALOG_STAFF_EMAIL, CATALOG_STAFF_PASSWORD)

    page.goto("/admin/catalog/product/add/")
    page.get_by_label("Name").press_sequentially("Storm Poncho")
    expect(page.get_by_label("Slug")).to_have_value("storm-poncho")  # prepopulated by its script

    page.goto("/admin/catalog/product/")
    page.get_by_role("link", name=RAINCOAT).click()
    expect(page.locator("img[src*='/media/']").first).to_be_visible()  # the photo's preview

    page.goto("/admin/catalog/variant/")
    page.get_by_role("link", name="RAIN-L").click()
    page.locator(".select2-selection").first.click()  # the product's autocomplete
    page.locator(".select2-search__field").fill("Harbour")
    expect(page.get_by_role("option", name=re.compile(RAINCOAT))).to_be_visible()

    page.goto("/admin/catalog/stockmovement/")
    expect(page.locator("#changelist")).to_be_visible()


def test_the_api_docs_show_the_operations_and_try_one_out(page):
    page.goto("/api/docs/")

    operation = page.locator(".opblock-get", has=page.locator('[data-path="/api/v1/cart/"]'))
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    expect(status).to_have_text("200")
