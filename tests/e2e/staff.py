"""What staff do in the browser: sign in to the admin."""

from playwright.sync_api import Page, expect

from .seed import STAFF_EMAIL, STAFF_PASSWORD


def sign_in_to_admin(page: Page, email: str = STAFF_EMAIL, password: str = STAFF_PASSWORD) -> None:
    page.goto("/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    admin_index = page.get_by_role("heading", name="Catalog, customers, payments, taxes and orders")
    expect(admin_index).to_be_visible()
