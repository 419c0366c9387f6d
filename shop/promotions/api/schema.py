"""OpenAPI documentation of the gift card API."""

from drf_spectacular.utils import extend_schema

from shop.core.api import docs

from .serializers import GiftCardBalanceSerializer, GiftCardCodeSerializer

gift_card_balance = extend_schema(
    tags=["gift cards"],
    summary="A gift card's balance",
    description=(
        "What is left on the card with `code` and until when; the code comes back masked to "
        "its last four characters. Pay with it by sending it as `gift_card_code` when you "
        "start the checkout. Limited per client address (PROMOTIONS_GIFT_CARD_RATE: 429 with "
        "Retry-After). An unknown code and one switched off are refused alike."
    ),
    request=GiftCardCodeSerializer,
    responses={
        200: GiftCardBalanceSerializer,
        400: docs.error(
            "`code` is missing or too long.",
            docs.error_example("invalid", "Some values are invalid.", "invalid"),
        ),
        422: docs.error(
            "No valid card has the code, or it has expired.",
            docs.error_example(
                "gift_card_unknown", "This gift card code is not valid.", "gift_card_unknown"
            ),
            docs.error_example(
                "gift_card_expired", "This gift card has expired.", "gift_card_expired"
            ),
        ),
    },
)
