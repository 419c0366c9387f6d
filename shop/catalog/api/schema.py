"""OpenAPI documentation of the catalog API: error shapes, responses and examples."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    inline_serializer,
)
from rest_framework import serializers

from shop.core.api import docs

from ..services import KEY_MAX_LENGTH

TAGS = ["catalog"]

Error = inline_serializer(
    "CatalogError",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(help_text="Stable, machine-readable."),
    },
)
BulkError = inline_serializer(
    "CatalogBulkError",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(
            help_text='"invalid_items", or "invalid" with per-field messages instead of errors.'
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


def example(name, value, **kwargs) -> OpenApiExample:
    return OpenApiExample(name, value=value, **kwargs)


def error(description, *examples) -> OpenApiResponse:
    return OpenApiResponse(Error, description=description, examples=list(examples))


def error_example(name, detail, code, **extra) -> OpenApiExample:
    return OpenApiExample(name, value={"detail": detail, "code": code, **extra})


INVALID_INPUT = OpenApiResponse(
    Error,
    description=(
        'Malformed input: besides "detail" and "code" ("invalid"), each invalid field maps '
        "to a list of messages."
    ),
    examples=[
        error_example(
            "Invalid value",
            "Some values are invalid.",
            "invalid",
            price=["A valid number is required."],
        )
    ],
)
STAFF_ONLY = {
    **docs.NOT_SIGNED_IN,
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
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        f"Up to {KEY_MAX_LENGTH} characters, unique per change (e.g. the warehouse's document "
        "number). "
        "Sending the same key again changes nothing, so a request can be retried safely; "
        'a longer key is refused (400, code "invalid_key").'
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
    "url": "https://shop.example.com/api/v1/catalog/products/organic-cotton-tee/",
}
PRODUCT_LIST_ITEM = {
    **PRODUCT,
    "price_from": "19.90",
    "compare_at_from": "24.90",
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
    "currency": "EUR",
}
