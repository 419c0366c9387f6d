"""
Write logic of orders once they exist: placing one from a paid checkout, the
status machine (ship, deliver, cancel, refund), shipments and forgetting a
deleted customer.

Every change runs in one transaction that first locks the order row
(``select_for_update``), so two staff members, a customer and a consumer
acting on the same order queue up; each transition is checked against
``TRANSITIONS`` and recorded in ``OrderStatusChange`` with its actor.

Calls to the payment gateway (refunds) are made without holding the order's
lock: payments makes them idempotent by key, so a retry after a timeout is
safe, and a slow gateway never blocks the order for staff or customers.
"""

import secrets
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.catalog import public as catalog
from shop.core.messaging import publish
from shop.core.money import quantize
from shop.payments import public as payments

from . import public
from .actors import SYSTEM, customer
from .carriers import DeliveryRequest, get_carrier
from .events import (
    CheckoutExpired,
    OrderCancelled,
    OrderDelivered,
    OrderedLine,
    OrderPlaced,
    OrderRefunded,
    OrderShipped,
)
from .models import (
    Checkout,
    ForgottenCustomer,
    Order,
    OrderLine,
    OrderStatusChange,
    RefundRequest,
    Shipment,
)

Status = Order.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PAID: frozenset({Status.SHIPPED, Status.CANCELLED, Status.REFUNDED}),
    Status.SHIPPED: frozenset({Status.DELIVERED}),
    Status.DELIVERED: frozenset(),
    Status.CANCELLED: frozenset({Status.REFUNDED}),
    Status.REFUNDED: frozenset(),
}
# What refusing a transition to each status says: "... cannot be <verb>".
_VERBS = {
    Status.SHIPPED: "shipped",
    Status.DELIVERED: "marked delivered",
    Status.CANCELLED: "cancelled",
    Status.REFUNDED: "refunded in full",
}

# Crockford's base32 without I, L, O and U: read aloud or typed, nothing is ambiguous.
NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_ATTEMPTS = 5


def deleted_email(user_id: int) -> str:
    """The address accounts gives a deleted user: unique and undeliverable (RFC 2606)."""
    return f"deleted-{user_id}@invalid"


def new_order_number() -> str:
    """
    "7K3Q-XM2P": random rather than sequential, so a number says nothing about
    how many orders the shop takes and cannot be guessed from another one.
    """
    chars = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def format_amount(amount: Decimal, currency: str) -> str:
    return f"{quantize(amount, currency)} {currency}"


def _ordered_lines(order: Order) -> tuple[OrderedLine, ...]:
    return tuple(OrderedLine(sku=line.sku, quantity=line.quantity) for line in order.lines.all())


def _locked(number: str, *, owner_id: int | None = None) -> Order:
    """The order, locked; another customer's order is not found, like a missing one."""
    order = Order.objects.select_for_update().filter(number=number).first()
    if order is None or (owner_id is not None and order.user_id != owner_id):
        raise public.OrderNotFound(f"No order {number!r}.", number=number)
    return order


def _record(
    order: Order, to_status: str, actor: str, note: str = "", *, internal: bool = False
) -> None:
    OrderStatusChange.objects.create(
        order=order,
        from_status=order.status,
        to_status=to_status,
        actor=actor,
        note=note[:500],
        internal=internal,
    )


def _transition(order: Order, to_status: str, actor: str, note: str = "") -> None:
    if to_status not in TRANSITIONS[order.status]:
        raise public.InvalidTransition(
            f"Order {order.number} is {order.get_status_display().lower()}; "
            f"it cannot be {_VERBS[to_status]}.",
            status=order.status,
        )
    _record(order, to_status, actor, note)
    order.status = to_status
    order.save(update_fields=["status", "updated_at"])


# --- placing ----------------------------------------------------------------------


def place_order(checkout: Checkout) -> Order:
    """
    The order for a paid ``checkout``: created on the first call, the same one
    on every later call. Copies the checkout's lines, address and totals,
    records the order as paid and publishes ``orders.OrderPlaced`` (which
    books the shipment and mails the confirmation).

    Two callers racing for the same checkout both get the one order: the
    loser's insert hits the one-to-one constraint inside a savepoint, and it
    returns the winner's row. Call it inside the caller's transaction.
    """
    existing = Order.objects.filter(checkout_id=checkout.pk).first()
    if existing is not None:
        return existing
    for _attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return _create_order(checkout, new_order_number())
        except IntegrityError:
            existing = Order.objects.filter(checkout_id=checkout.pk).first()
            if existing is not None:
                return existing
            # Otherwise the random number was taken: draw another.
    raise RuntimeError(f"No free order number after {NUMBER_ATTEMPTS} attempts.")


def _create_order(checkout: Checkout, number: str) -> Order:
    order = Order.objects.create(
        number=number,
        checkout=checkout,
        user_id=checkout.user_id,
        email=checkout.email,
        status=Status.PAID,
        currency=checkout.currency,
        subtotal=checkout.subtotal,
        shipping_cost=checkout.shipping_cost,
        total=checkout.total,
        shipping_method=checkout.shipping_method,
        shipping_address=checkout.shipping_address,
        payment_reference=str(checkout.pk),
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            sku=line.sku,
            product_name=line.product_name,
            variant_name=line.variant_name,
            unit_price=line.unit_price,
            quantity=line.quantity,
        )
        for line in checkout.lines.all()
    )
    OrderStatusChange.objects.create(
        order=order, to_status=Status.PAID, actor=SYSTEM, note="Order placed and paid."
    )
    forgotten = ForgottenCustomer.objects.filter(user_id=order.user_id).first()
    if forgotten is not None:
        _anonymise_order(order, forgotten.deleted_at)
    publish(
        OrderPlaced(
            number=order.number,
            checkout_id=str(checkout.pk),
            user_id=order.user_id,
            total=order.total,
            currency=order.currency,
            lines=_ordered_lines(order),
        )
    )
    return order


# --- shipping ---------------------------------------------------------------------


def _delivery_request(order: Order) -> DeliveryRequest:
    return DeliveryRequest(
        order_number=order.number,
        shipping_method=order.shipping_method,
        address=dict(order.shipping_address),
        lines=tuple((line.sku, line.quantity) for line in order.lines.all()),
    )


def _shipment(order: Order, tracking_number: str = "") -> Shipment:
    """
    The order's shipment: booked with the carrier if there is none yet, or
    with ``tracking_number`` (staff booked the parcel themselves) replacing
    the booked one's.
    """
    carrier = get_carrier()
    shipment = Shipment.objects.filter(order=order).first()
    if tracking_number:
        url = carrier.tracking_url(tracking_number)
        if shipment is None:
            return Shipment.objects.create(
                order=order,
                carrier=carrier.name,
                tracking_number=tracking_number,
                tracking_url=url,
            )
        shipment.tracking_number, shipment.tracking_url = tracking_number, url
        shipment.save(update_fields=["tracking_number", "tracking_url"])
        return shipment
    if shipment is None:
        booking = carrier.arrange_delivery(_delivery_request(order))
        shipment = Shipment.objects.create(
            order=order,
            carrier=carrier.name,
            tracking_number=booking.tracking_number,
            tracking_url=booking.tracking_url,
        )
    return shipment


def book_shipment(number: str) -> Shipment | None:
    """
    Ask the carrier for the order's parcel (on ``orders.OrderPlaced``). The
    same order again returns its shipment; a cancelled order books nothing.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(number=number).first()
        if order is None:
            return None
        if order.status != Status.PAID:
            return Shipment.objects.filter(order=order).first()
        return _shipment(order)


def mark_shipped(number: str, *, actor: str, tracking_number: str | None = None) -> Order:
    """
    The parcel left: ``paid`` → ``shipped``. Without ``tracking_number`` the
    booked shipment's is used (booked now if the booking has not happened).
    Publishes ``orders.OrderShipped``, which mails the customer.
    """
    tracking_number = (tracking_number or "").strip()
    with transaction.atomic():
        order = _locked(number)
        note = f"Tracking number {tracking_number}." if tracking_number else ""
        _transition(order, Status.SHIPPED, actor, note)
        shipment = _shipment(order, tracking_number)
        shipment.shipped_at = timezone.now()
        shipment.save(update_fields=["shipped_at"])
        publish(
            OrderShipped(
                number=order.number,
                user_id=order.user_id,
                carrier=shipment.carrier,
                tracking_number=shipment.tracking_number,
                tracking_url=shipment.tracking_url,
            )
        )
    return order


def mark_delivered(number: str, *, actor: str) -> Order:
    """``shipped`` → ``delivered``."""
    with transaction.atomic():
        order = _locked(number)
        _transition(order, Status.DELIVERED, actor)
        Shipment.objects.filter(order=order).update(delivered_at=timezone.now())
        publish(OrderDelivered(number=order.number, user_id=order.user_id))
    return order


# --- cancelling and refunding ----------------------------------------------------


def cancel_order(
    number: str, *, actor: str, reason: str = "", owner_id: int | None = None
) -> Order:
    """
    Cancel an unshipped order: ``paid`` → ``cancelled``, its units back on
    hand, the booked shipment called off, and ``orders.OrderCancelled``
    published. The full refund is requested by that event's consumer, so the
    customer never waits on the gateway and an outage is retried.

    With ``owner_id`` (a customer cancelling) another customer's order is not
    found. A shipped order raises ``InvalidTransition``.
    """
    reason = reason.strip()
    with transaction.atomic():
        order = _locked(number, owner_id=owner_id)
        _transition(order, Status.CANCELLED, actor, reason)
        skipped = _restock(order)
        if skipped:
            note = f"Not restocked (no longer in the catalog): {skipped}."
            _record(order, order.status, SYSTEM, note, internal=True)
        Shipment.objects.filter(order=order, shipped_at__isnull=True).update(
            cancelled_at=timezone.now()
        )
        publish(
            OrderCancelled(
                number=order.number,
                user_id=order.user_id,
                payment_reference=order.payment_reference,
                total=order.total,
                currency=order.currency,
                reason=reason,
                lines=_ordered_lines(order),
            )
        )
    return order


def _restock(order: Order) -> str:
    """
    Put the order's units back on hand, once per order whatever happens later.
    A SKU deleted from the catalog since cannot take stock back: it is
    skipped rather than blocking the cancellation; returns the skipped SKUs.
    """
    lines = [(line.sku, line.quantity) for line in order.lines.all()]
    known = catalog.get_variants(sku for sku, _quantity in lines)
    kept = [(sku, quantity) for sku, quantity in lines if sku in known]
    if kept:
        catalog.restock(f"order:{order.number}:cancel", kept)
    return ", ".join(sku for sku, _quantity in lines if sku not in known)


def _refund_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError, TypeError):
        raise public.InvalidRefund(f"{amount!r} is not an amount.") from None
    if not value.is_finite() or value <= 0 or quantize(value) != value:
        raise public.InvalidRefund()
    return value


def refund_order(number: str, amount, *, actor: str, key: str, reason: str = "") -> RefundRequest:
    """
    Give back ``amount`` of the order's payment (staff: a partial refund, or
    the rest after a return). ``key`` names the request: the same key again
    returns the first request and never refunds twice. The order's figures
    change when payments reports the refund (``record_refund``).

    Raises ``InvalidRefund`` for an amount that is not positive or more than
    is left, ``InvalidTransition`` for an order already refunded in full,
    and payments' ``RefundNotAllowed`` or ``GatewayUnavailable``. After
    ``GatewayUnavailable`` the request is kept as pending: payments sends it
    again by itself, and calling again with the same key resumes it.
    """
    amount = _refund_amount(amount)
    refund_key = f"order:{number}:refund:{key}"
    with transaction.atomic():
        order = _locked(number)
        existing = RefundRequest.objects.filter(key=refund_key).first()
        if existing is not None and existing.refund_id:
            return existing
        if existing is None:
            if order.status == Status.REFUNDED:
                raise public.InvalidTransition(
                    f"Order {order.number} is already refunded in full.", status=order.status
                )
            left = order.total - order.refunded_amount
            if amount > left:
                raise public.InvalidRefund(
                    f"At most {format_amount(left, order.currency)} is left to refund.",
                    left=str(left),
                )
    request = {"actor": actor, "amount": amount, "reason": reason}
    try:
        refund = payments.refund_payment(
            reference=order.payment_reference, key=refund_key, amount=amount, reason=reason
        )
    except payments.GatewayUnavailable:
        _record_request(number, refund_key, refund_id="", status="pending", **request)
        raise
    return _record_request(number, refund_key, refund_id=refund.id, status=refund.status, **request)


def request_cancellation_refund(number: str) -> RefundRequest | None:
    """
    Refund everything left of a cancelled order's payment (the consumer of
    ``orders.OrderCancelled``). Payments' ``GatewayUnavailable`` propagates so
    the task is retried; nothing left to refund is noted and is not an error.
    """
    order = Order.objects.get(number=number)
    key = f"order:{number}:cancel"
    reason = "Order cancelled"
    try:
        refund = payments.refund_payment(reference=order.payment_reference, key=key, reason=reason)
    except payments.RefundNotAllowed:
        with transaction.atomic():
            order = _locked(number)
            _record(order, order.status, SYSTEM, "Nothing was left to refund.", internal=True)
        return None
    return _record_request(
        number, key, refund_id=refund.id, status=refund.status, actor=SYSTEM, reason=reason
    )


def _record_request(
    number: str,
    key: str,
    *,
    refund_id: str,
    status: str,
    actor: str,
    amount: Decimal | None = None,
    reason: str = "",
) -> RefundRequest:
    """Remember a refund asked of payments, once per key; a pending one learns its refund id."""
    with transaction.atomic():
        order = _locked(number)
        request = RefundRequest.objects.filter(key=key).first()
        if request is not None:
            if refund_id and not request.refund_id:
                request.refund_id, request.status = refund_id, status
                request.save(update_fields=["refund_id", "status"])
            return request
        request = RefundRequest.objects.create(
            order=order,
            key=key,
            amount=amount,
            refund_id=refund_id,
            status=status,
            actor=actor,
            reason=reason,
        )
        what = format_amount(amount, order.currency) if amount is not None else "the rest"
        note = f"Refund of {what} requested" + (f": {reason}" if reason else ".")
        if status == "failed":
            note += " The payment provider refused it: refund the customer another way."
        elif status == "pending" and not refund_id:
            note += " The payment provider did not answer; payments sends it again."
        _record(order, order.status, actor, note, internal=True)
    return request


def record_refund(
    *,
    reference: str,
    refund_id: str,
    amount: Decimal,
    refunded_total: Decimal,
    fully_refunded: bool,
) -> Order | None:
    """
    Payments gave money back (``payments.PaymentRefunded``): the order takes
    the payment's refunded total (the highest reported, since events arrive
    in any order), a paid or cancelled order refunded in full becomes
    ``refunded``, and ``orders.OrderRefunded`` tells the customer. A refund of
    a payment that never became an order (a late payment refunded by the
    checkout saga) changes nothing here.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(payment_reference=reference).first()
        if order is None:
            return None
        RefundRequest.objects.filter(order=order, refund_id=refund_id).update(status="succeeded")
        refunded_total = quantize(refunded_total, order.currency)
        if refunded_total > order.refunded_amount:
            order.refunded_amount = min(refunded_total, order.total)
            order.save(update_fields=["refunded_amount", "updated_at"])
        fully = fully_refunded or order.fully_refunded
        note = f"{format_amount(amount, order.currency)} refunded (refund {refund_id})."
        if fully and Status.REFUNDED in TRANSITIONS[order.status]:
            _transition(order, Status.REFUNDED, SYSTEM, note)
        else:
            _record(order, order.status, SYSTEM, note)
        publish(
            OrderRefunded(
                number=order.number,
                user_id=order.user_id,
                refund_id=refund_id,
                amount=quantize(amount, order.currency),
                refunded_total=order.refunded_amount,
                currency=order.currency,
                fully_refunded=fully,
            )
        )
    return order


# --- forgetting a customer -------------------------------------------------------


def _anonymous_address(address) -> dict:
    """The address with only the country left (what the books need for tax)."""
    if not isinstance(address, dict):
        return {}
    return {key: (value if key == "country" else "") for key, value in address.items()}


def _anonymise_order(order: Order, when) -> None:
    order.email = deleted_email(order.user_id)
    order.shipping_address = _anonymous_address(order.shipping_address)
    order.anonymised_at = when
    order.save(update_fields=["email", "shipping_address", "anonymised_at", "updated_at"])
    order.status_changes.filter(actor=customer(order.user_id)).update(note="")
    order.refund_requests.filter(actor=customer(order.user_id)).update(reason="")


def forget_customer(user_id: int, deleted_at) -> int:
    """
    Anonymise the orders and checkouts of a deleted user: email, names,
    address and phone go; amounts, SKUs, dates and the country stay. Also
    remembered, so an order placed later from one of their checkouts is
    anonymised as it is created. Returns how many orders changed.
    """
    with transaction.atomic():
        ForgottenCustomer.objects.get_or_create(
            user_id=user_id, defaults={"deleted_at": deleted_at}
        )
        now = timezone.now()
        orders = Order.objects.select_for_update().filter(user_id=user_id, anonymised_at=None)
        count = 0
        for order in orders:
            _anonymise_order(order, now)
            count += 1
        checkouts = list(Checkout.objects.select_for_update().filter(user_id=user_id))
        for checkout in checkouts:
            checkout.email = deleted_email(user_id)
            checkout.shipping_address = _anonymous_address(checkout.shipping_address)
            checkout.updated_at = now
            if checkout.status == Checkout.Status.AWAITING_PAYMENT:
                # Nobody can receive this order now: its stock goes back and its
                # payment page closes; a payment that still arrives is refunded.
                catalog.release_reservation(checkout.reservation_key)
                checkout.status = Checkout.Status.EXPIRED
                checkout.failure_reason = "The customer deleted their account."
                publish(CheckoutExpired(checkout_id=str(checkout.pk), user_id=user_id))
        Checkout.objects.bulk_update(
            checkouts, ["email", "shipping_address", "status", "failure_reason", "updated_at"]
        )
    return count


def is_forgotten(user_id: int) -> bool:
    """The customer deleted their account (``accounts.UserDeleted`` was handled)."""
    return ForgottenCustomer.objects.filter(user_id=user_id).exists()
