"""OpenAPI documentation of the gift card API."""

from drf_spectacular.utils import OpenApiResponse, extend_schema

from shop.core.api import docs

from .serializers import GiftCardBalanceSerializer, GiftCardCodeSerializer

# A code of the issued kind (the schema fuzzer's shop has a card with it).
EXAMPLE_CODE = "K7QM-R3XP-W9TD-HF4C"

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
    examples=[
        docs.example("A code as printed", {"code": EXAMPLE_CODE}, request_only=True),
        docs.example("Typed in lower case", {"code": "k7qm r3xp w9td hf4c"}, request_only=True),
    ],
    responses={
        200: OpenApiResponse(
            GiftCardBalanceSerializer,
            examples=[
                docs.example(
                    "Some left",
                    {
                        "masked_code": "••••HF4C",
                        "balance": "35.10",
                        "currency": "EUR",
                        "expires_at": None,
                    },
                )
            ],
        ),
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
