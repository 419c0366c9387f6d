"""
The cart API under ``/api/v1/cart/``. Anyone may have a cart: a signed-in
caller's is theirs; an anonymous caller's is named by the ``X-Cart-Token``
header, which every anonymous response carries (a first call gets a new one).
Lines are addressed by id within the caller's own cart, so another caller's
line is simply not found (404).
"""

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.core.api import docs
from shop.core.errors import ShopError

from .. import selectors, services
from ..errors import InvalidQuantity
from ..owners import TOKEN_HEADER, api_owner
from .serializers import AddItemSerializer, CartSerializer, ChangeItemSerializer

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


def _error(description: str, *examples: tuple[str, dict]) -> OpenApiResponse:
    return docs.error(description, *(docs.example(name, value) for name, value in examples))


CART_RESPONSE = OpenApiResponse(
    CartSerializer,
    description=f"The cart. Anonymous callers find their token in the {TOKEN_HEADER} header.",
)
BAD_TOKEN = (
    "Bad token",
    {"detail": "The X-Cart-Token header does not hold a cart token this shop issued.",
     "code": "invalid_cart_token"},
)  # fmt: skip
BAD_QUANTITY = (
    "Bad quantity",
    {"detail": "The quantity must be a whole number from 1 to 99.", "code": "invalid_quantity",
     "min_quantity": 1, "max_quantity": 99},
)  # fmt: skip
UNKNOWN_SKU = (
    "Unknown SKU",
    {"detail": "No product has the SKU 'NOPE'.", "code": "unknown_sku", "sku": "NOPE"},
)
NOT_FOUND = _error(
    "No such line in the caller's cart (another caller's lines are not found either).",
    ("Unknown line", {"detail": "No such line in your cart.", "code": "cart_line_not_found"}),
)
OUT_OF_STOCK = _error(
    "Fewer units can be bought than the cart would hold; nothing changed.",
    (
        "Out of stock",
        {"detail": "Only 2 of Tee — M can be bought right now.", "code": "out_of_stock",
         "sku": "TEE-M", "available": 2, "in_cart": 1},
    ),
)  # fmt: skip


class CartAPIView(APIView):
    """Resolves the caller's cart and returns the anonymous token with every response."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.owner, self.token = api_owner(request)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(self, "token", None)
        if token:
            response[TOKEN_HEADER] = token
        response["Cache-Control"] = "private, no-store"
        return response

    def cart_response(self, status_code=status.HTTP_200_OK) -> Response:
        contents = selectors.cart_contents(self.owner)
        return Response(CartSerializer(contents).data, status=status_code)

    def body(self) -> dict:
        if not isinstance(self.request.data, dict):
            raise ShopError("Send a JSON object.", code="invalid")
        return self.request.data


class CartView(CartAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Your cart",
        description=(
            "Lines with today's names, prices and availability from the catalog, and the "
            "subtotal. Lines whose price changed since they were added say so."
        ),
        parameters=[TOKEN_PARAMETER],
        responses={200: CART_RESPONSE, 400: _error("Bad X-Cart-Token.", BAD_TOKEN)},
    )
    def get(self, request):
        return self.cart_response()


class CartItemsView(CartAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Add to the cart",
        description=(
            "Adds `quantity` (default 1) of `sku`; a SKU already in the cart gets the quantity "
            "added. The cart never reserves stock: checkout does."
        ),
        parameters=[TOKEN_PARAMETER],
        request=AddItemSerializer,
        responses={
            201: OpenApiResponse(CartSerializer, description="A new line was added."),
            200: OpenApiResponse(CartSerializer, description="An existing line grew."),
            400: _error(
                "Bad quantity (invalid_quantity), unknown SKU (unknown_sku), SKU not for sale "
                "(sku_unavailable), too many lines (cart_full) or bad token.",
                BAD_QUANTITY,
                UNKNOWN_SKU,
            ),
            409: OUT_OF_STOCK,
        },
    )
    def post(self, request):
        data = self.body()
        added = services.add_item(self.owner, data.get("sku"), data.get("quantity", 1))
        return self.cart_response(status.HTTP_201_CREATED if added.created else status.HTTP_200_OK)


class CartItemView(CartAPIView):
    @extend_schema(
        tags=TAGS,
        summary="Change a line's quantity",
        description="Quantity 0 removes the line. Raising it is checked against stock.",
        parameters=[TOKEN_PARAMETER],
        request=ChangeItemSerializer,
        responses={
            200: CART_RESPONSE,
            400: _error("Bad quantity or token.", BAD_QUANTITY),
            404: NOT_FOUND,
            409: OUT_OF_STOCK,
        },
    )
    def patch(self, request, line_id: int):
        data = self.body()
        if "quantity" not in data:
            raise InvalidQuantity("Send the new quantity (0 removes the line).")
        services.set_line_quantity(self.owner, line_id, data["quantity"])
        return self.cart_response()

    @extend_schema(
        tags=TAGS,
        summary="Remove a line",
        parameters=[TOKEN_PARAMETER],
        request=None,
        responses={
            204: OpenApiResponse(description="Removed."),
            400: _error("Bad X-Cart-Token.", BAD_TOKEN),
            404: NOT_FOUND,
        },
    )
    def delete(self, request, line_id: int):
        services.remove_line(self.owner, line_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
