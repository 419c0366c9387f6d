"""
The cart's storefront pages: the cart itself and the forms that change it.
Every form works without JavaScript: it posts, then redirects.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from shop.core.errors import ShopError

from . import estimates, selectors, services, vouchers
from .errors import CartLineNotFound
from .owners import browser_owner


def _estimate_country(request) -> str:
    """The country the customer chose on the cart page (kept in the session), else home."""
    try:
        return estimates.country_code(request.session.get(estimates.SESSION_KEY))
    except ShopError:
        return estimates.default_country()


@require_GET
def cart_page(request):
    owner = browser_owner(request)
    contents = selectors.cart_contents(owner)
    estimate = estimates.estimate(
        contents, _estimate_country(request), owner.user_id if owner else None
    )
    response = render(
        request,
        "cart/cart.html",
        {
            "cart": contents,
            "max_quantity": services.max_line_quantity(),
            "estimate": estimate,
            "voucher": estimate.voucher if estimate else None,
            "voucher_lines": estimate.voucher.line_amounts()
            if estimate and estimate.voucher
            else {},
            "countries": estimates.country_choices(),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def estimate_country(request):
    """The cart page's "Estimate for" form: the country is remembered in the session."""
    try:
        country = estimates.country_code(request.POST.get("country"))
    except ShopError as refusal:
        messages.error(request, refusal.detail)
    else:
        request.session[estimates.SESSION_KEY] = country
    return redirect("cart:cart")


def _from_this_site(request) -> bool:
    """
    The request was sent by one of our own pages: its ``Origin`` (or, when a
    browser sends none, its ``Referer``) is this host or a trusted origin.
    """
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source:
        # Neither header: not a modern browser's cross-site form post, and the
        # session cookie (SameSite=Lax) is not sent on those anyway.
        return True
    parts = urlsplit(source)
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin == f"{request.scheme}://{request.get_host()}" or (
        origin in settings.CSRF_TRUSTED_ORIGINS
    )


def _back(request, fallback: str):
    target = request.POST.get("next") or request.headers.get("Referer") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


@csrf_exempt
@require_POST
def add_to_cart(request):
    """
    The product page's "Add to cart" form. It carries no CSRF token because
    product pages are cached whole for visitors without cookies, and a token
    would make every one of them uncacheable; the same-origin check above
    and the session cookie's SameSite=Lax keep other sites from posting it
    (docs/decisions/0007-add-to-cart-without-csrf-token.md).
    """
    if not _from_this_site(request):
        return HttpResponseForbidden("This form can only be sent from this shop's pages.")
    owner = browser_owner(request, create=True)
    try:
        # "variant": the option ticked in a product page's picker.
        sku = request.POST.get("sku") or request.POST.get("variant")
        added = services.add_item(owner, sku, request.POST.get("quantity", "1"))
    except ShopError as refusal:
        messages.error(request, refusal.detail)
        return _back(request, "cart:cart")
    messages.success(request, f"Added {added.quantity} of {added.variant.name} to your cart.")
    return redirect("cart:cart")


@require_POST
def update_line(request, line_id: int):
    owner = browser_owner(request)
    try:
        if owner is None:
            raise CartLineNotFound()
        line = services.set_line_quantity(owner, line_id, request.POST.get("quantity"))
    except ShopError as refusal:
        messages.error(request, refusal.detail)
    else:
        messages.success(
            request, "The quantity has been updated." if line else "The item has been removed."
        )
    return redirect("cart:cart")


@require_POST
def remove_line(request, line_id: int):
    owner = browser_owner(request)
    try:
        if owner is None:
            raise CartLineNotFound()
        services.remove_line(owner, line_id)
    except ShopError as refusal:
        messages.error(request, refusal.detail)
    else:
        messages.success(request, "The item has been removed from your cart.")
    return redirect("cart:cart")


@require_POST
def enter_voucher(request):
    """The cart page's voucher form: kept when it applies to the cart, else the reason."""
    owner = browser_owner(request)
    try:
        discount = vouchers.enter_code(
            owner, request.POST.get("code"), owner.user_id if owner else None
        )
    except ShopError as refusal:
        messages.error(request, refusal.detail)
    else:
        messages.success(request, f"The voucher {discount.code} has been applied.")
    return redirect("cart:cart")


@require_POST
def remove_voucher(request):
    vouchers.remove_code(browser_owner(request))
    messages.success(request, "The voucher has been removed.")
    return redirect("cart:cart")
