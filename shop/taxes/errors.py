"""The refusals of the taxes service, each with a stable ``code``."""

from shop.core.errors import ShopError


class InvalidTaxRequest(ShopError):
    """A country that is not two letters, a negative amount, or an amount of no minor unit."""

    code = "invalid_tax_request"
    default_detail = "The tax calculation was asked with an invalid country or amount."
