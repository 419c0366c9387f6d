"""A customer's purchase in a real browser: sign-up to order, and a declined payment retried."""

import re

import pytest
from playwright.sync_api import expect

from .customer import Customer
from .seed import OTHER_PRODUCTS, RAINCOAT

pytestmark = pytest.mark.e2e

PLACED = "Thank you for your order"


def test_a_new_customer_signs_up_buys_a_raincoat_in_size_l_and_gets_the_order_email(page, mailbox):
    customer = Customer(page, mailbox)
    customer.sign_up()
    customer.verify_email()

    customer.search("raincoat")
    expect(page.get_by_text("1 product", exact=True)).to_be_visible()
    for other in OTHER_PRODUCTS:
        expect(page.get_by_role("link", name=other)).to_have_count(0)
    customer.open_product(RAINCOAT)
    customer.choose_option("L")
    expect(page.get_by_text("SKU RAIN-L")).to_be_visible()
    expect(page.locator(".product__info .price__now")).to_have_text("€95.00")
    customer.add_to_cart()
    expect(page.get_by_text(f"Added 1 of {RAINCOAT} — L to your cart.")).to_be_visible()

    customer.check_out(delivery="Express delivery")
    expect(page.get_by_role("button", name="Pay €107.90")).to_be_visible()  # 95.00 + 12.90
    number = customer.pay()

    page.get_by_role("link", name="See your order").click()
    expect(page.get_by_role("heading", name=f"Order {number}")).to_be_visible()
    expect(page.locator(".account-head .order-status")).to_have_text("Paid")
    items = page.get_by_role("table")
    # header, one line, subtotal, shipping, the VAT in the price, total
    expect(items.get_by_role("row")).to_have_count(6)
    expect(items.get_by_role("row", name=re.compile(r"^Incl\. VAT 20 %"))).to_contain_text("€")
    expect(items.get_by_role("row").nth(1)).to_contain_text(RAINCOAT)
    expect(items.get_by_role("row").nth(1).get_by_text("L", exact=True)).to_be_visible()
    expect(items.get_by_role("row").nth(1)).to_contain_text("SKU RAIN-L")
    expect(items.get_by_role("row", name=re.compile(r"^Total "))).to_contain_text("€107.90")
    page.get_by_role("link", name=re.compile(r"^Cart")).click()
    expect(page.get_by_text("Your cart is empty.")).to_be_visible()

    placed = customer.mail_about(f"{PLACED} {number}")
    assert f"1 \N{MULTIPLICATION SIGN} {RAINCOAT} (L)" in placed.text
    assert placed.link(f"/orders/{number}/")


def test_a_declined_payment_is_retried_and_makes_exactly_one_order(page, mailbox, live_shop):
    customer = Customer(page, mailbox)
    customer.sign_up()
    customer.verify_email()
    customer.search("raincoat")
    customer.open_product(RAINCOAT)
    customer.choose_option("M")
    customer.add_to_cart()
    customer.check_out()

    customer.decline_payment()
    expect(page.get_by_text("Nothing was charged and your cart is as you left it.")).to_be_visible()
    page.get_by_role("link", name="Try again").click()
    customer.fill_in_checkout()
    expect(page.get_by_role("button", name="Pay €89.00")).to_be_visible()  # free standard delivery
    number = customer.pay()

    page.goto("/orders/")
    expect(page.get_by_role("link", name=re.compile(r"^Order "))).to_have_count(1)
    expect(page.get_by_role("link", name=f"Order {number}", exact=True)).to_be_visible()
    assert [m.subject for m in mailbox.to(customer.email) if PLACED in m.subject] == [
        f"[Shop] {PLACED} {number}"
    ]
    assert live_shop.count("SELECT COUNT(*) FROM orders_order WHERE email = ?", customer.email) == 1
