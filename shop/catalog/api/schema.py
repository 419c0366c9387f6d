"""
OpenAPI documentation of the catalog API: one ``extend_schema`` per view
method (``@schema.list_products`` in ``views``), with the responses and
examples it needs. The error shape is the shared ``Error`` component of
``shop.core.api.docs``; only the bulk stock refusal has a shape of its own.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

from shop.core.api.docs import NOT_SIGNED_IN, Error, error, error_example, example
from shop.core.idempotency import HEADER, MAX_LENGTH

from .serializers import (
    BulkStockResultSerializer,
    BulkStockSerializer,
    CategoryNodeSerializer,
    ProductDetailSerializer,
    ProductListItemSerializer,
    StaffVariantSerializer,
    StockAdjustmentSerializer,
    VariantUpdateSerializer,
)

TAGS = ["catalog"]

BulkError = inline_serializer(
    "CatalogBulkError",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(
            help_text='"invalid_items", or "invalid" with per-field messages instead of errors, '
            'or "invalid_idempotency_key".'
        ),
        "errors": inline_serializer(
            "CatalogItemError",
            {
                "index": serializers.IntegerField(help_text="Position of the item, from 0."),
                "sku": serializers.CharField(),
                "code": serializers.CharField(help_text="Why this item was refused."),
                "detail": serializers.CharField(),
            },
            many=True,
            required=False,
            help_text="With invalid_items: each refused item.",
        ),
    },
)

INVALID_VALUE = error_example(
    "Invalid value",
    "Some values are invalid.",
    "invalid",
    price=["A valid number is required."],
)
UNKNOWN_TAX_CLASS = error_example(
    "Unknown tax class",
    "No tax class has the code 'luxury'; the classes are: standard, reduced, zero "
    "(staff add classes under Taxes in the admin).",
    "unknown_tax_class",
    tax_class="luxury",
    choices="standard, reduced, zero",
)
INVALID_KEY = error_example(
    "Unusable key",
    f"The Idempotency-Key is longer than {MAX_LENGTH} characters.",
    "invalid_idempotency_key",
    max_length=MAX_LENGTH,
)
INVALID_INPUT = OpenApiResponse(
    Error,
    description=(
        'Malformed input: besides "detail" and "code" ("invalid"), each invalid field maps '
        "to a list of messages."
    ),
    examples=[INVALID_VALUE],
)
INVALID_INPUT_OR_KEY = OpenApiResponse(
    Error,
    description=(
        'Malformed input: besides "detail" and "code" ("invalid"), each invalid field maps '
        "to a list of messages. An unusable Idempotency-Key is refused before anything "
        "changes (invalid_idempotency_key)."
    ),
    examples=[INVALID_VALUE, INVALID_KEY],
)
STAFF_ONLY = {
    **NOT_SIGNED_IN,
    403: error(
        "Signed in, but not staff who manage the catalog.",
        error_example(
            "Not staff",
            "Only staff who manage the catalog may read or change stock and prices.",
            "permission_denied",
        ),
    ),
}
VARIANT_NOT_FOUND = error(
    "No variant has this SKU.",
    error_example(
        "Unknown SKU",
        "No product variant has the SKU 'TEE-XL-RED'.",
        "variant_not_found",
        sku="TEE-XL-RED",
    ),
)
IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        f"Up to {MAX_LENGTH} characters, unique per change (e.g. the warehouse's document "
        "number). "
        "Sending the same key again changes nothing, so a request can be retried safely; "
        "a longer key, or one with control characters, is refused "
        '(400, code "invalid_idempotency_key").'
    ),
)

CATEGORY_NODE = {
    "slug": "clothing",
    "name": "Clothing",
    "products": "https://shop.example.com/api/v1/catalog/products/?category=clothing",
    "children": [
        {
            "slug": "t-shirts",
            "name": "T-shirts",
            "products": "https://shop.example.com/api/v1/catalog/products/?category=t-shirts",
            "children": [],
        }
    ],
}
PRODUCT = {
    "slug": "organic-cotton-tee",
    "name": "Organic cotton tee",
    "category": {"slug": "t-shirts", "name": "T-shirts"},
    "currency": "EUR",
    "prices_include_tax": True,
    "url": "https://shop.example.com/api/v1/catalog/products/organic-cotton-tee/",
}
PRODUCT_LIST_ITEM = {
    **PRODUCT,
    "price_from": "19.90",
    "compare_at_from": "24.90",
    "sale": {"name": "Winter sale", "ends_at": "2026-12-31T23:00:00Z"},
    "in_stock": True,
    "thumbnail": "https://shop.example.com/media/CACHE/images/products/tee/3f1c.jpg",
}
PRODUCT_DETAIL = {
    **PRODUCT,
    "description": "A heavyweight tee in organic cotton.",
    "price_from": "19.90",
    "in_stock": True,
    "images": [
        {
            "image": "https://shop.example.com/media/CACHE/images/products/tee/9a2e.jpg",
            "thumbnail": "https://shop.example.com/media/CACHE/images/products/tee/3f1c.jpg",
            "alt_text": "The tee in blue, front",
        }
    ],
    "variants": [
        {
            "sku": "TEE-M-BLUE",
            "options": {"size": "M", "colour": "Blue"},
            "label": "M / Blue",
            "price": "19.90",
            "compare_at_price": "24.90",
            "on_sale": True,
            "sale": {"name": "Winter sale", "ends_at": "2026-12-31T23:00:00Z"},
            "available": 3,
            "low_stock": True,
        },
        {
            "sku": "TEE-L-BLUE",
            "options": {"size": "L", "colour": "Blue"},
            "label": "L / Blue",
            "price": "19.90",
            "compare_at_price": None,
            "on_sale": False,
            "sale": None,
            "available": 0,
            "low_stock": False,
        },
    ],
}
STAFF_VARIANT = {
    "sku": "TEE-M-BLUE",
    "product": "organic-cotton-tee",
    "label": "M / Blue",
    "is_active": True,
    "price": "19.90",
    "compare_at_price": "24.90",
    "stock_on_hand": 40,
    "reserved": 2,
    "available": 38,
    "tax_class": "standard",
    "weight_grams": 250,
    "currency": "EUR",
}


# --- anyone ---------------------------------------------------------------------

category_tree = extend_schema(
    tags=TAGS,
    summary="Category tree",
    operation_id="catalog_categories_list",
    description=(
        "Every category, top-level ones first, each with its subcategories nested in "
        '"children" (siblings in the shop\'s order) and a link to its products.'
    ),
    responses=OpenApiResponse(
        CategoryNodeSerializer(many=True),
        examples=[example("Tree", CATEGORY_NODE)],
    ),
)

list_products = extend_schema(
    tags=TAGS,
    summary="List products",
    description=(
        "Active products with their lowest price, filtered, sorted and paginated. "
        "A category includes its subcategories; q searches names and descriptions "
        "(or matches a SKU exactly) and sorts by relevance unless ordering is given; "
        "by relevance it lists at most 1,000 matches, every match with an ordering."
    ),
    responses={
        200: OpenApiResponse(
            ProductListItemSerializer(many=True),
            examples=[example("A page", PRODUCT_LIST_ITEM)],
        ),
        400: OpenApiResponse(
            Error,
            description="A query parameter is invalid; the messages are per parameter.",
            examples=[
                error_example(
                    "Bad price range",
                    "Some query parameters are invalid.",
                    "invalid",
                    max_price=["The highest price must not be below the lowest."],
                )
            ],
        ),
        404: error(
            "The page does not exist.",
            error_example("Past the end", "Invalid page.", "not_found"),
        ),
    },
)

product_detail = extend_schema(
    tags=TAGS,
    summary="Product with its variants",
    description=(
        "An active product with its images and its active variants. available is what "
        "can be bought now: stock on hand minus what checkouts in progress hold."
    ),
    responses={
        200: OpenApiResponse(
            ProductDetailSerializer,
            examples=[example("Product", PRODUCT_DETAIL)],
        ),
        404: error(
            "No active product has this slug.",
            error_example("Unknown", "No product here.", "not_found"),
        ),
    },
)


# --- staff ----------------------------------------------------------------------

get_variant = extend_schema(
    tags=TAGS,
    summary="Stock and price of a SKU (staff)",
    description="Stock on hand, what checkouts hold and what is available, with the prices.",
    responses={
        200: OpenApiResponse(
            StaffVariantSerializer,
            examples=[example("Variant", STAFF_VARIANT)],
        ),
        404: VARIANT_NOT_FOUND,
        **STAFF_ONLY,
    },
)

update_variant = extend_schema(
    tags=TAGS,
    summary="Set the price, stock count, tax class or weight of a SKU (staff)",
    description=(
        "Send any of price, compare_at_price (null removes it), stock_on_hand (a "
        "stock count; the difference is recorded in the stock ledger with the note), "
        "tax_class (a code of the taxes service's classes; another is 400 "
        "unknown_tax_class with the classes in `choices`) and weight_grams. "
        "All or nothing: when one value is refused, nothing changes. Customers see the "
        "new values on their next request."
    ),
    request=VariantUpdateSerializer,
    examples=[
        example("New price", {"price": "17.90", "compare_at_price": "19.90"}, request_only=True),
        example("Stock count", {"stock_on_hand": 40, "note": "Cycle count"}, request_only=True),
        example(
            "Tax class and weight", {"tax_class": "reduced", "weight_grams": 250}, request_only=True
        ),
    ],
    responses={
        200: OpenApiResponse(
            StaffVariantSerializer,
            examples=[example("Updated", STAFF_VARIANT)],
        ),
        400: OpenApiResponse(
            Error,
            description=(
                'Malformed input ("invalid", each invalid field with its messages), or a tax '
                "class the taxes service does not know (unknown_tax_class, with the classes "
                "in choices). Nothing changed."
            ),
            examples=[INVALID_VALUE, UNKNOWN_TAX_CLASS],
        ),
        404: VARIANT_NOT_FOUND,
        **STAFF_ONLY,
    },
)

adjust_stock = extend_schema(
    tags=TAGS,
    summary="Add or remove stock of a SKU (staff)",
    description=(
        "Changes stock on hand by delta, e.g. a goods receipt (+) or breakage (-), and "
        "records it in the stock ledger. Stock on hand cannot go below zero "
        "(409 insufficient_stock). Send an Idempotency-Key to make retries safe: the same "
        "key and delta again changes nothing; the key with another delta is refused "
        "(409 idempotency_key_reused)."
    ),
    parameters=[IDEMPOTENCY_KEY],
    request=StockAdjustmentSerializer,
    examples=[
        example("Goods receipt", {"delta": 24, "note": "Delivery note 4711"}, request_only=True),
        example("Breakage", {"delta": -1, "note": "Damaged"}, request_only=True),
    ],
    responses={
        200: OpenApiResponse(
            StaffVariantSerializer,
            examples=[example("Adjusted", STAFF_VARIANT)],
        ),
        400: INVALID_INPUT_OR_KEY,
        404: VARIANT_NOT_FOUND,
        409: error(
            "Stock on hand would go below zero, or the Idempotency-Key was used for another delta.",
            error_example(
                "Not enough",
                "TEE-M-BLUE has 2 on hand; cannot remove 5.",
                "insufficient_stock",
                sku="TEE-M-BLUE",
                on_hand=2,
            ),
            error_example(
                "Key reused",
                "This Idempotency-Key was used for a different change; send a new key.",
                "idempotency_key_reused",
                sku="TEE-M-BLUE",
            ),
        ),
        **STAFF_ONLY,
    },
)

set_stock_counts = extend_schema(
    tags=TAGS,
    summary="Set stock counts of many SKUs (staff)",
    description=(
        "A warehouse's stock levels, up to 1000 SKUs at once. All or nothing: when any "
        "item is refused (unknown SKU...), nothing changes and each refused item is "
        "named in errors. Send an Idempotency-Key (e.g. the stock report's id) so that "
        "a retried request cannot overwrite changes made since; an item whose count "
        "differs from the one first sent with that key is refused "
        "(idempotency_key_reused)."
    ),
    parameters=[IDEMPOTENCY_KEY],
    request=BulkStockSerializer,
    examples=[
        example(
            "Stock report",
            {
                "items": [
                    {"sku": "TEE-M-BLUE", "on_hand": 40},
                    {"sku": "TEE-L-BLUE", "on_hand": 0},
                ],
                "note": "Nightly stock report",
            },
            request_only=True,
        ),
    ],
    responses={
        200: OpenApiResponse(
            BulkStockResultSerializer,
            description="The items as they are now, in the order sent.",
            examples=[example("Updated", {"items": [STAFF_VARIANT]})],
        ),
        400: OpenApiResponse(
            BulkError,
            description=(
                "Some items were refused and nothing changed. A malformed request "
                "answers with per-field messages instead (code invalid), an unusable "
                "Idempotency-Key with invalid_idempotency_key."
            ),
            examples=[
                example(
                    "Unknown SKU",
                    {
                        "detail": "Nothing was changed: 1 of 2 items refused.",
                        "code": "invalid_items",
                        "errors": [
                            {
                                "index": 1,
                                "sku": "TEE-XL-RED",
                                "code": "variant_not_found",
                                "detail": "No product variant has the SKU 'TEE-XL-RED'.",
                            }
                        ],
                    },
                ),
                INVALID_KEY,
            ],
        ),
        **STAFF_ONLY,
    },
)
