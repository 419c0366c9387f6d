"""
What a customer does in the browser, one method per step, each checking
that the step landed where a customer would expect before the next one.
The tests read as the customer's story and assert what the customer sees.
"""

import re
import uuid
from dataclasses import dataclass, field

from playwright.sync_api import Page, expect

from .mailbox import Mail, Mailbox

PASSWORD = "quiet-harbour-1843"

LONDON = {
    "Full name": "Ada Lovelace",
    "Address line 1": "12 St James's Square",
    "City": "London",
    "Postal code": "SW1Y 4JH",
}
LONDON_COUNTRY = "United Kingdom"


def new_email(who: str) -> str:
    """An address no other test (or earlier run on the same shop) has used."""
    return f"{who}-{uuid.uuid4().hex[:8]}@example.com"


@dataclass
class Customer:
    page: Page
    mailbox: Mailbox
    email: str = field(default_factory=lambda: new_email("customer"))

    def sign_up(self) -> None:
        page = self.page
        page.goto("/")
        page.get_by_role("link", name="Create account").click()
        page.get_by_label("Email").fill(self.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("Password (again)").fill(PASSWORD)
        page.get_by_role("button", name="Sign Up").click()
        expect(page.get_by_text(f"Confirmation email sent to {self.email}")).to_be_visible()

    def verify_email(self) -> None:
        """Follow the link in the confirmation mail and confirm."""
        mail = self.mailbox.wait_for(self.email, "Confirm Your Email")
        self.page.goto(mail.link("/accounts/confirm-email/"))
        self.page.get_by_role("button", name="Confirm").click()
        expect(self.page.get_by_text(f"You have confirmed {self.email}")).to_be_visible()

    def search(self, words: str) -> None:
        self.page.get_by_role("searchbox", name="Search products").fill(words)
        self.page.get_by_role("button", name="Search", exact=True).click()
        expect(self.page.get_by_role("heading", name=f"Results for “{words}”")).to_be_visible()

    def open_product(self, name: str) -> None:
        self.page.get_by_role("link", name=name).click()
        expect(self.page.get_by_role("heading", name=name, level=1)).to_be_visible()

    def choose_option(self, label: str) -> None:
        """Tick a variant; the page shows it (a reload, done by ``product.js``)."""
        option = self.page.get_by_role("radio", name=re.compile(rf"^{re.escape(label)}\b"))
        with self.page.expect_navigation():
            option.check()
        expect(option).to_be_checked()

    def add_to_cart(self) -> None:
        self.page.get_by_role("button", name="Add to cart").click()
        expect(self.page.get_by_role("heading", name="Your cart")).to_be_visible()

    def put_in_cart(self, product: str, option: str, *, search: str) -> None:
        """Find ``product`` by searching for ``search``, tick ``option``, add it to the cart."""
        self.search(search)
        self.open_product(product)
        self.choose_option(option)
        self.add_to_cart()

    def check_out(self, *, delivery: str = "Standard delivery") -> None:
        """From the cart to the payment page, shipping to a new address in London."""
        self.page.goto("/cart/")
        self.page.get_by_role("link", name="Check out").click()
        self.fill_in_checkout(delivery=delivery)

    def fill_in_checkout(self, *, delivery: str = "Standard delivery", gift_card: str = "") -> None:
        """On the checkout page: a new address in London, ``delivery``, then to the payment page."""
        self.enter_checkout_details(delivery=delivery, gift_card=gift_card)
        self.page.get_by_role("button", name="Continue to payment").click()
        expect(self.page.get_by_role("heading", name="Test payment")).to_be_visible()

    def enter_checkout_details(
        self, *, delivery: str = "Standard delivery", gift_card: str = ""
    ) -> None:
        """On the checkout page: a new address in London, ``delivery``, and a gift card if given."""
        page = self.page
        expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
        page.get_by_role("radio", name="A new address").check()
        for label, value in LONDON.items():
            page.get_by_label(label, exact=True).fill(value)
        page.get_by_label("Country").select_option(label=LONDON_COUNTRY)
        page.get_by_role("radio", name=re.compile(f"^{re.escape(delivery)}")).check()
        if gift_card:
            page.get_by_label("Gift card (optional)").fill(gift_card)

    def check_gift_card(self, code: str) -> str:
        """The balance page's answer for ``code``: "Gift card ••••ABCD: €50.00 left"."""
        self.page.goto("/gift-cards/balance/")
        self.page.get_by_label("Gift card code").fill(code)
        self.page.get_by_role("button", name="Check the balance").click()
        balance = self.page.locator(".gift-card__balance")
        expect(balance).to_be_visible()
        return balance.inner_text()

    def pay(self) -> str:
        """Pay on the test gateway and wait for the order; its number."""
        self.page.get_by_role("button", name=re.compile(r"^Pay ")).click()
        return self.placed_order_number()

    def placed_order_number(self) -> str:
        """On the page after checking out: wait for the thanks; the order's number."""
        expect(self.page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
        confirmation = self.page.get_by_text(re.compile(r"your order \S+ is placed"))
        return re.search(r"your order (\S+) is placed", confirmation.inner_text()).group(1)

    def decline_payment(self) -> None:
        self.page.get_by_role("button", name="Decline").click()
        expect(
            self.page.get_by_role("heading", name="The payment did not go through")
        ).to_be_visible()

    def open_order(self, number: str) -> None:
        self.page.goto("/orders/")
        self.page.get_by_role("link", name=f"Order {number}", exact=True).click()
        expect(self.page.get_by_role("heading", name=f"Order {number}")).to_be_visible()

    def mail_about(self, subject_contains: str) -> Mail:
        return self.mailbox.wait_for(self.email, subject_contains)
