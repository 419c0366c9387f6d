"""The storefront with JavaScript switched off: picking a size and buying it still work."""

import re

import pytest
from playwright.sync_api import expect

from .seed import RAINCOAT

pytestmark = pytest.mark.e2e


def test_without_javascript_a_visitor_sees_a_size_then_adds_the_size_ticked(open_page):
    page = open_page(javascript=False)
    page.goto("/search/?q=raincoat")
    page.get_by_role("link", name=RAINCOAT).click()

    page.get_by_role("radio", name=re.compile(r"^L\b")).check()
    page.get_by_role("button", name="Show this option").click()
    expect(page).to_have_url(re.compile(r"\?variant=RAIN-L$"))
    expect(page.locator(".product__info .price__now")).to_have_text("€95.00")

    page.get_by_role("radio", name=re.compile(r"^S\b")).check()
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()

    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.get_by_text(f"Added 2 of {RAINCOAT} — S to your cart.")).to_be_visible()
