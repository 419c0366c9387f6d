"""
``POST /api/v1/gift-cards/balance/``: what is left on a card, limited per
client address like the storefront's page (429 with ``Retry-After``).
"""

from rest_framework.exceptions import Throttled
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from shop.core.errors import ShopError

from .. import giftcards
from ..throttling import Refused, count_gift_card_check
from . import schema
from .serializers import GiftCardBalanceSerializer, GiftCardCodeSerializer


class GiftCardBalanceView(APIView):
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    @schema.gift_card_balance
    def post(self, request):
        serializer = GiftCardCodeSerializer(data=request.data)
        if not serializer.is_valid():
            raise ShopError("Some values are invalid.", code="invalid", errors=serializer.errors)
        try:
            count_gift_card_check(request)
        except Refused as refused:
            raise Throttled(wait=refused.retry_after) from None
        card = giftcards.check_gift_card(serializer.validated_data["code"])
        return Response(
            GiftCardBalanceSerializer(card).data, headers={"Cache-Control": "private, no-store"}
        )
