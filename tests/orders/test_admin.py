"""What staff see and do with orders in the admin."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.utils import timezone

from shop.invoices import public as invoices
from shop.orders.models import Order, RefundRequest
from shop.orders.services import lifecycle

from .factories import make_order

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/orders/order/"


def listed(response) -> list[str]:
    return [order.number for order in response.context["cl"].result_list]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def act(client, action: str, orders, **data):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [order.pk for order in orders], **data},
        follow=True,
    )


def status(order) -> str:
    return Order.objects.get(pk=order.pk).status


@pytest.fixture
def order_manager(client):
    user = get_user_model().objects.create_user(
        email="orders@example.com", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Order managers"))
    client.force_login(user)
    return client


def test_staff_find_orders_by_number_email_and_line_sku(admin_client, ada, bob):
    tee = make_order(user_id=ada.pk, email="ada@example.com", lines=[("TEE-M", 1, "19.90")])
    mug = make_order(user_id=bob.pk, email="bob@example.com", lines=[("MUG-1", 2, "8.00")])

    assert listed(admin_client.get(CHANGELIST, {"q": tee.number})) == [tee.number]
    assert listed(admin_client.get(CHANGELIST, {"q": "bob@"})) == [mug.number]
    assert listed(admin_client.get(CHANGELIST, {"q": "mug-1"})) == [mug.number]


def test_staff_filter_orders_by_status_and_date(admin_client, ada):
    shipped = make_order(user_id=ada.pk)
    lifecycle.mark_shipped(shipped.number, actor="staff:1")
    paid = make_order(user_id=ada.pk)
    old = make_order(user_id=ada.pk, placed_at=timezone.now() - timedelta(days=60))

    assert listed(admin_client.get(CHANGELIST, {"status__exact": "shipped"})) == [shipped.number]
    recent = admin_client.get(
        CHANGELIST, {"placed_at__gte": (timezone.now() - timedelta(days=7)).isoformat()}
    )
    assert set(listed(recent)) == {shipped.number, paid.number}
    assert old.number not in listed(recent)


def test_the_order_page_shows_lines_shipment_history_and_emails(admin_client, ada, deliver):
    order = make_order(user_id=ada.pk)
    deliver()
    lifecycle.mark_shipped(order.number, actor="staff:1")

    page = admin_client.get(f"{CHANGELIST}{order.pk}/change/").content.decode()

    for text in ("TEE-M", "Product TEE-M", order.shipment.tracking_number, "staff:1", "placed:"):
        assert text in page
    assert "12 St James&#x27;s Square" in page
    assert 'name="_save"' not in page


def test_the_order_page_links_its_invoice_for_staff_to_download(admin_client, ada, deliver):
    order = make_order(user_id=ada.pk)
    deliver()
    (invoice,) = invoices.documents_for_order(order.number)

    page = admin_client.get(f"{CHANGELIST}{order.pk}/change/").content.decode()

    assert f'href="/admin/invoices/invoice/?q={invoice.number}"' in page
    found = admin_client.get(f"/admin/invoices/invoice/?q={invoice.number}").content.decode()
    assert "Download PDF" in found


def test_orders_are_neither_added_nor_deleted_in_the_admin(admin_client, ada):
    order = make_order(user_id=ada.pk)

    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.get(f"{CHANGELIST}{order.pk}/delete/").status_code == 403


def test_marking_shipped_asks_for_an_optional_tracking_number(admin_client, ada):
    order = make_order(user_id=ada.pk)

    form = admin_client.post(CHANGELIST, {"action": "mark_shipped", "_selected_action": [order.pk]})
    assert form.status_code == 200
    assert "tracking_number" in form.content.decode()
    assert status(order) == "paid"

    done = act(admin_client, "mark_shipped", [order], apply="yes", tracking_number="TRK-42")

    assert status(order) == "shipped"
    assert Order.objects.get(pk=order.pk).shipment.tracking_number == "TRK-42"
    assert "1 order marked shipped." in messages_of(done)


def test_marking_many_shipped_books_each_with_the_carrier(admin_client, ada):
    orders = [make_order(user_id=ada.pk) for _ in range(3)]

    act(admin_client, "mark_shipped", orders, apply="yes")

    assert {status(order) for order in orders} == {"shipped"}


def test_one_tracking_number_for_many_orders_is_refused(admin_client, ada):
    orders = [make_order(user_id=ada.pk) for _ in range(2)]

    response = act(admin_client, "mark_shipped", orders, apply="yes", tracking_number="TRK")

    assert "Select one order" in response.content.decode()
    assert {status(order) for order in orders} == {"paid"}


def test_an_illegal_step_is_an_error_message_and_the_others_go_through(admin_client, ada):
    shipped = make_order(user_id=ada.pk)
    paid = make_order(user_id=ada.pk)
    lifecycle.mark_shipped(shipped.number, actor="staff:1")

    response = act(admin_client, "mark_delivered", [shipped, paid])

    assert response.status_code == 200
    assert (status(shipped), status(paid)) == ("delivered", "paid")
    found = messages_of(response)
    assert "1 order marked delivered." in found
    assert any(
        paid.number in message and "cannot be marked delivered" in message for message in found
    )


def test_cancel_and_refund_asks_for_confirmation_first(admin_client, ada, gateway, deliver):
    order = make_order(user_id=ada.pk)

    confirm = admin_client.post(
        CHANGELIST, {"action": "cancel_and_refund", "_selected_action": [order.pk]}
    )
    assert "Yes, cancel and refund" in confirm.content.decode()
    assert status(order) == "paid"

    act(admin_client, "cancel_and_refund", [order], apply="yes", reason="Out of stock")
    deliver()

    assert status(order) == "refunded"
    assert Order.objects.get(pk=order.pk).status_changes.filter(note="Out of stock").exists()


def test_a_partial_refund_takes_an_amount(admin_client, ada, gateway, deliver):
    order = make_order(user_id=ada.pk)

    form = admin_client.post(
        CHANGELIST, {"action": "partial_refund", "_selected_action": [order.pk]}
    )
    key = form.context["form"]["key"].value()
    assert key

    data = {"apply": "yes", "amount": "7.50", "reason": "Scratched", "key": key}
    done = act(admin_client, "partial_refund", [order], **data)
    act(admin_client, "partial_refund", [order], **data)  # submitted twice
    deliver()

    assert "refund of €7.50 requested" in " ".join(messages_of(done))
    assert len(gateway.refunds()) == 1
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.refunded_amount) == ("paid", Decimal("7.50"))
    assert RefundRequest.objects.get().reason == "Scratched"


def test_a_refund_above_what_is_left_is_shown_on_the_form(admin_client, ada, gateway):
    order = make_order(user_id=ada.pk)

    response = act(
        admin_client, "partial_refund", [order], apply="yes", amount="50.00", key="k", reason=""
    )

    assert "At most €44.70 is left to refund." in response.content.decode()
    assert gateway.refunds() == []


def test_staff_refund_returned_items_by_the_unit_and_cannot_refund_them_twice(
    admin_client, ada, gateway, deliver
):
    order = make_order(user_id=ada.pk)  # two TEE-M at 19.90, 4.90 delivery
    line = order.lines.get()
    form = admin_client.post(CHANGELIST, {"action": "refund_items", "_selected_action": [order.pk]})
    key = form.context["form"]["key"].value()
    assert "2 of 2 can be refunded" in form.content.decode()

    data = {"apply": "yes", f"line_{line.pk}": "1", "reason": "", "key": key}
    done = act(admin_client, "refund_items", [order], **data)
    act(admin_client, "refund_items", [order], **data)  # submitted twice
    deliver()

    assert "refund of the returned items requested" in " ".join(messages_of(done))
    assert len(gateway.refunds()) == 1
    assert Order.objects.get(pk=order.pk).refunded_amount == Decimal("19.90")
    assert RefundRequest.objects.get().reason.startswith("Returned: 1 \N{MULTIPLICATION SIGN}")
    again = act(
        admin_client, "refund_items", [order], apply="yes", key="k2", **{f"line_{line.pk}": "2"}
    )
    assert "Ensure this value is less than or equal to 1." in again.content.decode()
    assert len(gateway.refunds()) == 1


def test_a_partial_refund_is_for_one_order_at_a_time(admin_client, ada):
    orders = [make_order(user_id=ada.pk) for _ in range(2)]

    response = act(admin_client, "partial_refund", orders)

    assert "Select exactly one order to refund." in messages_of(response)


def test_order_managers_can_ship_cancel_and_refund(order_manager, ada, gateway, deliver):
    to_ship, to_cancel, to_refund = (make_order(user_id=ada.pk) for _ in range(3))

    actions = order_manager.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert {"mark_shipped", "mark_delivered", "cancel_and_refund", "partial_refund"} <= {
        name for name, _label in actions
    }
    act(order_manager, "mark_shipped", [to_ship], apply="yes")
    act(order_manager, "cancel_and_refund", [to_cancel], apply="yes", reason="")
    act(order_manager, "partial_refund", [to_refund], apply="yes", amount="1.00", key="k")
    deliver()

    assert (status(to_ship), status(to_cancel)) == ("shipped", "refunded")
    assert Order.objects.get(pk=to_refund.pk).refunded_amount == Decimal("1.00")
    page = order_manager.get(f"{CHANGELIST}{to_ship.pk}/change/").content.decode()
    assert "History" in page or "history" in page


def test_support_staff_see_orders_but_cannot_move_them(client, ada):
    user = get_user_model().objects.create_user(
        email="support@example.com", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Support"))
    client.force_login(user)
    order = make_order(user_id=ada.pk)

    response = client.get(CHANGELIST)

    assert listed(response) == [order.number]
    assert response.context["action_form"] is None or not {
        name for name, _label in response.context["action_form"].fields["action"].choices
    } & {"mark_shipped", "cancel_and_refund", "partial_refund"}
