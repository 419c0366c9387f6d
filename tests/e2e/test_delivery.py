"""In the browser: the delivery options follow the country, and a country not served is refused."""

import re

import pytest
from playwright.sync_api import expect

from .customer import LONDON, Customer
from .seed import GERMAN_DELIVERY, RAINCOAT

pytestmark = pytest.mark.e2e

BERLIN = {**LONDON, "City": "Berlin", "Postal code": "10117"}


def test_the_delivery_options_follow_the_country_and_brazil_is_refused(page, mailbox, live_shop):
    customer = Customer(page, mailbox)
    customer.sign_up()
    customer.verify_email()
    customer.put_in_cart(RAINCOAT, "M", search="raincoat")
    page.get_by_role("link", name="Check out").click()
    page.get_by_role("radio", name="A new address").check()
    for label, value in BERLIN.items():
        page.get_by_label(label, exact=True).fill(value)

    page.get_by_label("Country").select_option(label="Brazil")
    refusal = page.get_by_role("alert").filter(has_text="We do not deliver to Brazil.")
    expect(refusal).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("delivery"))).to_have_count(0)
    page.get_by_role("button", name="Continue to payment").click()
    expect(refusal).to_be_visible()
    assert (
        live_shop.count("SELECT COUNT(*) FROM orders_checkout WHERE email = ?", customer.email) == 0
    )

    page.get_by_label("Country").select_option(label="Germany")
    expect(page.get_by_label("City", exact=True)).to_have_value("Berlin")  # kept
    german = page.get_by_role("radio", name=re.compile(f"^{GERMAN_DELIVERY}: €3.90"))
    expect(german).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile("^Express"))).to_have_count(0)
    german.check()
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("button", name="Pay €92.90")).to_be_visible()  # 89.00 + 3.90
