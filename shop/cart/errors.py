"""
The refusals of the cart service, each with a stable ``code``.
``shop.cart.public`` re-exports the one other apps may meet
(``InvalidCartToken``); the rest are answers of the cart's pages and API.
"""

from shop.core.errors import Conflict, NotFound, ShopError


class InvalidBody(ShopError):
    """An API request whose body is not a JSON object."""

    code = "invalid"
    default_detail = "Send a JSON object."


class InvalidQuantity(ShopError):
    code = "invalid_quantity"
    default_detail = "The quantity must be a whole number."


class UnknownSku(ShopError):
    code = "unknown_sku"
    default_detail = "No product has this SKU."


class SkuUnavailable(ShopError):
    """The SKU exists but is not for sale (the product or the option was withdrawn)."""

    code = "sku_unavailable"
    default_detail = "This product is not for sale at the moment."


class CartFull(ShopError):
    code = "cart_full"
    default_detail = "The cart cannot hold more different products."


class InvalidCartToken(ShopError):
    code = "invalid_cart_token"
    default_detail = "The X-Cart-Token header does not hold a cart token this shop issued."


class CartLineNotFound(NotFound):
    """Also the answer for a line of somebody else's cart."""

    code = "cart_line_not_found"
    default_detail = "No such line in your cart."


class NotEnoughStock(Conflict):
    """``extra`` carries ``sku``, ``available`` and ``in_cart`` (what the cart already holds)."""

    code = "out_of_stock"
    default_detail = "Not enough of this product is in stock."


class InvalidCountry(ShopError):
    """The country an estimate is asked for is not an ISO 3166-1 alpha-2 code."""

    code = "invalid_country"
    default_detail = "Choose a country (a two-letter ISO 3166-1 code such as DE)."


class VoucherNeedsItems(ShopError):
    """A code entered in a cart with nothing that can be bought."""

    status_code = 422
    code = "voucher_needs_items"
    default_detail = "Add something to your cart before entering a voucher code."


class InvalidVoucherCode(ShopError):
    code = "invalid_voucher_code"
    default_detail = "Enter a voucher code (up to 40 letters, digits or dashes)."
