import pytest


@pytest.fixture(autouse=True)
def seller(settings):
    settings.INVOICES_SELLER_NAME = "Nordwind Outfitters GmbH"
    settings.INVOICES_SELLER_ADDRESS = ["Hafenstraße 7", "20457 Hamburg", "Germany"]
    settings.INVOICES_SELLER_VAT_NUMBER = "DE123456789"
    settings.INVOICES_SELLER_EMAIL = "billing@nordwind.example"
