"""
The customer's order pages: /orders/ (history) and /orders/<number>/
(lines, totals, address, tracking, history, invoice and credit notes, and
cancelling while nothing has shipped), /orders/<number>/invoice/ and
/orders/<number>/documents/<document number>.pdf (the PDFs). They work
without JavaScript: cancelling is a POST form with its CSRF token, behind a
disclosure that asks for confirmation.

Thin views: ``selectors`` read for the signed-in user only, so another
customer's order is a 404 like a missing one; ``services`` write.

A guest's order (decision 0023) has the same page under its keyed link,
/orders/guest/<number>/<key>/, without the account's navigation or other
orders: the link is the permission, and a wrong key is a 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_countries import countries

from . import documents, guests, selectors
from .actors import GUEST, customer
from .checkout.shipping import method_name
from .errors import GiftCardSpent, InvalidTransition, OrderNotFound
from .services import lifecycle

PAGE_SIZE = 10
CANCELLED = (
    "Order {number} has been cancelled. The full amount goes back to the way you paid; "
    "we will email you when the refund is on its way."
)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why are you cancelling? (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _order_or_404(request, number: str):
    try:
        return selectors.customer_order(request.user.pk, number)
    except OrderNotFound:
        raise Http404("No such order.") from None


def _order_header_or_404(request, number: str):
    try:
        return selectors.customer_order_header(request.user.pk, number)
    except OrderNotFound:
        raise Http404("No such order.") from None


def _detail_context(order, cancel_form=None, *, guest_key: str = "") -> dict:
    address = dict(order.shipping_address or {})
    if address.get("country"):
        address["country_name"] = countries.name(address["country"]) or address["country"]
    lines = list(order.lines.all())
    return {
        "order": order,
        "lines": lines,
        # One query, and only for an order that bought gift cards.
        "gift_cards": list(order.gift_cards.all()) if any(line.gift_card for line in lines) else [],
        "address": address,
        "shipping_method": method_name(order),
        "shipment": getattr(order, "shipment", None),
        "history": selectors.customer_history(order),
        "can_cancel": selectors.can_cancel(order),
        "cancel_form": cancel_form or CancelForm(),
        "documents": documents.documents(order),
        "section": "orders",
        "guest": bool(guest_key),
        "guest_key": guest_key,
        "layout": "orders/_guest_layout.html" if guest_key else "orders/_layout.html",
        "cancel_url": (
            reverse("orders:guest-cancel", args=[order.number, guest_key])
            if guest_key
            else reverse("orders:cancel", args=[order.number])
        ),
    }


@login_required
def order_list(request):
    paginator = Paginator(selectors.customer_orders(request.user.pk), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "orders/order_list.html",
        {
            "page": page,
            "orders": page.object_list,
            "params": request.GET,
            "page_range": paginator.get_elided_page_range(page.number),
            "ellipsis": paginator.ELLIPSIS,
            "section": "orders",
        },
    )


@login_required
def order_detail(request, number):
    order = _order_or_404(request, number)
    context = _detail_context(order)
    response = render(request, "orders/order_detail.html", context)
    # The codes of gift cards bought are money: kept out of every cache.
    return _private(response) if context["gift_cards"] else response


@login_required
def order_invoice(request, number):
    """The order's invoice as a PDF; a friendly 404 page until it is issued."""
    return documents.invoice_response(request, _order_header_or_404(request, number))


@login_required
def order_document(request, number, document):
    """One of the order's documents (invoice or credit note) as a PDF."""
    return documents.invoice_response(request, _order_header_or_404(request, number), document)


@login_required
@require_POST
def cancel_order(request, number):
    form = CancelForm(request.POST)
    if not form.is_valid():
        order = _order_or_404(request, number)
        return render(request, "orders/order_detail.html", _detail_context(order, form), status=400)
    try:
        lifecycle.cancel_order(
            number,
            actor=customer(request.user.pk),
            reason=form.cleaned_data["reason"],
            owner_id=request.user.pk,
        )
    except OrderNotFound:
        raise Http404("No such order.") from None
    except (InvalidTransition, GiftCardSpent) as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(request, CANCELLED.format(number=number))
    return redirect("orders:detail", number=number)


def _guest_order_or_404(number: str, key: str):
    try:
        return selectors.guest_order(number, key)
    except OrderNotFound:
        raise Http404("No such order.") from None


def _private(response):
    response["Cache-Control"] = "private, no-store"
    # The key stays out of other sites' logs; not "no-referrer", with which browsers
    # send "Origin: null" and the cancel form fails its CSRF check.
    response["Referrer-Policy"] = "same-origin"
    return response


def guest_order_detail(request, number, key):
    order = _guest_order_or_404(number, key)
    return _private(
        render(request, "orders/order_detail.html", _detail_context(order, guest_key=key))
    )


def _guest_order_header_or_404(number: str, key: str):
    try:
        return selectors.guest_order_header(number, key)
    except OrderNotFound:
        raise Http404("No such order.") from None


def guest_order_invoice(request, number, key):
    """A guest's invoice as a PDF, from the link in their emails; "on its way" until issued."""
    order = _guest_order_header_or_404(number, key)
    return _private(documents.invoice_response(request, order, back_url=guests.order_path(number)))


def guest_order_document(request, number, key, document):
    order = _guest_order_header_or_404(number, key)
    return _private(documents.invoice_response(request, order, document))


@require_POST
def guest_cancel_order(request, number, key):
    order = _guest_order_or_404(number, key)
    form = CancelForm(request.POST)
    if not form.is_valid():
        context = _detail_context(order, form, guest_key=key)
        return _private(render(request, "orders/order_detail.html", context, status=400))
    try:
        lifecycle.cancel_order(number, actor=GUEST, reason=form.cleaned_data["reason"])
    except (InvalidTransition, GiftCardSpent) as refused:
        messages.error(request, refused.detail)
    else:
        messages.success(request, CANCELLED.format(number=number))
    return redirect(guests.order_path(number))
