"""The gift card balance page and API: what a card's holder sees, throttled per client address."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from .factories import gift_card

pytestmark = pytest.mark.django_db
PAGE = "/gift-cards/balance/"
API = "/api/v1/gift-cards/balance/"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_balance_page_shows_whats_left_with_the_code_masked(
    client, django_assert_max_num_queries
):
    card = gift_card("35.00")

    with django_assert_max_num_queries(4):
        page = client.post(PAGE, {"code": card.code.lower()})

    text = page.content.decode()
    assert page.status_code == 200 and "€35.00" in text
    assert f"••••{card.code[-4:]}" in text and card.code[:9] not in text


def test_the_balance_page_says_a_wrong_code_is_not_valid(client):
    page = client.post(PAGE, {"code": "AAAA-BBBB-CCCC-DDDD"})

    assert page.status_code == 422 and 'data-code="gift_card_unknown"' in page.content.decode()


def test_the_balance_page_works_without_javascript(client):
    page = client.get(PAGE)

    assert page.status_code == 200 and b'<form method="post"' in page.content


def test_checking_codes_too_fast_is_refused_with_retry_after(client, settings):
    settings.PROMOTIONS_GIFT_CARD_RATE = "2/m"
    card = gift_card()
    answers = [client.post(PAGE, {"code": card.code}) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[2]["Retry-After"]) > 0


def test_the_api_tells_the_balance(django_assert_max_num_queries):
    card = gift_card("12.50")

    with django_assert_max_num_queries(4):
        answer = APIClient().post(API, {"code": card.code}, format="json")

    assert answer.status_code == 200
    assert answer.json()["balance"] == "12.50"
    assert answer.json()["masked_code"] == f"••••{card.code[-4:]}"


def test_the_api_refuses_an_unknown_code_with_its_code():
    answer = APIClient().post(API, {"code": "nope"}, format="json")

    assert answer.status_code == 422 and answer.json()["code"] == "gift_card_unknown"


def test_the_api_throttles_codes_per_client_address(settings):
    settings.PROMOTIONS_GIFT_CARD_RATE = "1/m"
    api = APIClient()
    api.post(API, {"code": "nope"}, format="json")

    answer = api.post(API, {"code": "nope"}, format="json")

    assert answer.status_code == 429 and int(answer["Retry-After"]) > 0


def test_an_expired_card_is_refused_as_expired():
    from datetime import timedelta

    from django.utils import timezone

    card = gift_card(expires_at=timezone.now() - timedelta(days=1))

    answer = APIClient().post(API, {"code": card.code}, format="json")

    assert answer.status_code == 422 and answer.json()["code"] == "gift_card_expired"


def test_staff_issue_a_card_in_the_admin_and_see_it_masked_after(admin_client):
    from shop.promotions.models import GiftCard

    added = admin_client.post(
        "/admin/promotions/giftcard/add/",
        {
            "initial_amount": "40.00",
            "recipient_email": "friend@example.com",
            "note": "Apology",
            "expires_at_0": "",
            "expires_at_1": "",
            "entries-TOTAL_FORMS": "0",
            "entries-INITIAL_FORMS": "0",
        },
        follow=True,
    )

    card = GiftCard.objects.get()
    assert card.initial_amount == Decimal("40.00") and card.entries.get().kind == "issue"
    assert card.code in added.content.decode()  # once, in the message
    listing = admin_client.get("/admin/promotions/giftcard/").content.decode()
    assert card.code not in listing and f"••••{card.code[-4:]}" in listing


def test_staff_email_the_code_to_the_recipient(admin_client, mailoutbox):
    card = gift_card("20.00", recipient_email="friend@example.com")

    admin_client.post(
        "/admin/promotions/giftcard/",
        {"action": "email_recipient", "_selected_action": [card.pk]},
    )

    assert len(mailoutbox) == 1 and card.code in mailoutbox[0].body
    assert mailoutbox[0].to == ["friend@example.com"]
