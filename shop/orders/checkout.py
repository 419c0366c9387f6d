"""
Starting a purchase: the first half of the checkout saga (DESIGN.md).

``start_checkout`` turns the customer's cart into a ``Checkout``: prices from
the catalog, stock reserved until ``expires_at``, address and totals frozen,
and a payment asked of payments. The rest of the saga reacts to payments'
events (``saga.py``).

The checkout row and the stock reservation are written in one transaction,
so a refused reservation leaves no checkout behind. The payment is created
after that commit: it may call a remote gateway, which must not hold
database locks, and ``create_payment`` is idempotent on the checkout id, so a
retry (the same ``Idempotency-Key``) finishes what a gateway outage left.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from shop.accounts import public as accounts
from shop.cart import public as cart
from shop.catalog import public as catalog
from shop.core.errors import Conflict, NotFound, ShopError
from shop.core.money import quantize, store_currency
from shop.payments import public as payments

from .models import Checkout, CheckoutLine

ADDRESS_FIELDS = (
    "full_name",
    "line1",
    "line2",
    "city",
    "postal_code",
    "region",
    "country",
    "phone",
)


class CartEmpty(ShopError):
    code = "cart_empty"
    default_detail = "Your cart is empty."


class EmailUnverified(ShopError):
    status_code = 403
    code = "email_unverified"
    default_detail = "Confirm your email address before checking out."


class AddressRequired(ShopError):
    code = "address_required"
    default_detail = "Choose a shipping address or type one in."


class InvalidShippingMethod(ShopError):
    code = "invalid_shipping_method"
    default_detail = "Choose one of the shipping methods offered."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used for a different checkout request."


class CheckoutNotFound(NotFound):
    """Also the answer for somebody else's checkout."""

    code = "checkout_not_found"
    default_detail = "No such checkout."


@dataclass(frozen=True)
class ShippingOption:
    code: str
    name: str
    price: Decimal


def shipping_options(subtotal: Decimal) -> tuple[ShippingOption, ...]:
    """The methods offered for an order of ``subtotal``, with their price for it."""
    threshold = Decimal(settings.ORDERS_FREE_SHIPPING_THRESHOLD)
    options = []
    for code, method in settings.ORDERS_SHIPPING_METHODS.items():
        price = quantize(Decimal(method["price"]))
        if method.get("free_over_threshold") and subtotal >= threshold:
            price = quantize(Decimal(0))
        options.append(ShippingOption(code=code, name=method["name"], price=price))
    return tuple(options)


def _shipping(method: str, subtotal: Decimal) -> ShippingOption:
    for option in shipping_options(subtotal):
        if option.code == method:
            return option
    choices = ", ".join(settings.ORDERS_SHIPPING_METHODS)
    raise InvalidShippingMethod(f"Choose a shipping method: {choices}.", choices=choices)


def _address_snapshot(user_id: int, address_id: int | None, address: dict | None) -> dict:
    if address is not None:
        return {field: str(address.get(field, "") or "") for field in ADDRESS_FIELDS}
    if address_id is not None:
        chosen = accounts.get_address(user_id, address_id)
    else:
        chosen = accounts.get_default_address(user_id)
        if chosen is None:
            raise AddressRequired()
    return {field: getattr(chosen, field) for field in ADDRESS_FIELDS}


def _fingerprint(**request) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def start_checkout(
    *,
    user_id: int,
    shipping_method: str,
    address_id: int | None = None,
    address: dict | None = None,
    idempotency_key: str = "",
    return_url: str,
) -> Checkout:
    """
    Start buying the user's cart; returns the checkout, ``awaiting_payment``
    with its payment link. ``address`` is a typed-in address (already
    validated), else ``address_id`` from the address book, else the default
    address. The same ``idempotency_key`` returns the same checkout, without
    a second reservation or payment; with a different request it raises
    ``IdempotencyKeyReused``.

    Refusals: ``EmailUnverified`` (403), ``CartEmpty``, ``AddressRequired``,
    ``InvalidShippingMethod`` (400), ``catalog.OutOfStock`` (409, naming each
    short SKU), ``payments.GatewayUnavailable`` (503: the checkout and its
    reservation are kept; the same key again retries the payment).
    """
    fingerprint = _fingerprint(method=shipping_method, address_id=address_id, address=address)
    if idempotency_key:
        existing = Checkout.objects.filter(user_id=user_id, idempotency_key=idempotency_key)
        if (found := existing.first()) is not None:
            return _reused(found, fingerprint, return_url)
    user = accounts.get_user(user_id)
    if not user.email_verified:
        raise EmailUnverified()
    _shipping(shipping_method, Decimal(0))
    shipping_address = _address_snapshot(user_id, address_id, address)
    lines = cart.get_cart_lines(user_id=user_id)
    if not lines:
        raise CartEmpty()
    try:
        checkout = _create(
            user, lines, shipping_method, shipping_address, idempotency_key, fingerprint
        )
    except IntegrityError:
        if not idempotency_key:
            raise
        # The same key from a concurrent request won the insert.
        found = Checkout.objects.get(user_id=user_id, idempotency_key=idempotency_key)
        return _reused(found, fingerprint, return_url)
    try:
        return _with_payment(checkout, return_url)
    except payments.GatewayUnavailable as unavailable:
        if idempotency_key:
            # Kept with its stock: the same key again creates the payment.
            unavailable.extra["checkout_id"] = str(checkout.pk)
        else:
            # Nobody could resume it: give the stock back now.
            _abandon(checkout, "The payment provider could not be reached.")
        raise


def _abandon(checkout: Checkout, reason: str) -> None:
    with transaction.atomic():
        catalog.release_reservation(checkout.reservation_key)
        Checkout.objects.filter(pk=checkout.pk).update(
            status=Checkout.Status.FAILED, failure_reason=reason, updated_at=timezone.now()
        )


def _reused(checkout: Checkout, fingerprint: str, return_url: str) -> Checkout:
    if checkout.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    return _with_payment(checkout, return_url)


@transaction.atomic
def _create(user, lines, method, shipping_address, idempotency_key, fingerprint) -> Checkout:
    variants = catalog.get_variants(line.sku for line in lines)
    subtotal = quantize(
        sum(
            (variants[line.sku].price * line.quantity for line in lines if line.sku in variants),
            Decimal(0),
        )
    )
    shipping = _shipping(method, subtotal)
    checkout_id = uuid.uuid4()
    ttl = timedelta(minutes=settings.ORDERS_CHECKOUT_TTL_MINUTES)
    checkout = Checkout.objects.create(
        id=checkout_id,
        user_id=user.id,
        email=user.email,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint,
        shipping_method=shipping.code,
        shipping_address=shipping_address,
        currency=store_currency(),
        subtotal=subtotal,
        shipping_cost=shipping.price,
        total=subtotal + shipping.price,
        reservation_key=f"checkout:{checkout_id}",
        expires_at=timezone.now() + ttl,
    )
    # Raises OutOfStock for unknown, withdrawn or short SKUs: the whole
    # transaction, checkout included, rolls back.
    reservation = catalog.reserve_stock(
        checkout.reservation_key, [(line.sku, line.quantity) for line in lines], ttl
    )
    checkout.expires_at = reservation.expires_at
    checkout.save(update_fields=["expires_at"])
    CheckoutLine.objects.bulk_create(
        CheckoutLine(
            checkout=checkout,
            sku=line.sku,
            product_name=variants[line.sku].product_name,
            variant_name=" / ".join(value for _option, value in variants[line.sku].options),
            unit_price=variants[line.sku].price,
            quantity=line.quantity,
        )
        for line in lines
    )
    return checkout


def _with_payment(checkout: Checkout, return_url: str) -> Checkout:
    """Ask payments for the checkout's payment if it has none yet (idempotent on the id)."""
    if checkout.payment_id or checkout.status != Checkout.Status.AWAITING_PAYMENT:
        return checkout
    back = return_url.format(checkout_id=checkout.pk)
    payment = payments.create_payment(
        reference=str(checkout.pk),
        amount=checkout.total,
        user_id=checkout.user_id,
        description=f"{settings.SHOP_NAME} order",
        return_url=back,
        cancel_url=back,
    )
    Checkout.objects.filter(pk=checkout.pk, payment_id="").update(
        payment_id=payment.id,
        payment_provider=payment.provider,
        payment_redirect_url=payment.redirect_url,
    )
    checkout.refresh_from_db()
    return checkout


def status_page_url(request) -> str:
    """The absolute URL of a checkout's page, with ``{checkout_id}`` left to fill in."""
    path = reverse("orders:checkout-status", args=[uuid.UUID(int=0)])
    return request.build_absolute_uri(path).replace(str(uuid.UUID(int=0)), "{checkout_id}")


def checkout_for(user_id: int, checkout_id) -> Checkout:
    """The user's checkout with its lines and order number; another user's is not found."""
    try:
        checkout_id = uuid.UUID(str(checkout_id))
    except ValueError:
        raise CheckoutNotFound() from None
    found = (
        Checkout.objects.filter(pk=checkout_id, user_id=user_id)
        .select_related("order")
        .prefetch_related("lines")
        .first()
    )
    if found is None:
        raise CheckoutNotFound()
    return found


def unfinished_attempt(user_id: int) -> Checkout | None:
    """
    The user's latest checkout if it failed or expired: the checkout page
    starts the retry from its address and delivery.
    """
    latest = Checkout.objects.filter(user_id=user_id).order_by("-created_at").first()
    if latest is None or latest.status not in (Checkout.Status.FAILED, Checkout.Status.EXPIRED):
        return None
    return latest
