"""
The catalog API: the category tree and products for anyone, and stock and
price updates by SKU for staff (what an ERP or a warehouse system calls).

Reads go through ``selectors``, writes through ``services``; refusals are
``ShopError``s that the project's exception handler turns into
``{"detail", "code", ...}``. The OpenAPI documentation of each view method is
in ``schema``.
"""

import hashlib
import json
from urllib.parse import urlencode

from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import APIView

from shop.core.api.throttling import ClientRateThrottle
from shop.core.errors import NotFound, ShopError
from shop.core.idempotency import idempotency_key

from .. import selectors
from ..cache import cached
from ..db import db
from ..filters import ProductFilterSet
from ..models import Product
from ..services import announcements, locks, prices, shipping_and_tax, stock
from . import pagination, schema
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


# The query parameters the product list reads (the rest are ignored).
LIST_PARAMS = frozenset([*ProductFilterSet.base_filters, "page", "page_size", *pagination.KEYS])


class ProductFilterBackend(DjangoFilterBackend):
    """
    ``DjangoFilterBackend`` whose 400 carries a code like every other error,
    and which hands the pagination the filters' ``listings.Listing`` rather
    than a QuerySet: its first page is read without building one.
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            raise invalid(
                translate_validation(filterset.errors).detail,
                "Some query parameters are invalid.",
            )
        return filterset.listing()


# --- anyone ---------------------------------------------------------------------


class CategoryTreeView(APIView):
    @schema.category_tree
    def get(self, request):
        tree = selectors.category_tree()
        return Response(CategoryNodeSerializer(tree, many=True, context={"request": request}).data)


class ProductListView(generics.ListAPIView):
    """The query parameters are those of the storefront's listing pages (``ProductFilterSet``)."""

    serializer_class = ProductListItemSerializer
    pagination_class = pagination.ProductPagination
    filter_backends = [ProductFilterBackend]
    filterset_class = ProductFilterSet

    def get_queryset(self):
        # ``ProductFilterSet`` builds the listing itself (``selectors.product_listing``).
        return Product.objects.none()

    @schema.list_products
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
    @schema.product_detail
    def get(self, request, slug):
        product = selectors.product_detail(slug)
        if product is None:
            raise NotFound("No product here.")
        return Response(ProductDetailSerializer(product, context={"request": request}).data)


# --- staff ----------------------------------------------------------------------


class StaffView(APIView):
    permission_classes = [CanManageStockAndPrices]
    parser_classes = [JSONParser]
    # An ERP repricing the shop one SKU at a time is not a customer hammering the
    # cart: the per-user allowance holds, the tighter one for changes does not.
    throttle_classes = [ClientRateThrottle]

    def respond(self, sku: str) -> Response:
        return Response(StaffVariantSerializer(selectors.variant_with_availability(sku)).data)


class VariantView(StaffView):
    @schema.get_variant
    def get(self, request, sku):
        return self.respond(sku)

    @schema.update_variant
    def patch(self, request, sku):
        data = validated(VariantUpdateSerializer, request)
        with db.atomic(), announcements.gathered():
            if "price" in data or "compare_at_price" in data:
                price = data["price"] if "price" in data else prices.current_price(sku)
                prices.set_price(
                    sku, price, compare_at_price=data.get("compare_at_price", prices.UNSET)
                )
            if "stock_on_hand" in data:
                stock.set_stock(sku, data["stock_on_hand"], note=data["note"])
            if "tax_class" in data or "weight_grams" in data:
                shipping_and_tax.set_tax_class_and_weight(
                    sku,
                    tax_class=data.get("tax_class", shipping_and_tax.UNSET),
                    weight_grams=data.get("weight_grams", shipping_and_tax.UNSET),
                )
        return self.respond(sku)


class StockAdjustmentView(StaffView):
    @schema.adjust_stock
    def post(self, request, sku):
        data = validated(StockAdjustmentSerializer, request)
        stock.adjust_stock(sku, data["delta"], note=data["note"], key=idempotency_key(request))
        return self.respond(sku)


class BulkStockView(StaffView):
    @schema.set_stock_counts
    def post(self, request):
        data = validated(BulkStockSerializer, request)
        key = idempotency_key(request)
        items = data["items"]
        with db.atomic(), announcements.gathered():
            locks.lock_variants(item["sku"] for item in items)
            errors = []
            for index, item in enumerate(items):
                try:
                    with db.atomic():
                        stock.set_stock(item["sku"], item["on_hand"], note=data["note"], key=key)
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
        variants = selectors.variants_in_order([item["sku"] for item in items])
        return Response(BulkStockResultSerializer({"items": variants}).data)
