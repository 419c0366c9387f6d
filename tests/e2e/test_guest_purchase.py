"""
In the browser: a guest buys without an account, opens the order and its
invoice PDF from the email's link, and later finds the order in the account
they open with the same address.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.invoices.pdftext import pdf_text

from .customer import Customer, new_email
from .seed import GERMAN_DELIVERY, RAINCOAT

pytestmark = pytest.mark.e2e

BERLIN = {
    "Full name": "Grace Hopper",
    "Address line 1": "Unter den Linden 1",
    "City": "Berlin",
    "Postal code": "10117",
}


def test_a_guest_buys_a_raincoat_for_berlin_and_opens_the_order_from_the_email(
    page, mailbox, open_page
):
    guest = Customer(page, mailbox, email=new_email("guest"))
    page.goto("/")
    guest.put_in_cart(RAINCOAT, "M", search="raincoat")
    page.get_by_role("link", name="Check out").click()
    expect(page.get_by_role("link", name="Sign in instead")).to_be_visible()
    page.get_by_label("Email address").fill(guest.email)
    for label, value in BERLIN.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country").select_option(label="Germany")  # the script updates delivery
    page.get_by_role("radio", name=re.compile(f"^{GERMAN_DELIVERY}: €3.90")).check()
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("button", name="Pay €92.90")).to_be_visible()  # 89.00 + 3.90
    number = guest.pay()
    expect(page.get_by_text(re.compile(r"VAT 19 %"))).to_be_visible()

    placed = guest.mail_about(f"Thank you for your order {number}")
    assert "Incl. VAT 19 %" in placed.text
    # The order's link (the invoice's is the same with "invoice/" after it).
    link = re.search(rf"(/orders/guest/{number}/\w+/)\s", placed.text).group(1)
    elsewhere = open_page()  # another browser: no session, no account
    elsewhere.goto(link)
    expect(elsewhere.get_by_role("heading", name=f"Order {number}")).to_be_visible()
    expect(elsewhere.get_by_role("row", name=re.compile(r"^Incl\. VAT 19 %"))).to_be_visible()
    invoice = elsewhere.get_by_role("link", name=re.compile(r"^Invoice INV-"))
    expect(invoice).to_be_visible()
    pdf = elsewhere.request.get(invoice.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.body())
    assert number in text and "Grace Hopper" in text and "VAT 19 %" in text
    elsewhere.get_by_text("Cancel this order…").click()
    elsewhere.get_by_role("button", name="Yes, cancel my order").click()
    expect(elsewhere.get_by_text(f"Order {number} has been cancelled.")).to_be_visible()


def test_a_guests_order_appears_in_the_account_opened_with_the_same_address(page, mailbox):
    guest = Customer(page, mailbox, email=new_email("guest"))
    page.goto("/")
    guest.put_in_cart(RAINCOAT, "L", search="raincoat")
    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Email address").fill(guest.email)
    for label, value in BERLIN.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country").select_option(label="Germany")
    page.get_by_role("radio", name=re.compile(f"^{GERMAN_DELIVERY}")).check()
    page.get_by_role("button", name="Continue to payment").click()
    number = guest.pay()

    guest.sign_up()
    guest.verify_email()

    page.goto("/orders/")
    expect(page.get_by_role("link", name=f"Order {number}", exact=True)).to_be_visible()
    guest.open_order(number)
    expect(page.get_by_role("link", name=re.compile(r"^Invoice INV-"))).to_be_visible()
