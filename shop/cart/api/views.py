"""
The cart API under ``/api/v1/cart/``. Anyone may have a cart: a signed-in
caller's is theirs; an anonymous caller's is named by the ``X-Cart-Token``
header, which every anonymous response carries (a first call gets a new one).
Lines are addressed by id within the caller's own cart, so another caller's
line is simply not found (404).
"""

from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.core.money import quantize

from .. import estimates, selectors, services, vouchers
from ..errors import InvalidBody, InvalidQuantity
from ..owners import TOKEN_HEADER, api_owner
from . import schema
from .serializers import CartSerializer


class CartAPIView(APIView):
    """Resolves the caller's cart and returns the anonymous token with every response."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.owner, self.token = api_owner(request)
        country = request.query_params.get("country")
        # Checked before anything changes: a bad ?country= on a POST adds nothing.
        self.country = estimates.country_code(country) if country else estimates.default_country()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(self, "token", None)
        if token:
            response[TOKEN_HEADER] = token
        response["Cache-Control"] = "private, no-store"
        return response

    def cart_response(self, status_code=status.HTTP_200_OK, contents=None) -> Response:
        """The cart as it is now; ``contents`` when the change at hand read it already."""
        if contents is None:
            contents = selectors.cart_contents(self.owner)
        estimate = estimates.estimate(contents, self.country, self.owner.user_id)
        data = {
            "items": contents.items,
            "item_count": contents.item_count,
            "subtotal": contents.subtotal,
            "currency": contents.currency,
            "has_problems": contents.has_problems,
            "discount": estimate.discount if estimate else quantize(0),
            "voucher": estimate.voucher if estimate else None,
            "estimate": estimate,
        }
        return Response(CartSerializer(data).data, status=status_code)

    def body(self) -> dict:
        if not isinstance(self.request.data, dict):
            raise InvalidBody()
        return self.request.data


class CartView(CartAPIView):
    @schema.get_cart
    def get(self, request):
        return self.cart_response()


class CartItemsView(CartAPIView):
    @schema.add_item
    def post(self, request):
        data = self.body()
        added = services.add_item(self.owner, data.get("sku"), data.get("quantity", 1))
        return self.cart_response(
            status.HTTP_201_CREATED if added.created else status.HTTP_200_OK,
            selectors.contents_of(added.lines, added.variants, added.voucher_code),
        )


class CartItemView(CartAPIView):
    @schema.change_item
    def patch(self, request, line_id: int):
        data = self.body()
        if "quantity" not in data:
            raise InvalidQuantity("Send the new quantity (0 removes the line).")
        services.set_line_quantity(self.owner, line_id, data["quantity"])
        return self.cart_response()

    @schema.remove_item
    def delete(self, request, line_id: int):
        services.remove_line(self.owner, line_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartVoucherView(CartAPIView):
    """The cart's voucher code: ``{"code": ...}`` as JSON."""

    parser_classes = [JSONParser]

    @schema.enter_voucher
    def post(self, request):
        vouchers.enter_code(self.owner, self.body().get("code"), self.owner.user_id)
        return self.cart_response()

    @schema.remove_voucher
    def delete(self, request):
        vouchers.remove_code(self.owner)
        return self.cart_response()
