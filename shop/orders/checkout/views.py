"""
The checkout pages: ``/checkout/`` (where to ship, how, and the total) and
``/checkout/<id>/`` (pay, then wait for the order). Plain forms and a page
that refreshes itself while the payment is confirmed; a small script polls
instead when JavaScript runs.

The delivery methods shown are those of the chosen address's country. Without
JavaScript, "Update delivery options" shows those of another address chosen
on the page (and sending the form with a method that country does not offer
says so); with it, choosing the address does.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from shop.accounts import public as accounts
from shop.cart import public as cart
from shop.catalog import public as catalog
from shop.core.errors import ShopError
from shop.core.money import quantize

from ..errors import CheckoutNotFound
from . import selectors
from .forms import CheckoutForm
from .shipping import ShippingUnavailable, shipping_options
from .starting import start_checkout, status_page_url


def _cart_summary(user_id: int):
    lines = cart.get_cart_lines(user_id=user_id)
    variants = catalog.get_variants(line.sku for line in lines)
    rows = []
    for line in lines:
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
    return rows, subtotal


@login_required
def start(request):
    user_id = request.user.pk
    if not accounts.get_user(user_id).email_verified:
        verify = reverse("accounts:verify_email")
        return redirect(f"{verify}?{urlencode({'next': reverse('orders:checkout')})}")
    rows, subtotal = _cart_summary(user_id)
    if not rows:
        messages.info(request, "Your cart is empty: add something before checking out.")
        return redirect("cart:cart")
    addresses = accounts.get_addresses(user_id)
    updating = UPDATE in request.POST
    form = CheckoutForm(
        None if updating else request.POST or None,
        initial=request.POST.dict() if updating else None,
        addresses=addresses,
        # Updating shows what the customer just chose, not the last failed attempt.
        previous=None if updating else selectors.unfinished_attempt(user_id),
    )
    weight = sum(row["weight_grams"] for row in rows)
    options, unavailable = _delivery(form, subtotal, weight)
    if request.method == "POST" and not updating and form.is_valid():
        address_id, address = form.chosen_address()
        try:
            started = start_checkout(
                user_id=user_id,
                shipping_method=form.cleaned_data["shipping_method"],
                address_id=address_id,
                address=address,
                idempotency_key=form.cleaned_data["idempotency_key"],
                return_url=status_page_url(request),
            )
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
        },
        # The shipping refusal is the API's status too: 422 shipping_unavailable.
        status=422 if unavailable and form.is_bound else 200,
    )
    response["Cache-Control"] = "private, no-store"
    return response


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


@login_required
def status(request, checkout_id):
    try:
        checkout = selectors.checkout_for(request.user.pk, checkout_id)
    except CheckoutNotFound:
        raise Http404("No such checkout.") from None
    order = getattr(checkout, "order", None) if checkout.status == "completed" else None
    response = render(
        request,
        "orders/checkout_status.html",
        {"checkout": checkout, "order": order, "lines": checkout.lines.all()},
    )
    response["Cache-Control"] = "private, no-store"
    return response
