"""
Starting a purchase, the first step of the checkout saga: the customer's cart
becomes a ``Checkout`` with prices from the catalog, stock reserved until
``expires_at``, address and totals frozen, and a payment asked of payments.

The checkout row claims the ``Idempotency-Key`` first, the stock is held in
catalog's own transaction, and orders' transaction commits last: a refused
reservation leaves no checkout behind, and a checkout that cannot be
committed gives its hold back (or the hold expires). The key is not looked
up before: the checkout's insert finds it taken (its unique constraint), as
it finds the customer's earlier checkout still awaiting payment, and only
then are they read; a refusal looks the key up before it is raised, so a
request sent again is answered as the first was whatever changed since
(decision 0032). The payment is
created after that: it may call a remote gateway, which must not hold
database locks, and ``create_payment`` is idempotent on the checkout id, so
a retry (the same ``Idempotency-Key``) finishes what a gateway outage left.

A guest (no account, decision 0023) buys the anonymous cart its ``Guest``
names, with an email address and a typed-in address; the key, the one
checkout holding stock and the replacing of an earlier one go by the cart
instead of the user, and the guest checkouts awaiting payment for one email
address are limited (``ORDERS_GUEST_OPEN_CHECKOUTS_PER_EMAIL``).
"""

import logging
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from shop.accounts import public as accounts
from shop.cart import public as cart
from shop.catalog import public as catalog
from shop.core.errors import IdempotencyKeyReused, ServiceUnavailable, ShopError
from shop.core.idempotency import clean_idempotency_key, request_fingerprint
from shop.core.money import store_currency
from shop.payments import public as payments
from shop.promotions import public as promotions

from .. import guests, metrics
from ..db import db
from ..errors import (
    AddressRequired,
    CartEmpty,
    CheckoutStarting,
    EmailUnverified,
    GiftCardForGiftCard,
    GuestEmailRequired,
    PaymentUnderWay,
    TooManyOpenCheckouts,
)
from ..guests import Guest
from ..models import Checkout, CheckoutLine
from . import giftcards, holds, taxing, vouchers
from .completion import complete_checkout
from .selectors import with_lines
from .shipping import cart_weight, goods_value, shipping_option

REPLACED = "Replaced by a newer checkout."

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StartedCheckout:
    """What ``start_checkout`` did: ``created`` is false when the key named an earlier one."""

    checkout: Checkout
    created: bool


@dataclass(frozen=True)
class Known:
    """
    What the caller read already in this request, so that starting the
    checkout does not read it again: the checkout page shows the cart, its
    variants and the customer's address book before the form is sent. As
    fresh as reading them again a moment later: nothing is locked either way.
    """

    user: accounts.UserInfo | None = None
    addresses: tuple[accounts.AddressInfo, ...] = ()
    cart_info: cart.CartInfo | None = None
    variants: dict[str, catalog.VariantInfo] | None = None


class _KeyOrCheckoutTaken(Exception):
    """
    The checkout's insert met a unique constraint: its key has a checkout
    already, or the customer has one awaiting payment.
    """


@dataclass(frozen=True)
class _Buyer:
    """Whose checkout: ``owner`` is the lookup that finds their checkouts."""

    user_id: int | None
    cart_key: str
    email: str

    @property
    def owner(self) -> dict:
        if self.user_id is not None:
            return {"user_id": self.user_id}
        return {"cart_key": self.cart_key, "user_id": None}

    def cart(self, known: Known) -> cart.CartInfo:
        if known.cart_info is not None:
            return known.cart_info
        if self.user_id is not None:
            return cart.get_cart(user_id=self.user_id)
        return cart.get_cart(cart_key=self.cart_key)


def _guest_email(email: str) -> str:
    email = BaseUserManager.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise GuestEmailRequired() from None
    return email


def start_checkout(
    *,
    user_id: int | None = None,
    guest: Guest | None = None,
    shipping_method: str,
    address_id: int | None = None,
    address: dict | None = None,
    idempotency_key: str = "",
    return_url: str,
    gift_card_code: str = "",
    known: Known | None = None,
) -> StartedCheckout:
    """
    Start buying the user's cart, or a ``guest``'s (then ``address`` is
    required: no address book); the checkout is ``awaiting_payment`` with its
    payment link. ``address`` is a typed-in address (checked by accounts),
    else ``address_id`` from the address book, else the default address. The
    same ``idempotency_key`` returns the same checkout (``created`` false),
    without a second reservation or payment, even when two requests with it
    race; with a different request it raises ``IdempotencyKeyReused``.

    An earlier checkout of the user still awaiting payment is given up first
    (``_replace_earlier``). ``known``: what the caller read already (``Known``).

    Refusals: ``EmailUnverified`` (403), ``CartEmpty``, ``AddressRequired``,
    for a guest ``GuestEmailRequired`` (400) and ``TooManyOpenCheckouts`` (409),
    ``InvalidShippingMethod`` (not offered for the address's country),
    ``InvalidIdempotencyKey``, ``ShippingUnavailable`` (422: no zone serves
    the country, or no method takes the order; refused before anything is
    held or an earlier checkout given up),
    ``accounts.InvalidAddress`` (400), ``accounts.AddressNotFound`` (404),
    ``catalog.OutOfStock`` (409, naming each short SKU), ``PaymentUnderWay``
    (409: the earlier checkout was paid), ``CheckoutStarting`` (409: another
    one is being started at this moment),
    ``payments.GatewayUnavailable`` or ``ServiceUnavailable``
    (``payments_unavailable``, where payments runs as a service of its own)
    (503: the checkout and its reservation are kept until it expires; the
    same key again retries the payment).

    ``gift_card_code`` pays what it can of the total after tax (decision
    0030): refused before anything is held with the promotions refusal
    (422 ``gift_card_unknown``, ``gift_card_expired``, 409 ``gift_card_empty``),
    or 422 ``gift_card_for_gift_card`` when the cart holds a gift card; a
    card that pays everything completes the checkout at once, without a
    payment.
    """
    if (user_id is None) == (guest is None):
        raise TypeError("A checkout is started for a user_id or a guest.")
    idempotency_key = clean_idempotency_key(idempotency_key)
    guest_email = _guest_email(guest.email) if guest is not None else None
    fingerprint = request_fingerprint(
        method=shipping_method,
        address_id=address_id,
        address=address,
        **({"email": guest_email.lower()} if guest_email else {}),
        **({"gift_card": gift_card_code.strip().upper()} if gift_card_code else {}),
    )
    owner = {"user_id": user_id} if guest is None else {"cart_key": guest.cart_key}
    try:
        checkout, created = _claim(
            user_id=user_id,
            guest=guest,
            guest_email=guest_email,
            owner=owner,
            shipping_method=shipping_method,
            address_id=address_id,
            address=address,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            gift_card_code=gift_card_code,
            known=known or Known(),
        )
    except ShopError:
        # What this request is refused now may have been done by the key's first request.
        if (found := _keyed(owner, idempotency_key)) is None:
            raise
        checkout, created = found, False
    if not created:
        return StartedCheckout(_reused(checkout, fingerprint, return_url), created=False)
    if not checkout.card_payment:
        return StartedCheckout(_paid_by_gift_card(checkout), created=True)
    try:
        return StartedCheckout(_with_payment(checkout, return_url), created=True)
    except (payments.GatewayUnavailable, ServiceUnavailable) as unavailable:
        # The provider, or the payments service itself, did not answer.
        if idempotency_key:
            # Kept with its stock: the same key again creates the payment.
            unavailable.extra["checkout_id"] = str(checkout.pk)
        else:
            holds.abandon(checkout, "The payment provider could not be reached.")
        raise


def _keyed(owner: dict, idempotency_key: str) -> Checkout | None:
    """The owner's checkout with this key, if the key has one."""
    if not idempotency_key:
        return None
    return Checkout.objects.filter(**owner, idempotency_key=idempotency_key).first()


def _claim(
    *,
    user_id,
    guest,
    guest_email,
    owner,
    shipping_method,
    address_id,
    address,
    idempotency_key,
    fingerprint,
    gift_card_code,
    known: Known,
) -> tuple[Checkout, bool]:
    """
    The checkout made for this request with its stock held, ``created``; or
    the one its key made before, not created. Everything is checked before
    anything is held or an earlier checkout given up.
    """
    if guest is None:
        user = known.user if known.user and known.user.id == user_id else None
        user = user or accounts.get_user(user_id)
        if not user.email_verified:
            raise EmailUnverified()
        buyer = _Buyer(user_id=user.id, cart_key="", email=user.email)
        shipping_address = _address_snapshot(user_id, address_id, address, known.addresses)
    else:
        buyer = _Buyer(user_id=None, cart_key=guest.cart_key, email=guest_email)
        if address is None:
            raise AddressRequired()
        shipping_address = asdict(accounts.validate_address(address))
    bought = buyer.cart(known)
    lines = bought.lines
    if not lines:
        raise CartEmpty()
    variants = known.variants
    if variants is None or any(line.sku not in variants for line in lines):
        variants = catalog.get_variants(line.sku for line in lines)
    shipping = _shipping(shipping_method, shipping_address, lines, variants)
    voucher = _Voucher.of(buyer, bought.voucher_code, lines, variants, shipping.price)
    gift_card_code = giftcards.check(gift_card_code)
    if gift_card_code and any(variant.gift_card for variant in variants.values()):
        raise GiftCardForGiftCard()
    if guest is not None:
        _check_open_guest_checkouts(buyer)

    def create() -> Checkout:
        return _create(
            buyer,
            lines,
            variants,
            shipping,
            shipping_address,
            idempotency_key,
            fingerprint,
            voucher,
            gift_card_code,
        )

    try:
        return create(), True
    except _KeyOrCheckoutTaken:
        pass
    if (found := _keyed(owner, idempotency_key)) is not None:
        return found, False
    _replace_earlier(buyer.owner, idempotency_key)
    try:
        return create(), True
    except _KeyOrCheckoutTaken:
        # A concurrent request won the insert: the same key (that checkout is
        # this one), or another key (one checkout per customer holds stock).
        if (found := _keyed(owner, idempotency_key)) is None:
            raise CheckoutStarting() from None
        return found, False


def _check_open_guest_checkouts(buyer: _Buyer) -> None:
    """
    Refuse a guest a new checkout while ``ORDERS_GUEST_OPEN_CHECKOUTS_PER_EMAIL``
    other carts' checkouts for the same email are awaiting payment (each
    holds stock): a script cannot hoard the stock with fresh carts under one
    address. The cart's own earlier checkout does not count: it is replaced.
    """
    limit = settings.ORDERS_GUEST_OPEN_CHECKOUTS_PER_EMAIL
    open_ones = (
        Checkout.objects.filter(
            user_id=None, email__iexact=buyer.email, status=Checkout.Status.AWAITING_PAYMENT
        )
        .exclude(cart_key=buyer.cart_key)
        .count()
    )
    if open_ones >= limit:
        raise TooManyOpenCheckouts(limit=limit)


def _replace_earlier(owner: dict, idempotency_key: str = "") -> None:
    """
    A customer (a guest: a cart) has one checkout holding stock at a time
    (docs/decisions/0015-one-checkout-holds-stock.md): their earlier ones
    still awaiting payment are given up before a new one holds anything
    (stock back now, payment page closed through ``CheckoutExpired``; a
    payment made there meanwhile is completed or refunded like any late
    one). Refused with ``PaymentUnderWay`` if one was paid already: its
    order is being placed. A checkout with this request's own key is not
    an earlier one: a concurrent twin request inserted it after this one
    looked the key up, and this one will find it when its insert fails.
    """
    with db.atomic():
        earlier = Checkout.objects.select_for_update().filter(
            **owner, status=Checkout.Status.AWAITING_PAYMENT
        )
        if idempotency_key:
            earlier = earlier.exclude(idempotency_key=idempotency_key)
        for checkout in earlier:
            if holds.is_paid(checkout):
                raise PaymentUnderWay(checkout_id=str(checkout.pk))
            holds.give_up(checkout, REPLACED)


def _address_snapshot(
    user_id: int, address_id: int | None, address: dict | None, book: tuple = ()
) -> dict:
    """
    The postal address the order ships to, as plain values frozen in the
    checkout; ``book``: the customer's address book if it was read already.
    """
    if address is not None:
        return asdict(accounts.validate_address(address))
    if address_id is not None:
        chosen = next((saved for saved in book if saved.id == address_id), None)
        chosen = chosen or accounts.get_address(user_id, address_id)
    else:
        chosen = accounts.get_default_address(user_id)
        if chosen is None:
            raise AddressRequired()
    return {field.name: getattr(chosen, field.name) for field in accounts.address_fields()}


def _reused(checkout: Checkout, fingerprint: str, return_url: str) -> Checkout:
    if checkout.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for a different checkout request."
        )
    try:
        return _with_payment(checkout, return_url)
    except (payments.GatewayUnavailable, ServiceUnavailable) as unavailable:
        unavailable.extra["checkout_id"] = str(checkout.pk)
        raise


def _shipping(method: str, shipping_address: dict, lines, variants):
    """
    The chosen delivery priced for the cart (the shipping service: the zone of
    the address's country, the order's value and weight). Raises
    ``ShippingUnavailable`` or ``InvalidShippingMethod`` before anything is held.
    """
    country = shipping_address.get("country", "")
    subtotal, weight = goods_value(lines, variants), cart_weight(lines, variants)
    return shipping_option(method, country, subtotal, weight)


@dataclass(frozen=True)
class _Voucher:
    """The cart's code priced for this checkout (``discount`` None: no code)."""

    code: str
    customer: str
    basket: object
    discount: object

    @classmethod
    def of(cls, buyer: _Buyer, code: str, lines, variants, shipping_price) -> "_Voucher":
        """Priced before anything is held or replaced: a refused code holds nothing."""
        customer = vouchers.customer_of(buyer.user_id, buyer.email)
        basket = vouchers.basket_of(lines, variants, shipping_price)
        return cls(code, customer, basket, vouchers.price(code, basket, customer))

    def fields(self) -> dict:
        if self.discount is None:
            return {}
        return {
            "voucher_code": self.discount.code,
            "discount_total": self.discount.total,
            "shipping_discount": self.discount.shipping,
        }

    def line_discount(self, sku: str):
        if self.discount is None:
            return 0
        return next((line.amount for line in self.discount.lines if line.sku == sku), 0)


def _create(
    buyer,
    lines,
    variants,
    shipping,
    shipping_address,
    idempotency_key,
    fingerprint,
    voucher,
    gift_card_code="",
) -> Checkout:
    """
    Claim the key, hold the stock, freeze the checkout: orders' transaction
    opens with the checkout row (its unique key makes a concurrent request
    with the same key wait here, then fail, before it holds anything), the
    stock is held in catalog's own transaction, and orders' commits last
    (docs/decisions/0012-a-database-per-service.md). ``OutOfStock`` rolls the
    checkout back: nothing held, nothing written. If orders' transaction
    fails after the hold, the hold is released at once; if the process dies
    there, the hold expires by itself like any unpaid one. The voucher's use
    is held the same way, in promotions' transaction after the stock
    (``VoucherUsedUp`` when another checkout holds a single-use code: the
    stock goes back and nothing is written). The gift card's amount is held
    last, the same way, on the total after tax.
    """
    basket = taxing.tax_basket(
        shipping_address["country"], lines, variants, shipping.price, voucher.discount
    )
    checkout_id = uuid.uuid4()
    ttl = timedelta(minutes=settings.ORDERS_CHECKOUT_TTL_MINUTES)
    held = voucher_held = card_held = None
    try:
        with db.atomic():
            try:
                checkout = Checkout.objects.create(
                    id=checkout_id,
                    user_id=buyer.user_id,
                    cart_key=buyer.cart_key,
                    email=buyer.email,
                    idempotency_key=idempotency_key,
                    request_fingerprint=fingerprint,
                    shipping_method=shipping.code,
                    shipping_method_name=shipping.name,
                    shipping_carrier=shipping.carrier,
                    shipping_address=shipping_address,
                    currency=store_currency(),
                    **taxing.totals_fields(basket),
                    **voucher.fields(),
                    reservation_key=f"checkout:{checkout_id}",
                    # Before the reservation's own (made a moment later): the
                    # stock is never let go while the checkout can be paid.
                    expires_at=timezone.now() + ttl,
                )
            except IntegrityError:
                raise _KeyOrCheckoutTaken() from None
            # Raises OutOfStock for unknown, withdrawn or short SKUs.
            reservation = catalog.reserve_stock(
                checkout.reservation_key, [(line.sku, line.quantity) for line in lines], ttl
            )
            held = reservation.key
            if voucher.discount is not None:
                voucher_held = promotions.reserve_voucher(
                    checkout.reservation_key, voucher.code, voucher.customer, voucher.basket, ttl
                ).key
            if gift_card_code:
                card = giftcards.hold(checkout, gift_card_code, ttl)
                card_held = card.key
                checkout.gift_card_code = card.masked_code
                checkout.gift_card_amount = card.amount
                checkout.save(update_fields=["gift_card_code", "gift_card_amount"])
            created_lines = CheckoutLine.objects.bulk_create(
                CheckoutLine(
                    checkout=checkout,
                    sku=line.sku,
                    product_name=variants[line.sku].product_name,
                    variant_name=" / ".join(value for _option, value in variants[line.sku].options),
                    unit_price=variants[line.sku].price,
                    **sale_fields(variants[line.sku]),
                    quantity=line.quantity,
                    **taxing.line_fields(basket, line.sku),
                    discount=voucher.line_discount(line.sku),
                    gift_card=variants[line.sku].gift_card,
                )
                for line in lines
            )
            db.on_commit(metrics.CHECKOUT_STARTED.inc)
    except BaseException:
        if card_held is not None:
            giftcards.let_go(card_held)
        if voucher_held is not None:
            vouchers.let_go(voucher_held)
        if held is not None:
            _let_go(held)
        raise
    return with_lines(checkout, created_lines)


def sale_fields(variant: catalog.VariantInfo) -> dict:
    """The sale that lowers the variant's price now, as the line keeps it; empty without one."""
    if not variant.sale_name or variant.regular_price == variant.price:
        return {}
    return {"regular_price": variant.regular_price, "sale_name": variant.sale_name}


def _let_go(reservation_key: str) -> None:
    """Release a hold no checkout came of; if catalog cannot be told, the hold expires."""
    try:
        catalog.release_reservation(reservation_key)
    except Exception:
        logger.warning("Could not release %s; it expires by itself", reservation_key, exc_info=True)


def _paid_by_gift_card(checkout: Checkout) -> Checkout:
    """
    The gift card pays everything: no payment to wait for, so the checkout
    completes now through the code ``PaymentSucceeded`` runs (stock, voucher
    and card committed, the order placed).
    """
    complete_checkout(str(checkout.pk))
    checkout.refresh_from_db()
    return checkout


def _with_payment(checkout: Checkout, return_url: str) -> Checkout:
    """
    Ask payments for the checkout's payment if it has none yet (idempotent on
    the id), for what the gift card does not pay.
    """
    if checkout.payment_id or checkout.status != Checkout.Status.AWAITING_PAYMENT:
        return checkout
    if not checkout.card_payment:
        return _paid_by_gift_card(checkout)
    back = return_url.format(checkout_id=checkout.pk, key=guests.checkout_key(checkout.pk))
    payment = payments.create_payment(
        reference=str(checkout.pk),
        amount=checkout.card_payment,
        user_id=checkout.user_id,
        description=f"{settings.SHOP_NAME} order",
        return_url=back,
        cancel_url=back,
        customer_email=checkout.email,
    )
    paid_at = {
        "payment_id": payment.id,
        "payment_provider": payment.provider,
        "payment_redirect_url": payment.redirect_url,
    }
    if Checkout.objects.filter(pk=checkout.pk, payment_id="").update(**paid_at):
        for name, value in paid_at.items():
            setattr(checkout, name, value)
    else:
        checkout.refresh_from_db()
    return checkout


def status_page_url(request, *, guest: bool = False) -> str:
    """
    The absolute URL of a checkout's page, with ``{checkout_id}`` left to fill
    in; a guest's carries its key (``{key}``), so it opens without the session.
    """
    blank = str(uuid.UUID(int=0))
    if not guest:
        path = reverse("orders:checkout-status", args=[blank])
        return request.build_absolute_uri(path).replace(blank, "{checkout_id}")
    key = "0" * 32
    path = reverse("orders:guest-checkout-status", args=[blank, key])
    url = request.build_absolute_uri(path)
    return url.replace(f"{blank}/{key}", "{checkout_id}/{key}")
