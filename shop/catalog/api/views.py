"""
The catalog API: the category tree and products for anyone, and stock and
price updates by SKU for staff (what an ERP or a warehouse system calls).

Reads go through ``selectors``, writes through ``services``; refusals are
``ShopError``s that the project's exception handler turns into
``{"detail", "code", ...}``.
"""

import hashlib
import json
from urllib.parse import urlencode

from django.db import transaction
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from shop.core.errors import NotFound, ShopError

from .. import selectors, services
from ..cache import cached
from ..filters import ProductFilterSet
from ..models import Variant
from ..public import VariantNotFound
from . import schema
from .permissions import CanManageStockAndPrices
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


def invalid(errors: dict, detail: str = "Some values are invalid.") -> ValidationError:
    """DRF's per-field errors, plus the project's ``detail`` and ``code``."""
    return ValidationError({"detail": detail, "code": "invalid", **errors})


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    if not serializer.is_valid():
        raise invalid(serializer.errors)
    return serializer.validated_data


def idempotency_key(request) -> str:
    """The ``Idempotency-Key`` header, checked before anything changes (``invalid_key``)."""
    key = request.headers.get("Idempotency-Key", "")
    return services.check_key(key) if key else ""


# The query parameters the product list reads (the rest are ignored).
LIST_PARAMS = frozenset([*ProductFilterSet.base_filters, "page", "page_size"])


class ProductFilterBackend(DjangoFilterBackend):
    """``DjangoFilterBackend`` whose 400 carries a code like every other error."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise invalid(
                translate_validation(filterset.errors).detail,
                "Some query parameters are invalid.",
            )
        return filterset.qs


# --- anyone ---------------------------------------------------------------------


class CategoryTreeView(APIView):
    @extend_schema(
        tags=schema.TAGS,
        summary="Category tree",
        operation_id="catalog_categories_list",
        description=(
            "Every category, top-level ones first, each with its subcategories nested in "
            '"children" (siblings in the shop\'s order) and a link to its products.'
        ),
        responses=OpenApiResponse(
            CategoryNodeSerializer(many=True),
            examples=[schema.example("Tree", schema.CATEGORY_NODE)],
        ),
    )
    def get(self, request):
        tree = selectors.category_tree()
        return Response(CategoryNodeSerializer(tree, many=True, context={"request": request}).data)


class ProductListView(generics.ListAPIView):
    """The query parameters are those of the storefront's listing pages (``ProductFilterSet``)."""

    serializer_class = ProductListItemSerializer
    filter_backends = [ProductFilterBackend]
    filterset_class = ProductFilterSet

    def get_queryset(self):
        return selectors.product_listing()

    @extend_schema(
        tags=schema.TAGS,
        summary="List products",
        description=(
            "Active products with their lowest price, filtered, sorted and paginated. "
            "A category includes its subcategories; q searches names and descriptions "
            "(or matches a SKU exactly) and sorts by relevance unless ordering is given."
        ),
        responses={
            200: OpenApiResponse(
                ProductListItemSerializer(many=True),
                examples=[schema.example("A page", schema.PRODUCT_LIST_ITEM)],
            ),
            400: OpenApiResponse(
                schema.Error,
                description="A query parameter is invalid; the messages are per parameter.",
                examples=[
                    schema.error_example(
                        "Bad price range",
                        "Some query parameters are invalid.",
                        "invalid",
                        max_price=["The highest price must not be below the lowest."],
                    )
                ],
            ),
            404: schema.error(
                "The page does not exist.",
                schema.error_example("Past the end", "Invalid page.", "not_found"),
            ),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        """
        The page, kept for the current catalog version, for every caller:
        the list is the same for all of them, so a signed-in app or a browser
        with a cookie (whom the shared page cache never serves) does not wait
        for its queries. Only a valid query is ever kept (a bad filter or page
        raises before), so a hit needs no validation; a made-up parameter
        skips the cache.
        """
        query = request.query_params
        if any(name not in LIST_PARAMS or len(query.getlist(name)) != 1 for name in query):
            return Response(self._page())
        # Scheme and host too: the pagination links are absolute.
        wanted = f"{request.scheme}://{request.get_host()}?{urlencode(sorted(query.items()))}"
        digest = hashlib.sha256(wanted.encode()).hexdigest()[:32]
        return Response(cached(f"api:products:{digest}", self._page))

    def _page(self) -> dict:
        """One page as plain JSON types: cheap to keep, and to read back, in Redis."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        data = self.get_paginated_response(self.get_serializer(page, many=True).data).data
        return json.loads(json.dumps(data, cls=JSONEncoder))


class ProductDetailView(APIView):
    @extend_schema(
        tags=schema.TAGS,
        summary="Product with its variants",
        description=(
            "An active product with its images and its active variants. available is what "
            "can be bought now: stock on hand minus what checkouts in progress hold."
        ),
        responses={
            200: OpenApiResponse(
                ProductDetailSerializer,
                examples=[schema.example("Product", schema.PRODUCT_DETAIL)],
            ),
            404: schema.error(
                "No active product has this slug.",
                schema.error_example("Unknown", "No product here.", "not_found"),
            ),
        },
    )
    def get(self, request, slug):
        product = selectors.product_detail(slug)
        if product is None:
            raise NotFound("No product here.")
        return Response(ProductDetailSerializer(product, context={"request": request}).data)


# --- staff ----------------------------------------------------------------------


def staff_variants(skus: list[str]) -> list[Variant]:
    """The variants with ``reserved`` and ``available``, in the order of ``skus``."""
    by_sku = {variant.sku: variant for variant in selectors.variants_by_sku(skus)}
    return [by_sku[sku] for sku in skus]


def staff_variant(sku: str) -> Variant:
    variants = list(selectors.variants_by_sku([sku]))
    if not variants:
        raise VariantNotFound(f"No product variant has the SKU {sku!r}.", sku=sku)
    return variants[0]


def current_price(sku: str):
    """The price of ``sku``, its row locked until the transaction ends."""
    price = Variant.objects.select_for_update().filter(sku=sku).values_list("price", flat=True)
    if not price:
        raise VariantNotFound(f"No product variant has the SKU {sku!r}.", sku=sku)
    return price[0]


class StaffView(APIView):
    permission_classes = [CanManageStockAndPrices]
    parser_classes = [JSONParser]

    def respond(self, sku: str) -> Response:
        return Response(StaffVariantSerializer(staff_variant(sku)).data)


class VariantView(StaffView):
    @extend_schema(
        tags=schema.TAGS,
        summary="Stock and price of a SKU (staff)",
        description="Stock on hand, what checkouts hold and what is available, with the prices.",
        responses={
            200: OpenApiResponse(
                StaffVariantSerializer,
                examples=[schema.example("Variant", schema.STAFF_VARIANT)],
            ),
            404: schema.VARIANT_NOT_FOUND,
            **schema.STAFF_ONLY,
        },
    )
    def get(self, request, sku):
        return self.respond(sku)

    @extend_schema(
        tags=schema.TAGS,
        summary="Set the price or the stock count of a SKU (staff)",
        description=(
            "Send any of price, compare_at_price (null removes it) and stock_on_hand (a "
            "stock count; the difference is recorded in the stock ledger with the note). "
            "All or nothing: when one value is refused, nothing changes. Customers see the "
            "new values on their next request."
        ),
        request=VariantUpdateSerializer,
        examples=[
            schema.example(
                "New price", {"price": "17.90", "compare_at_price": "19.90"}, request_only=True
            ),
            schema.example(
                "Stock count", {"stock_on_hand": 40, "note": "Cycle count"}, request_only=True
            ),
        ],
        responses={
            200: OpenApiResponse(
                StaffVariantSerializer,
                examples=[schema.example("Updated", schema.STAFF_VARIANT)],
            ),
            400: schema.INVALID_INPUT,
            404: schema.VARIANT_NOT_FOUND,
            **schema.STAFF_ONLY,
        },
    )
    def patch(self, request, sku):
        data = validated(VariantUpdateSerializer, request)
        with transaction.atomic():
            if "price" in data or "compare_at_price" in data:
                price = data["price"] if "price" in data else current_price(sku)
                services.set_price(
                    sku, price, compare_at_price=data.get("compare_at_price", services.UNSET)
                )
            if "stock_on_hand" in data:
                services.set_stock(sku, data["stock_on_hand"], note=data["note"])
        return self.respond(sku)


class StockAdjustmentView(StaffView):
    @extend_schema(
        tags=schema.TAGS,
        summary="Add or remove stock of a SKU (staff)",
        description=(
            "Changes stock on hand by delta, e.g. a goods receipt (+) or breakage (-), and "
            "records it in the stock ledger. Stock on hand cannot go below zero "
            "(409 insufficient_stock). Send an Idempotency-Key to make retries safe: the same "
            "key and delta again changes nothing; the key with another delta is refused "
            "(409 idempotency_key_reused)."
        ),
        parameters=[schema.IDEMPOTENCY_KEY],
        request=StockAdjustmentSerializer,
        examples=[
            schema.example(
                "Goods receipt", {"delta": 24, "note": "Delivery note 4711"}, request_only=True
            ),
            schema.example("Breakage", {"delta": -1, "note": "Damaged"}, request_only=True),
        ],
        responses={
            200: OpenApiResponse(
                StaffVariantSerializer,
                examples=[schema.example("Adjusted", schema.STAFF_VARIANT)],
            ),
            400: schema.INVALID_INPUT,
            404: schema.VARIANT_NOT_FOUND,
            409: schema.error(
                "Stock on hand would go below zero, or the Idempotency-Key was used for "
                "another delta.",
                schema.error_example(
                    "Not enough",
                    "TEE-M-BLUE has 2 on hand; cannot remove 5.",
                    "insufficient_stock",
                    sku="TEE-M-BLUE",
                    on_hand=2,
                ),
                schema.error_example(
                    "Key reused",
                    "This Idempotency-Key was used for a different change; send a new key.",
                    "idempotency_key_reused",
                    sku="TEE-M-BLUE",
                ),
            ),
            **schema.STAFF_ONLY,
        },
    )
    def post(self, request, sku):
        data = validated(StockAdjustmentSerializer, request)
        services.adjust_stock(sku, data["delta"], note=data["note"], key=idempotency_key(request))
        return self.respond(sku)


class BulkStockView(StaffView):
    @extend_schema(
        tags=schema.TAGS,
        summary="Set stock counts of many SKUs (staff)",
        description=(
            "A warehouse's stock levels, up to 1000 SKUs at once. All or nothing: when any "
            "item is refused (unknown SKU...), nothing changes and each refused item is "
            "named in errors. Send an Idempotency-Key (e.g. the stock report's id) so that "
            "a retried request cannot overwrite changes made since; an item whose count "
            "differs from the one first sent with that key is refused "
            "(idempotency_key_reused)."
        ),
        parameters=[schema.IDEMPOTENCY_KEY],
        request=BulkStockSerializer,
        examples=[
            schema.example(
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
                examples=[schema.example("Updated", {"items": [schema.STAFF_VARIANT]})],
            ),
            400: OpenApiResponse(
                schema.BulkError,
                description=(
                    "Some items were refused and nothing changed. A malformed request "
                    "answers with per-field messages instead (code invalid)."
                ),
                examples=[
                    schema.example(
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
                    )
                ],
            ),
            **schema.STAFF_ONLY,
        },
    )
    def post(self, request):
        data = validated(BulkStockSerializer, request)
        key = idempotency_key(request)
        items = data["items"]
        with transaction.atomic():
            services.lock_variants(item["sku"] for item in items)
            errors = []
            for index, item in enumerate(items):
                try:
                    with transaction.atomic():
                        services.set_stock(item["sku"], item["on_hand"], note=data["note"], key=key)
                except ShopError as refused:
                    errors.append(
                        {
                            "index": index,
                            "sku": item["sku"],
                            "code": refused.code,
                            "detail": refused.detail,
                        }
                    )
            if errors:
                raise ShopError(
                    f"Nothing was changed: {len(errors)} of {len(items)} items refused.",
                    code="invalid_items",
                    errors=errors,
                )
        variants = staff_variants([item["sku"] for item in items])
        return Response(BulkStockResultSerializer({"items": variants}).data)
