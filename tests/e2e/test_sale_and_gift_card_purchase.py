"""
In the browser: a jacket in the Winter sale bought with a gift card
(decisions 0029 and 0030). The sale price shows against the regular one on
the category page, the product page, the cart and the order; the card pays
part of an order (the rest on the test gateway) or, worth more, all of it,
with no payment page; its balance page follows what was spent.
"""

import re

import pytest
from playwright.sync_api import expect

from .customer import LONDON, LONDON_COUNTRY, Customer, new_email
from .seed import GIFT_CARD, JACKET, LARGE_GIFT_CARD, SALE

pytestmark = pytest.mark.e2e

SALE_BADGE = re.compile(rf"^{SALE}, until \d{{1,2}} \w{{3}}$")
WAS = f"{SALE}: was €120.00"


def expect_sale_price(price) -> None:
    """A price: the sale's first, the regular one struck through after it, the sale's badge."""
    expect(price).to_have_text(re.compile(r"€90\.00\s+(was |regularly )?€120\.00"))
    expect(price.locator("s.price__was")).to_contain_text("€120.00")
    expect(price.locator(".badge--sale")).to_have_text(SALE_BADGE)


def test_a_guest_sees_the_sale_and_pays_with_a_gift_card_and_the_rest_by_card(page, mailbox):
    guest = Customer(page, mailbox, email=new_email("gift-card"))
    page.goto("/")
    page.get_by_role("link", name="Outerwear").first.click()
    expect(page.get_by_role("heading", name="Outerwear", level=1)).to_be_visible()
    card = page.locator(".card", has=page.get_by_role("heading", name=JACKET))
    expect(card.locator(".price__now")).to_have_text("€90.00")
    expect_sale_price(card)

    guest.open_product(JACKET)
    expect(page.locator(".price--large .price__now")).to_have_text("€90.00")
    expect_sale_price(page.locator(".price--large"))
    guest.add_to_cart()
    row = page.get_by_role("row", name=re.compile(JACKET))
    expect_sale_price(row.get_by_role("cell").filter(has=page.locator("s.price__was")))

    # Typed as a person copies it from a card: lower case, spaces for dashes.
    typed = GIFT_CARD.lower().replace("-", " ")
    assert guest.check_gift_card(typed) == "Gift card ••••EUR5: €50.00 left."

    page.goto("/cart/")
    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Email address").fill(guest.email)
    for label, value in LONDON.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Country").select_option(label=LONDON_COUNTRY)
    page.get_by_role("radio", name=re.compile("^Standard delivery")).check()  # free from 50
    page.get_by_label("Gift card (optional)").fill(GIFT_CARD)
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("button", name="Pay €40.00")).to_be_visible()  # 90.00 less 50.00
    number = guest.pay()

    placed = guest.mail_about(f"Thank you for your order {number}")
    assert "Paid with gift card ••••EUR5: €50.00" in placed.text
    assert "Paid by card: €40.00" in placed.text
    assert WAS in placed.text
    page.goto(re.search(rf"(/orders/guest/{number}/\w+/)\s", placed.text).group(1))
    expect(page.locator(".order-gift-card")).to_contain_text("Paid with gift card ••••EUR5")
    expect(page.locator(".order-gift-card")).to_contain_text("€50.00")
    expect(page.locator(".order-card-payment")).to_contain_text("€40.00")
    expect(page.locator(".order-sale")).to_have_text(WAS)
    expect(page.get_by_role("row", name=re.compile(r"^Total "))).to_contain_text("€90.00")

    assert guest.check_gift_card(GIFT_CARD) == "Gift card ••••EUR5: €0.00 left."


def test_a_gift_card_worth_more_than_the_order_pays_it_all_with_no_payment_page(page, mailbox):
    customer = Customer(page, mailbox)
    customer.sign_up()
    customer.verify_email()
    page.goto("/")
    customer.search("jacket")
    customer.open_product(JACKET)
    customer.add_to_cart()
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))

    page.get_by_role("link", name="Check out").click()
    customer.enter_checkout_details(gift_card=LARGE_GIFT_CARD)
    page.get_by_role("button", name="Continue to payment").click()

    number = customer.placed_order_number()
    assert not [url for url in visited if "/payments/" in url]
    summary = page.locator(".checkout__gift-card")
    expect(summary).to_contain_text("Paid with gift card ••••EUR9")
    expect(summary).to_contain_text("€90.00")
    expect(page.get_by_text("To pay by card")).to_have_count(0)

    customer.open_order(number)
    expect(page.locator(".order-gift-card")).to_contain_text("€90.00")
    expect(page.locator(".order-card-payment")).to_have_count(0)
    expect(page.locator(".order-sale")).to_have_text(WAS)
    placed = customer.mail_about(f"Thank you for your order {number}")
    assert "Paid with gift card ••••EUR9: €90.00" in placed.text
    assert "Paid by card" not in placed.text

    assert customer.check_gift_card(LARGE_GIFT_CARD) == "Gift card ••••EUR9: €10.00 left."
