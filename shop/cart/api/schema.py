"""
OpenAPI documentation of the cart API: one ``extend_schema`` per view method
(``@schema.get_cart`` in ``views``), with the responses and examples it
needs. The error shape is the shared ``Error`` component of
``shop.core.api.docs``.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from shop.core.api.docs import error, error_example, example

from ..owners import TOKEN_HEADER
from .serializers import (
    AddItemSerializer,
    CartSerializer,
    ChangeItemSerializer,
    VoucherCodeSerializer,
)

TAGS = ["cart"]

TOKEN_PARAMETER = OpenApiParameter(
    TOKEN_HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Anonymous callers: the token from a previous cart response. Omit it on the first "
        "call. A signed-in caller who sends one has that anonymous cart merged into theirs."
    ),
)
COUNTRY_PARAMETER = OpenApiParameter(
    "country",
    location=OpenApiParameter.QUERY,
    required=False,
    description=(
        "Where the cart's `estimate` delivers to (ISO 3166-1 alpha-2, `FR`); default the "
        "shop's own country (`TAXES_HOME_COUNTRY`). A country no zone serves is estimated "
        "without delivery (`delivers`: false); one that is no country is 400 `invalid_country`."
    ),
)
CART = {
    "items": [
        {
            "id": 41,
            "sku": "COAT-M",
            "quantity": 1,
            "name": "Harbour raincoat — M",
            "product_slug": "harbour-raincoat",
            "options": {"size": "M"},
            "image_url": "https://shop.example.com/media/CACHE/images/raincoat/480x360.jpg",
            "unit_price": "71.20",
            "regular_price": "89.00",
            "sale": {"name": "Winter sale", "ends_at": "2026-12-31T23:00:00Z"},
            "line_total": "71.20",
            "price_changed": False,
            "previous_unit_price": None,
            "available": 12,
            "problem": None,
        }
    ],
    "item_count": 1,
    "subtotal": "71.20",
    "currency": "EUR",
    "has_problems": False,
    "discount": "0.00",
    "voucher": None,
    "estimate": {
        "country": "DE",
        "country_name": "Germany",
        "prices_include_tax": True,
        "tax_note": "incl. VAT",
        "delivers": True,
        "unavailable": "",
        "delivery": {
            "code": "standard",
            "name": "Standard delivery",
            "price": "0.00",
            "free_from": "50.00",
        },
        "free_delivery": [],
        "taxed": True,
        "taxes": [{"rate": "19.00", "net": "59.83", "tax": "11.37", "gross": "71.20"}],
        "shipping": "0.00",
        "net": "59.83",
        "tax": "11.37",
        "total": "71.20",
    },
}
CART_RESPONSE = OpenApiResponse(
    CartSerializer,
    description=(
        f"The cart. Anonymous callers find their token in the {TOKEN_HEADER} header. A line "
        "a sale lowers gives its `regular_price` and the `sale`, as the product API does."
    ),
    examples=[example("A line on sale", CART)],
)
BAD_TOKEN = error_example(
    "Bad token",
    "The X-Cart-Token header does not hold a cart token this shop issued.",
    "invalid_cart_token",
)
BAD_QUANTITY = error_example(
    "Bad quantity",
    "The quantity must be a whole number from 1 to 99.",
    "invalid_quantity",
    min_quantity=1,
    max_quantity=99,
)
BAD_COUNTRY = error_example(
    "Bad country",
    "Choose a country (a two-letter ISO 3166-1 code such as DE).",
    "invalid_country",
)
UNKNOWN_SKU = error_example(
    "Unknown SKU", "No product has the SKU 'NOPE'.", "unknown_sku", sku="NOPE"
)
NOT_FOUND = error(
    "No such line in the caller's cart (another caller's lines are not found either).",
    error_example("Unknown line", "No such line in your cart.", "cart_line_not_found"),
)
OUT_OF_STOCK = error(
    "Fewer units can be bought than the cart would hold; nothing changed.",
    error_example(
        "Out of stock",
        "Only 2 of Tee — M can be bought right now.",
        "out_of_stock",
        sku="TEE-M",
        available=2,
        in_cart=1,
    ),
)

get_cart = extend_schema(
    tags=TAGS,
    summary="Your cart",
    description=(
        "Lines with today's names, prices and availability from the catalog, and the "
        "subtotal. Lines whose price changed since they were added say so. The `estimate` "
        'adds the cheapest delivery to `?country=` (with "free from" hints), the tax per '
        "rate and the estimated total; the checkout works out the exact ones for the address."
    ),
    parameters=[TOKEN_PARAMETER, COUNTRY_PARAMETER],
    responses={
        200: CART_RESPONSE,
        400: error("Bad X-Cart-Token or country.", BAD_TOKEN, BAD_COUNTRY),
    },
)

add_item = extend_schema(
    tags=TAGS,
    summary="Add to the cart",
    description=(
        "Adds `quantity` (default 1) of `sku`; a SKU already in the cart gets the quantity "
        "added. The cart never reserves stock: checkout does."
    ),
    parameters=[TOKEN_PARAMETER, COUNTRY_PARAMETER],
    request=AddItemSerializer,
    responses={
        201: OpenApiResponse(CartSerializer, description="A new line was added."),
        200: OpenApiResponse(CartSerializer, description="An existing line grew."),
        400: error(
            "Bad quantity (invalid_quantity), unknown SKU (unknown_sku), SKU not for sale "
            "(sku_unavailable), too many lines (cart_full), bad token or bad `?country=` "
            "(invalid_country, checked before anything changes).",
            BAD_QUANTITY,
            UNKNOWN_SKU,
        ),
        409: OUT_OF_STOCK,
    },
)

change_item = extend_schema(
    tags=TAGS,
    summary="Change a line's quantity",
    description="Quantity 0 removes the line. Raising it is checked against stock.",
    parameters=[TOKEN_PARAMETER, COUNTRY_PARAMETER],
    request=ChangeItemSerializer,
    responses={
        200: CART_RESPONSE,
        400: error("Bad quantity or token.", BAD_QUANTITY),
        404: NOT_FOUND,
        409: OUT_OF_STOCK,
    },
)

remove_item = extend_schema(
    tags=TAGS,
    summary="Remove a line",
    parameters=[TOKEN_PARAMETER],
    request=None,
    responses={
        204: OpenApiResponse(description="Removed."),
        400: error("Bad X-Cart-Token.", BAD_TOKEN),
        404: NOT_FOUND,
    },
)

VOUCHER_REFUSED = error(
    "The code does not apply to the cart as it is; nothing was stored: unknown "
    "(voucher_unknown), not valid now (voucher_expired), below its minimum subtotal "
    "(voucher_minimum_not_reached, with `minimum`), for nothing in the cart "
    "(voucher_not_applicable), or an empty cart (voucher_needs_items).",
    error_example(
        "Unknown code",
        "There is no voucher with the code NOPE.",
        "voucher_unknown",
        voucher_code="NOPE",
    ),
    error_example(
        "Minimum not reached",
        "This voucher needs a subtotal of at least 50.00.",
        "voucher_minimum_not_reached",
        minimum="50.00",
    ),
)
VOUCHER_TAKEN = error(
    "The code's uses are taken: by everyone (voucher_used_up) or by you "
    "(voucher_already_used, signed-in callers); nothing was stored.",
    error_example(
        "Used up", "This voucher has been used up.", "voucher_used_up", voucher_code="ONCE"
    ),
)

enter_voucher = extend_schema(
    tags=TAGS,
    summary="Enter a voucher code",
    description=(
        "Keeps the code in the cart if it applies to the cart as it is (replacing any "
        "other), and answers with the cart, its `voucher` priced per line and delivery. "
        "A code kept that stops applying later (lines removed) stays with `applied`: false "
        "and the reason. The checkout holds it (a single-use code is held by one checkout)."
    ),
    parameters=[TOKEN_PARAMETER, COUNTRY_PARAMETER],
    request=VoucherCodeSerializer,
    responses={
        200: CART_RESPONSE,
        400: error(
            "No code, or one longer than 40 characters (invalid_voucher_code); bad token "
            "or country.",
            error_example(
                "No code",
                "Enter a voucher code (up to 40 letters, digits or dashes).",
                "invalid_voucher_code",
            ),
        ),
        409: VOUCHER_TAKEN,
        422: VOUCHER_REFUSED,
    },
)

remove_voucher = extend_schema(
    tags=TAGS,
    summary="Remove the voucher code",
    description="Takes the code out of the cart (nothing to do without one).",
    parameters=[TOKEN_PARAMETER, COUNTRY_PARAMETER],
    request=None,
    responses={200: CART_RESPONSE, 400: error("Bad X-Cart-Token or country.", BAD_TOKEN)},
)
