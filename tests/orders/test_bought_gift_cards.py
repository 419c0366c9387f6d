"""
Gift cards bought as a product (issue 17, decision 0030): one card per unit
issued once when the order is placed, its codes mailed to the buyer and shown
on their order page alone; refunding the line voids what is left and gives
back no more; cancelling voids unused cards.
"""

from decimal import Decimal

import pytest

from shop.orders import guests
from shop.orders.db import db as orders_db
from shop.orders.errors import GiftCardSpent
from shop.orders.models import BoughtGiftCard, CheckoutLine, Order, RefundRequest, SentEmail
from shop.orders.services import bought_cards, lifecycle, placing, refunds
from shop.orders.tasks import issue_gift_cards
from shop.promotions import public as promotions
from shop.promotions.models import GiftCard, GiftCardEntry
from tests.orders.factories import TEE, make_checkout, pay_on_test_gateway
from tests.promotions.factories import TTL

pytestmark = pytest.mark.django_db
D = Decimal
CARDS = ("GIFT-25", 2, "25.00")


def buy(user_id, *lines, email="ada@example.com") -> Order:
    """An order placed and paid with ``lines`` (sku, quantity, price); GIFT-… lines are cards."""
    with orders_db.atomic():
        checkout = make_checkout(
            user_id=user_id, email=email, lines=lines or (CARDS,), shipping_cost="0.00"
        )
        CheckoutLine.objects.filter(checkout=checkout, sku__startswith="GIFT-").update(
            gift_card=True
        )
        order = placing.place_order(checkout)
        pay_on_test_gateway(order)
    return order


def spend(code, amount, key="spent") -> None:
    promotions.reserve_gift_card(key, code, D(amount), TTL)
    promotions.commit_gift_card_use(key)


def test_placing_issues_one_card_per_unit_once_and_mails_the_codes_once(ada, deliver, mailoutbox):
    order = buy(ada.pk, CARDS, TEE)

    deliver()

    cards = list(GiftCard.objects.order_by("issue_key"))
    line = order.lines.get(sku="GIFT-25")
    assert [c.issue_key for c in cards] == [
        f"order:{order.number}:{line.pk}:1",
        f"order:{order.number}:{line.pk}:2",
    ]
    assert {(c.initial_amount, c.source, c.recipient_email) for c in cards} == {
        (D("25.00"), f"order:{order.number}", "ada@example.com")
    }
    assert BoughtGiftCard.objects.filter(order=order).count() == 2
    mails = [m for m in mailoutbox if "gift cards" in m.subject]
    assert len(mails) == 1 and mails[0].to == ["ada@example.com"]
    assert all(card.code in mails[0].body for card in cards)
    assert SentEmail.objects.filter(key=f"gift-cards:{order.number}").count() == 1


def test_the_consumer_run_twice_issues_nothing_twice(ada, deliver, mailoutbox):
    from shop.orders.events import OrderPlaced
    from shop.orders.models import OutboxMessage

    order = buy(ada.pk)
    deliver()
    placed = OutboxMessage.objects.get(event_name=OrderPlaced.name)

    issue_gift_cards(placed.envelope())  # the same event delivered again
    bought_cards.issue_cards(order.number)

    assert GiftCard.objects.count() == 2 and GiftCardEntry.objects.count() == 2
    assert len([m for m in mailoutbox if "gift cards" in m.subject]) == 1


def test_an_order_without_a_gift_card_issues_none_and_mails_none(ada, deliver, mailoutbox):
    buy(ada.pk, TEE)
    deliver()

    assert not GiftCard.objects.exists()
    assert not [m for m in mailoutbox if "gift cards" in m.subject]


def test_units_of_an_odd_total_share_it_to_the_cent():
    line = type("Line", (), {"line_total": D("10.00"), "quantity": 3})()

    assert bought_cards.unit_amounts(line) == [D("3.34"), D("3.33"), D("3.33")]


def test_the_buyer_sees_the_codes_on_their_order_page_in_a_few_queries(
    ada, ada_client, deliver, django_assert_max_num_queries
):
    order = buy(ada.pk, CARDS, TEE)
    deliver()
    codes = list(BoughtGiftCard.objects.values_list("code", flat=True))

    with django_assert_max_num_queries(12):
        page = ada_client.get(f"/orders/{order.number}/")

    assert page.status_code == 200
    assert all(code in page.content.decode() for code in codes)
    assert page["Cache-Control"] == "private, no-store"


def test_a_guest_sees_the_codes_through_their_link_and_nobody_else_does(client, bob, deliver):
    order = buy(None, email="guest@example.com")
    deliver()
    codes = list(BoughtGiftCard.objects.values_list("code", flat=True))

    page = client.get(guests.order_path(order.number))
    client.force_login(bob)
    other = client.get(f"/orders/{order.number}/")

    assert all(code in page.content.decode() for code in codes)
    assert other.status_code == 404


def test_the_admin_shows_a_bought_cards_code_masked(admin_client, ada, deliver):
    order = buy(ada.pk)
    deliver()
    card = BoughtGiftCard.objects.first()

    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()

    assert card.masked_code in page and card.code not in page


def test_refunding_a_gift_card_line_voids_the_card_and_refunds_what_was_left(ada, deliver):
    order = buy(ada.pk, CARDS, TEE)
    deliver()
    line = order.lines.get(sku="GIFT-25")
    first, second = BoughtGiftCard.objects.filter(line=line)
    spend(first.code, "10.00")

    request = refunds.refund_gift_card_line(order.number, line.pk, actor="staff:1", key="k")
    again = refunds.refund_gift_card_line(order.number, line.pk, actor="staff:1", key="k")

    assert request.amount == D("40.00") and again.pk == request.pk
    assert RefundRequest.objects.filter(order=order).count() == 1
    for card in (first, second):
        with pytest.raises(promotions.GiftCardUnknown):
            promotions.check_gift_card(card.code)
    assert GiftCardEntry.objects.filter(kind="void").count() == 2
    deliver(apps=("orders", "payments"))
    order.refresh_from_db()
    assert order.refunded_amount == D("40.00")


def test_refunding_a_line_whose_cards_are_spent_is_refused(ada, deliver):
    order = buy(ada.pk, ("GIFT-25", 1, "25.00"))
    deliver()
    line = order.lines.get()
    spend(BoughtGiftCard.objects.get().code, "25.00")

    with pytest.raises(GiftCardSpent) as refused:
        refunds.refund_gift_card_line(order.number, line.pk, actor="staff:1", key="k")

    assert refused.value.code == "gift_card_spent" and refused.value.status_code == 409
    assert not RefundRequest.objects.exists()


def test_cancelling_voids_unused_cards_and_is_refused_once_one_was_used(ada, bob, deliver):
    unused = buy(ada.pk)
    used = buy(bob.pk, email="bob@example.com")
    deliver()
    spend(BoughtGiftCard.objects.filter(order=used).first().code, "1.00")

    lifecycle.cancel_order(unused.number, actor="staff:1")
    with pytest.raises(GiftCardSpent):
        lifecycle.cancel_order(used.number, actor="staff:1")

    assert all(c.voided_at for c in BoughtGiftCard.objects.filter(order=unused))
    assert GiftCard.objects.filter(active=False).count() == 2
    used.refresh_from_db()
    assert used.status == "paid"
    assert not BoughtGiftCard.objects.filter(order=used, voided_at__isnull=False).exists()


def test_an_order_cancelled_before_its_cards_were_issued_never_issues_them(ada, deliver):
    order = buy(ada.pk)
    lifecycle.cancel_order(order.number, actor="staff:1")

    deliver()

    assert not GiftCard.objects.exists()


def test_staff_refund_a_gift_card_line_in_the_admin_and_hear_when_it_was_spent(
    admin_client, ada, deliver
):
    from tests.orders.test_admin import act, messages_of

    order = buy(ada.pk, ("GIFT-25", 1, "25.00"), ("GIFT-50", 1, "50.00"))
    deliver()
    cheap, dear = order.lines.order_by("unit_price")
    spend(BoughtGiftCard.objects.get(line=cheap).code, "25.00")
    form = act(admin_client, "refund_gift_cards", [order])
    assert form.context["form"]["key"].value()

    done = act(admin_client, "refund_gift_cards", [order], apply="yes", line=dear.pk, key="k1")
    spent = act(admin_client, "refund_gift_cards", [order], apply="yes", line=cheap.pk, key="k2")

    assert "a refund of €50.00 (what was left on them) requested" in " ".join(messages_of(done))
    assert "have been spent" in spent.content.decode()
    assert RefundRequest.objects.get().amount == D("50.00")
