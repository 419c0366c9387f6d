"""Gift cards through the public interface: checking, holding, spending, giving back, issuing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from shop.promotions import public as promotions
from shop.promotions.models import GiftCard, GiftCardEntry
from shop.promotions.tasks import release_expired_voucher_uses

from .factories import TTL, gift_card

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_card_is_found_whatever_the_case_spaces_and_dashes_and_shows_only_its_last_four():
    card = gift_card("50.00")
    typed = card.code.replace("-", " ").lower()

    info = promotions.check_gift_card(typed)

    assert info.balance == D("50.00") and info.currency == "EUR"
    assert info.masked_code == f"••••{card.code[-4:]}" and card.code[:4] not in info.masked_code


def test_codes_are_sixteen_characters_in_groups_of_four_without_look_alikes():
    code = gift_card().code

    groups = code.split("-")
    assert [len(group) for group in groups] == [4, 4, 4, 4]
    assert not set(code) & set("01ILO")


@pytest.mark.parametrize("code", ["", "NOPE", "AAAA-BBBB-CCCC-DDDD", None])
def test_an_unknown_code_is_refused(code):
    with pytest.raises(promotions.GiftCardUnknown) as refused:
        promotions.check_gift_card(code)
    assert refused.value.code == "gift_card_unknown" and refused.value.status_code == 422


def test_a_card_staff_switched_off_is_refused_like_an_unknown_one():
    card = gift_card()
    GiftCard.objects.filter(pk=card.pk).update(active=False)

    with pytest.raises(promotions.GiftCardUnknown):
        promotions.check_gift_card(card.code)
    with pytest.raises(promotions.GiftCardUnknown):
        promotions.reserve_gift_card("checkout:1", card.code, D("10.00"), TTL)


def test_an_expired_card_is_refused_as_expired():
    card = gift_card(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(promotions.GiftCardExpired) as refused:
        promotions.reserve_gift_card("checkout:1", card.code, D("10.00"), TTL)
    assert refused.value.code == "gift_card_expired"


def test_a_hold_takes_at_most_the_balance_and_lowers_what_others_see():
    card = gift_card("30.00")

    use = promotions.reserve_gift_card("checkout:1", card.code, D("45.00"), TTL)

    assert use.amount == D("30.00") and use.status == "held"
    assert promotions.check_gift_card(card.code).balance == D("0.00")
    with pytest.raises(promotions.GiftCardEmpty) as refused:
        promotions.reserve_gift_card("checkout:2", card.code, D("5.00"), TTL)
    assert refused.value.code == "gift_card_empty" and refused.value.status_code == 409


def test_a_hold_leaves_the_minimum_charge_for_the_payment_when_it_cannot_pay_everything():
    card = gift_card("29.80")

    use = promotions.reserve_gift_card(
        "checkout:1", card.code, D("30.00"), TTL, minimum_rest=D("0.50")
    )

    assert use.amount == D("29.50")


def test_a_card_that_pays_everything_leaves_no_minimum_charge():
    card = gift_card("40.00")

    use = promotions.reserve_gift_card(
        "checkout:1", card.code, D("30.00"), TTL, minimum_rest=D("0.50")
    )

    assert use.amount == D("30.00")


def test_a_basket_below_the_minimum_charge_cannot_be_split_with_a_card():
    card = gift_card("0.10")

    with pytest.raises(promotions.GiftCardRestTooSmall):
        promotions.reserve_gift_card(
            "checkout:1", card.code, D("0.40"), TTL, minimum_rest=D("0.50")
        )


def test_reserving_again_under_the_same_key_holds_afresh_not_twice():
    card = gift_card("50.00")
    promotions.reserve_gift_card("checkout:1", card.code, D("20.00"), TTL)

    again = promotions.reserve_gift_card("checkout:1", card.code, D("25.00"), TTL)

    assert again.amount == D("25.00")
    assert promotions.check_gift_card(card.code).balance == D("25.00")


def test_a_committed_use_is_spent_and_a_released_one_comes_back():
    card = gift_card("50.00")
    promotions.reserve_gift_card("checkout:1", card.code, D("20.00"), TTL)
    promotions.reserve_gift_card("checkout:2", card.code, D("10.00"), TTL)

    spent = promotions.commit_gift_card_use("checkout:1")
    released = promotions.release_gift_card_use("checkout:2")

    assert spent.status == "committed" and released.status == "released"
    assert promotions.commit_gift_card_use("checkout:1") == spent
    assert promotions.check_gift_card(card.code).balance == D("30.00")
    with pytest.raises(promotions.GiftCardUseCommitted):
        promotions.release_gift_card_use("checkout:1")
    assert promotions.release_gift_card_use("checkout:unknown") is None


def test_an_expired_hold_stops_counting_and_the_beat_task_closes_it():
    card = gift_card("50.00")
    promotions.reserve_gift_card("checkout:1", card.code, D("20.00"), TTL)
    GiftCardEntry.objects.filter(key="checkout:1").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert promotions.check_gift_card(card.code).balance == D("50.00")
    assert release_expired_voucher_uses() == 1
    assert GiftCardEntry.objects.get(key="checkout:1").status == "released"


def test_a_late_commit_of_an_expired_hold_is_refused_when_the_money_went_elsewhere():
    card = gift_card("30.00")
    promotions.reserve_gift_card("checkout:1", card.code, D("30.00"), TTL)
    GiftCardEntry.objects.filter(key="checkout:1").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    promotions.reserve_gift_card("checkout:2", card.code, D("30.00"), TTL)

    with pytest.raises(promotions.GiftCardEmpty):
        promotions.commit_gift_card_use("checkout:1")


def test_committing_an_unknown_key_is_not_found():
    with pytest.raises(promotions.GiftCardUseNotFound):
        promotions.commit_gift_card_use("checkout:nothing")


def test_a_partial_refund_goes_back_to_the_card_never_more_than_was_spent():
    card = gift_card("50.00")
    promotions.reserve_gift_card("checkout:1", card.code, D("40.00"), TTL)
    promotions.commit_gift_card_use("checkout:1")

    first = promotions.refund_to_gift_card("checkout:1", "order:A:refund:1", D("15.00"))
    again = promotions.refund_to_gift_card("checkout:1", "order:A:refund:1", D("15.00"))
    rest = promotions.refund_to_gift_card("checkout:1", "order:A:refund:2", D("99.00"))

    assert first.amount == D("15.00") and again == first
    assert rest.amount == D("25.00") and rest.balance == D("50.00")
    assert promotions.check_gift_card(card.code).balance == D("50.00")


def test_nothing_can_be_refunded_to_a_card_that_only_held():
    card = gift_card("50.00")
    promotions.reserve_gift_card("checkout:1", card.code, D("10.00"), TTL)

    with pytest.raises(promotions.GiftCardUseNotFound):
        promotions.refund_to_gift_card("checkout:1", "refund:1", D("5.00"))


def test_issuing_twice_under_one_key_makes_one_card():
    first = promotions.issue_gift_card(
        "order:7K3Q:line:1:1", D("25.00"), "a@example.com", "order:7K3Q"
    )
    again = promotions.issue_gift_card(
        "order:7K3Q:line:1:1", D("25.00"), "a@example.com", "order:7K3Q"
    )

    assert first == again and GiftCard.objects.count() == 1
    assert promotions.check_gift_card(first.code).balance == D("25.00")


@pytest.mark.parametrize("amount", [D("0"), D("-1"), D("1.001"), 5])
def test_an_amount_that_is_not_positive_money_is_a_callers_bug(amount):
    card = gift_card()
    with pytest.raises(promotions.InvalidPromotionRequest):
        promotions.reserve_gift_card("checkout:1", card.code, amount, TTL)


def test_issue_gift_cards_writes_the_new_codes_as_csv(tmp_path):
    out = tmp_path / "cards.csv"

    call_command("issue_gift_cards", "--amount", "50", "--count", "3", "--output", str(out))

    rows = out.read_text().splitlines()
    assert rows[0].startswith("code,amount") and len(rows) == 4
    for row in rows[1:]:
        assert promotions.check_gift_card(row.split(",")[0]).balance == D("50.00")


def test_voiding_takes_what_is_left_off_for_good_once_and_switches_the_card_off():
    card = gift_card("50.00", key="order:A1:1:1")
    promotions.reserve_gift_card("spend", card.code, D("20.00"), TTL)
    promotions.commit_gift_card_use("spend")

    voided = promotions.void_gift_card("order:A1:1:1", "void:1")
    again = promotions.void_gift_card("order:A1:1:1", "void:1")

    assert (voided.amount, voided.balance) == (D("30.00"), D("0.00"))
    assert again == voided
    assert GiftCardEntry.objects.get(key="void:1").amount == D("-30.00")
    with pytest.raises(promotions.GiftCardUnknown):
        promotions.check_gift_card(card.code)


def test_voiding_a_spent_card_takes_nothing_and_an_unknown_one_is_not_found():
    card = gift_card("10.00", key="order:A2:1:1")
    promotions.reserve_gift_card("spend", card.code, D("10.00"), TTL)
    promotions.commit_gift_card_use("spend")

    assert promotions.void_gift_card("order:A2:1:1", "void:2").amount == D("0.00")
    with pytest.raises(promotions.GiftCardUseNotFound):
        promotions.void_gift_card("order:none:1:1", "void:3")
