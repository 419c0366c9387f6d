"""A production shop that charges VAT is told when its invoices lack its VAT number or address."""

from shop.invoices.checks import seller_details


def ids(settings) -> list[str]:
    return [warning.id for warning in seller_details()]


def test_production_without_the_vat_number_or_address_is_warned(settings):
    settings.DEBUG = False
    settings.INVOICES_SELLER_VAT_NUMBER = " "
    settings.INVOICES_SELLER_ADDRESS = []

    assert ids(settings) == ["invoices.W001", "invoices.W002"]


def test_a_complete_seller_or_a_development_shop_is_not_warned(settings):
    settings.DEBUG = False
    settings.INVOICES_SELLER_VAT_NUMBER = "DE123456789"
    settings.INVOICES_SELLER_ADDRESS = ["Hafenstraße 7", "20457 Hamburg"]
    assert ids(settings) == []

    settings.DEBUG = True
    settings.INVOICES_SELLER_VAT_NUMBER = ""
    assert ids(settings) == []
