"""
The checkout pages: ``/checkout/`` (where to ship, how, and the total) and
``/checkout/<id>/`` (pay, then wait for the order). Plain forms and a page
that refreshes itself while the payment is confirmed; a small script polls
instead when JavaScript runs.

The delivery methods shown are those of the chosen address's country. Without
JavaScript, "Update delivery options" shows those of another address chosen
on the page (and sending the form with a method that country does not offer
says so); with it, choosing the address does.

A visitor who is not signed in checks out as a guest (decision 0023): the
anonymous cart their session holds, an email address and an address typed
in; starting one is limited per client address (``ORDERS_GUEST_CHECKOUT_RATE``,
429 with ``Retry-After``). Their checkout's page after paying is reached by a
keyed link (``guests.checkout_path``), not by the session.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from shop.accounts import public as accounts
from shop.cart import public as cart
from shop.catalog import public as catalog
from shop.core.errors import ShopError
from shop.core.money import quantize
from shop.core.ratelimit import Refused, consume, parse_rates
from shop.promotions import public as promotions

from .. import guests
from ..errors import CheckoutNotFound, GiftCardForGiftCard
from ..guests import Guest
from . import selectors, vouchers
from .forms import CheckoutForm, GuestCheckoutForm
from .shipping import ShippingUnavailable, shipping_options
from .starting import Known, start_checkout, status_page_url


def _cart_summary(bought: cart.CartInfo, variants: dict, user_id: int | None):
    voucher = vouchers.summary(bought.voucher_code, bought.lines, variants, user_id)
    rows = []
    for line in bought.lines:
        variant = variants.get(line.sku)
        price = variant.price if variant else Decimal(0)
        rows.append(
            {
                "sku": line.sku,
                "name": variant.name if variant else line.sku,
                "quantity": line.quantity,
                "unit_price": price,
                "line_total": quantize(price * line.quantity),
                "weight_grams": (variant.weight_grams if variant else 0) * line.quantity,
            }
        )
    subtotal = quantize(sum((row["line_total"] for row in rows), Decimal(0)))
    return rows, subtotal, voucher


def _guest_cart_key(request) -> str:
    """The key of the anonymous cart the visitor's session holds ("" without one)."""
    token = cart.session_cart_token(request.session)
    if not token:
        return ""
    try:
        return cart.cart_key(token)
    except cart.InvalidCartToken:
        return ""


@dataclass(frozen=True)
class _Shopper:
    """Who checks out on the page: a signed-in customer, or a guest by their session's cart."""

    user_id: int | None = None
    cart_key: str = ""

    @property
    def guest(self) -> bool:
        return self.user_id is None

    @property
    def has_cart(self) -> bool:
        return not self.guest or bool(self.cart_key)

    @property
    def cart(self) -> dict:
        return {"cart_key": self.cart_key} if self.guest else {"user_id": self.user_id}

    def last_attempt(self):
        """Their last checkout that did not go through, for the form to start from."""
        if self.guest:
            return selectors.unfinished_guest_attempt(self.cart_key)
        return selectors.unfinished_attempt(self.user_id)

    def form(self, data, *, initial, previous, addresses) -> CheckoutForm:
        if self.guest:
            return GuestCheckoutForm(data, initial=initial, previous=previous)
        return CheckoutForm(data, initial=initial, previous=previous, addresses=addresses)

    def buyer(self, form) -> dict:
        """Who ``start_checkout`` starts the checkout for."""
        if self.guest:
            return {"guest": Guest(cart_key=self.cart_key, email=form.cleaned_data["email"])}
        return {"user_id": self.user_id}


def start(request):
    user, addresses = None, ()
    if request.user.is_authenticated:
        user, addresses = accounts.get_user_with_addresses(request.user.pk)
        if not user.email_verified:
            verify = reverse("accounts:verify_email")
            return redirect(f"{verify}?{urlencode({'next': reverse('orders:checkout')})}")
        shopper = _Shopper(user_id=request.user.pk)
    else:
        shopper = _Shopper(cart_key=_guest_cart_key(request))
    bought = cart.get_cart(**shopper.cart) if shopper.has_cart else None
    if bought is None or not bought.lines:
        messages.info(request, "Your cart is empty: add something before checking out.")
        return redirect("cart:cart")
    variants = catalog.get_variants(line.sku for line in bought.lines)
    rows, subtotal, voucher = _cart_summary(bought, variants, shopper.user_id)
    updating = UPDATE in request.POST
    sent = None if updating else request.POST or None
    form = shopper.form(
        sent,
        initial=request.POST.dict() if updating else None,
        addresses=addresses,
        # Only an unbound form starts from it; updating shows what the
        # customer just chose, not the last failed attempt.
        previous=None if updating or sent is not None else shopper.last_attempt(),
    )
    weight = sum(row["weight_grams"] for row in rows)
    options, unavailable = _delivery(form, subtotal, weight)
    throttled = None
    if request.method == "POST" and not updating and form.is_valid():
        address_id, address = form.chosen_address()
        try:
            if shopper.guest:
                _count_guest_start(request)
            if form.cleaned_data["gift_card_code"]:
                count_gift_card_attempt(request)
            started = start_checkout(
                **shopper.buyer(form),
                shipping_method=form.cleaned_data["shipping_method"],
                address_id=address_id,
                address=address,
                idempotency_key=form.cleaned_data["idempotency_key"],
                return_url=status_page_url(request, guest=shopper.guest),
                gift_card_code=form.cleaned_data["gift_card_code"],
                known=Known(user=user, addresses=addresses, cart_info=bought, variants=variants),
            )
        except GiftCardAttemptsRefused as refused:
            throttled = refused
            form.add_error(
                "gift_card_code",
                "Too many gift card codes were tried from your network. "
                f"Try again in {refused.retry_after} seconds.",
            )
        except Refused as refused:
            throttled = refused
            form.add_error(
                None,
                "Too many checkouts were started from your network. "
                f"Try again in {refused.retry_after} seconds.",
            )
        except (promotions.GiftCardRefused, GiftCardForGiftCard) as refusal:
            form.add_error("gift_card_code", refusal.detail)
        except catalog.OutOfStock as refusal:
            names = ", ".join(s["sku"] for s in refusal.extra["shortages"])
            messages.error(
                request,
                f"Some items are no longer in stock in the quantity you asked for ({names}). "
                "Your cart shows what is available.",
            )
            return redirect("cart:cart")
        except ShopError as refusal:
            # Includes GatewayUnavailable: the bound form keeps its key, so
            # sending it again resumes the same checkout and its held stock.
            form.add_error(None, refusal.detail)
        else:
            checkout = started.checkout
            if (
                checkout.status == checkout.Status.AWAITING_PAYMENT
                and checkout.payment_redirect_url
            ):
                return redirect(checkout.payment_redirect_url)
            if shopper.guest:
                return redirect(guests.checkout_path(checkout.pk))
            return redirect("orders:checkout-status", checkout.pk)
    response = render(
        request,
        "orders/checkout.html",
        {
            "form": form,
            "rows": rows,
            "subtotal": subtotal,
            "options": options,
            "unavailable": unavailable,
            "delivery_country": form.chosen_country(),
            "addresses": addresses,
            "new_address_fields": form.new_address_fields(),
            "guest": shopper.guest,
            "voucher": voucher,
        },
        # The shipping refusal is the API's status too: 422 shipping_unavailable.
        status=422 if unavailable and form.is_bound else 429 if throttled else 200,
    )
    response["Cache-Control"] = "private, no-store"
    if throttled:
        response["Retry-After"] = str(throttled.retry_after)
    return response


GUEST_START = "orders.guest_checkout"
GIFT_CARD_ATTEMPT = "orders.gift_card"


def _count_guest_start(request) -> None:
    """One guest checkout started from this client address; ``Refused`` over the limit."""
    consume(request, action=GUEST_START, rates=parse_rates(settings.ORDERS_GUEST_CHECKOUT_RATE))


class GiftCardAttemptsRefused(Refused):
    """Too many gift card codes entered from the client's address."""


def count_gift_card_attempt(request) -> None:
    """
    A gift card code entered at checkout from this client address, counted
    like the balance page's (``PROMOTIONS_GIFT_CARD_RATE``);
    ``GiftCardAttemptsRefused`` over it.
    """
    rates = parse_rates(settings.PROMOTIONS_GIFT_CARD_RATE)
    try:
        consume(request, action=GIFT_CARD_ATTEMPT, rates=rates)
    except Refused as refused:
        raise GiftCardAttemptsRefused(refused.retry_after) from None


UPDATE = "update_delivery"


def _delivery(form: CheckoutForm, subtotal, weight_grams: int):
    """
    The methods offered for the address chosen on the form, offered by it, and
    the refusal when that country (or this order) is not served: ``(options,
    ShippingUnavailable or None)``. No country yet (a new address still to be
    typed in): no methods, and no refusal.
    """
    country = form.chosen_country()
    if not country:
        form.offer(())
        return (), None
    try:
        options = shipping_options(country, subtotal, weight_grams)
    except ShippingUnavailable as refusal:
        form.offer((), unavailable=refusal.detail)
        return (), refusal
    form.offer(options)
    return options, None


def status(request, checkout_id):
    """A signed-in customer's checkout; a guest's in this browser's session goes by the cart."""
    try:
        if request.user.is_authenticated:
            checkout = selectors.checkout_for(request.user.pk, checkout_id)
        else:
            checkout = selectors.guest_checkout_for(_guest_cart_key(request), checkout_id)
    except CheckoutNotFound:
        raise Http404("No such checkout.") from None
    return _status_page(request, checkout)


def guest_status(request, checkout_id, key):
    """A guest's checkout through the keyed link the payment page sends them back to."""
    try:
        checkout = selectors.checkout_by_link(checkout_id, key)
    except CheckoutNotFound:
        raise Http404("No such checkout.") from None
    return _status_page(request, checkout)


def _status_page(request, checkout):
    order = getattr(checkout, "order", None) if checkout.status == "completed" else None
    # Not the signed-in customer's own: the guest's pages, by their keyed links.
    guest = not request.user.is_authenticated or checkout.user_id != request.user.pk
    order_url = ""
    if order is not None:
        order_url = (
            guests.order_path(order.number)
            if guest
            else reverse("orders:detail", args=[order.number])
        )
    response = render(
        request,
        "orders/checkout_status.html",
        {
            "checkout": checkout,
            "order": order,
            "order_url": order_url,
            "lines": checkout.lines.all(),
            "guest": guest,
        },
    )
    response["Cache-Control"] = "private, no-store"
    if guest:
        # Its link is its key: other sites (the payment page) never see it.
        response["Referrer-Policy"] = "same-origin"
    return response
