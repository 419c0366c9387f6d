"""Pricing, holding, spending and giving back vouchers through the public interface."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shop.promotions import public as promotions
from shop.promotions.models import Voucher, VoucherUse
from shop.promotions.tasks import release_expired_voucher_uses

from .factories import TTL, basket, line, voucher

pytestmark = pytest.mark.django_db
D = Decimal
ALICE = "user:1"
BOB = "user:2"


def test_a_code_is_found_whatever_its_case():
    voucher(code="Summer-10")

    assert promotions.price_basket("summer-10", basket(line(price="20"))).total == D("2.00")


def test_two_codes_differing_only_in_case_cannot_both_exist():
    from django.db import IntegrityError, transaction

    voucher(code="DUP")
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.bulk_create([Voucher(code="dup", kind="percent", value=1)])


def test_an_unknown_code_is_refused():
    with pytest.raises(promotions.VoucherUnknown) as refused:
        promotions.price_basket("NOPE", basket())
    assert refused.value.code == "voucher_unknown" and refused.value.status_code == 422


@pytest.mark.parametrize(
    "window",
    [
        {"valid_until": timezone.now() - timedelta(minutes=1)},
        {"valid_from": timezone.now() + timedelta(days=1)},
        {"active": False},
    ],
    ids=["ended", "not-yet-valid", "switched-off"],
)
def test_a_code_outside_its_dates_or_switched_off_is_expired(window):
    voucher(code="WINDOW", **window)

    with pytest.raises(promotions.VoucherExpired) as refused:
        promotions.price_basket("WINDOW", basket())
    assert refused.value.code == "voucher_expired"


def test_holding_a_code_counts_against_its_uses_until_released():
    voucher(code="ONCE", max_uses=1)

    held = promotions.reserve_voucher("checkout-1", "once", ALICE, basket(), TTL)
    assert held.status == "held" and held.code == "ONCE"
    with pytest.raises(promotions.VoucherUsedUp) as refused:
        promotions.reserve_voucher("checkout-2", "ONCE", BOB, basket(), TTL)
    assert refused.value.status_code == 409
    with pytest.raises(promotions.VoucherUsedUp):
        promotions.price_basket("ONCE", basket())

    assert promotions.release_voucher_use("checkout-1").status == "released"
    assert promotions.reserve_voucher("checkout-2", "ONCE", BOB, basket(), TTL).status == "held"


def test_reserving_again_with_the_same_key_holds_one_use_repriced():
    voucher(code="ONCE", max_uses=1)

    promotions.reserve_voucher("checkout-1", "ONCE", ALICE, basket(line(price="10")), TTL)
    again = promotions.reserve_voucher("checkout-1", "ONCE", ALICE, basket(line(price="30")), TTL)

    assert again.discount.total == D("3.00")
    assert VoucherUse.objects.count() == 1


def test_a_customer_cannot_use_a_code_twice_but_others_can():
    voucher(code="WELCOME", max_uses_per_customer=1)
    promotions.reserve_voucher("c1", "WELCOME", ALICE, basket(), TTL)
    promotions.commit_voucher_use("c1")

    with pytest.raises(promotions.VoucherAlreadyUsed) as refused:
        promotions.reserve_voucher("c2", "WELCOME", ALICE, basket(), TTL)
    assert refused.value.code == "voucher_already_used"
    with pytest.raises(promotions.VoucherAlreadyUsed):
        promotions.price_basket("WELCOME", basket(), ALICE)
    assert promotions.reserve_voucher("c3", "WELCOME", BOB, basket(), TTL).status == "held"


def test_a_committed_use_stays_spent_and_cannot_be_released():
    voucher(code="ONCE", max_uses=1)
    promotions.reserve_voucher("c1", "ONCE", ALICE, basket(), TTL)

    assert promotions.commit_voucher_use("c1").status == "committed"
    assert promotions.commit_voucher_use("c1").status == "committed"
    with pytest.raises(promotions.VoucherUseCommitted):
        promotions.release_voucher_use("c1")
    assert promotions.reserve_voucher("c1", "ONCE", ALICE, basket(), TTL).status == "committed"


def test_releasing_an_unknown_use_changes_nothing_and_committing_one_is_404():
    assert promotions.release_voucher_use("never") is None
    with pytest.raises(promotions.VoucherUseNotFound) as missing:
        promotions.commit_voucher_use("never")
    assert missing.value.status_code == 404


def test_an_expired_hold_stops_counting_and_the_periodic_task_closes_it():
    single = voucher(code="ONCE", max_uses=1)
    promotions.reserve_voucher("c1", "ONCE", ALICE, basket(), TTL)
    VoucherUse.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert promotions.price_basket("ONCE", basket()).total > 0
    assert release_expired_voucher_uses() == 1
    assert single.uses.get().status == "released"


def test_a_late_commit_of_an_expired_hold_is_refused_when_the_code_went_to_someone_else():
    voucher(code="ONCE", max_uses=1)
    promotions.reserve_voucher("late", "ONCE", ALICE, basket(), TTL)
    VoucherUse.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    promotions.reserve_voucher("quick", "ONCE", BOB, basket(), TTL)

    with pytest.raises(promotions.VoucherUsedUp):
        promotions.commit_voucher_use("late")


def test_a_guests_email_is_their_customer_key_whatever_its_case():
    assert promotions.customer_key(None, " Guest@Example.COM ") == "email:guest@example.com"
    assert promotions.customer_key(42) == "user:42"
    with pytest.raises(promotions.InvalidPromotionRequest):
        promotions.customer_key(None, "")


@pytest.mark.parametrize(
    "bad",
    [
        {"key": ""},
        {"customer": ""},
        {"ttl": timedelta(0)},
        {"basket": promotions.Basket(lines=())},
        {"basket": basket(line(quantity=0))},
        {"basket": basket(line(price="-1"))},
    ],
    ids=["key", "customer", "ttl", "empty", "quantity", "price"],
)
def test_malformed_requests_are_refused_with_a_400(bad):
    voucher(code="OK")
    args = {"key": "k", "customer": ALICE, "basket": basket(), "ttl": TTL, **bad}

    with pytest.raises(promotions.InvalidPromotionRequest) as refused:
        promotions.reserve_voucher(args["key"], "OK", args["customer"], args["basket"], args["ttl"])
    assert refused.value.status_code == 400
    assert not VoucherUse.objects.exists()


def test_holding_a_code_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    voucher(code="ONCE", max_uses=1, max_uses_per_customer=1)
    lines = [line(f"SKU-{i}", "5.00") for i in range(20)]

    with django_assert_max_num_queries(9):
        promotions.reserve_voucher("c1", "ONCE", ALICE, basket(*lines), TTL)
