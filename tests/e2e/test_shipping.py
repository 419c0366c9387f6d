"""Staff ship an order in the Django admin; the customer sees it on their order page."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from .customer import Customer
from .seed import RAINCOAT
from .staff import sign_in_to_admin

pytestmark = pytest.mark.e2e


def mark_shipped_in_admin(page: Page, number: str, tracking_number: str) -> None:
    """Find the order by its number and run "Mark shipped…" with a tracking number."""
    page.locator("tr.model-order").get_by_role("link", name="Orders").click()
    page.locator("#searchbar").fill(number)
    page.locator("#searchbar").press("Enter")
    page.get_by_role("checkbox", name=re.compile(f"Select this object .* {number}$")).check()
    page.get_by_label("Action:").select_option(label="Mark shipped…")
    page.get_by_role("button", name="Go").click()
    expect(page.get_by_role("heading", name="Mark orders shipped")).to_be_visible()
    page.get_by_label("Tracking number").fill(tracking_number)
    page.get_by_role("button", name="Mark shipped").click()
    expect(page.get_by_text("1 order marked shipped.")).to_be_visible()


def test_staff_mark_the_order_shipped_in_the_admin_and_the_customer_sees_it_shipped(
    open_page, mailbox
):
    customer = Customer(open_page(), mailbox)
    customer.sign_up()
    customer.verify_email()
    customer.search("raincoat")
    customer.open_product(RAINCOAT)
    customer.choose_option("M")
    customer.add_to_cart()
    customer.check_out()
    number = customer.pay()
    customer.open_order(number)
    status = customer.page.locator(".account-head .order-status")
    expect(status).to_have_text("Paid")

    staff = open_page()
    sign_in_to_admin(staff)
    tracking_number = f"TRK{uuid.uuid4().hex[:10].upper()}"
    mark_shipped_in_admin(staff, number, tracking_number)

    customer.page.reload()
    expect(status).to_have_text("Shipped")
    expect(customer.page.get_by_text(tracking_number)).to_be_visible()
    expect(customer.page.get_by_role("button", name="Cancel this order…")).to_have_count(0)
    shipped = customer.mail_about(f"Your order {number} is on its way")
    assert tracking_number in shipped.text
