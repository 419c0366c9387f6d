"""In the browser: a guest enters a voucher in the cart and pays the discounted price."""

import re

import pytest
from playwright.sync_api import expect

from .customer import Customer, new_email
from .seed import GERMAN_DELIVERY, RAINCOAT, VOUCHER
from .test_guest_purchase import BERLIN

pytestmark = pytest.mark.e2e


def test_a_guest_buys_with_a_voucher_and_sees_the_saving_on_the_order(page, mailbox):
    guest = Customer(page, mailbox, email=new_email("voucher"))
    page.goto("/")
    guest.put_in_cart(RAINCOAT, "M", search="raincoat")  # 89.00

    page.get_by_label("Voucher code").fill("NOT-A-CODE")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("There is no voucher with the code NOT-A-CODE.")).to_be_visible()
    page.get_by_label("Voucher code").fill(VOUCHER.lower())  # codes ignore case
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".cart-voucher__applied")).to_contain_text("\N{MINUS SIGN}€8.90")

    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Email address").fill(guest.email)
    for label, value in BERLIN.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country").select_option(label="Germany")
    page.get_by_role("radio", name=re.compile(f"^{GERMAN_DELIVERY}")).check()
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("button", name="Pay €84.00")).to_be_visible()  # 80.10 + 3.90
    number = guest.pay()
    expect(page.get_by_text(f"Voucher {VOUCHER}: you saved")).to_be_visible()

    placed = guest.mail_about(f"Thank you for your order {number}")
    assert f"Voucher {VOUCHER}: you saved €8.90" in placed.text
    page.goto(re.search(rf"(/orders/guest/{number}/\w+/)\s", placed.text).group(1))
    expect(page.locator(".order-voucher")).to_contain_text("€8.90")
    expect(page.get_by_role("row", name=re.compile(r"^Total "))).to_contain_text("€84.00")
