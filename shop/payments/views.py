"""
The test gateway's page, ``/payments/test/<payment id>/<key>/``: what a
customer sees instead of Stripe's when no Stripe keys are set (``make
demo``). "Pay" and "Decline" settle the payment through the webhook's path
(``inbound.settle_on_test_gateway``), then send the customer back to the
shop: to the return URL after paying, to the cancel URL after declining.

Like Stripe's page it stands apart from the shop (no sign-in, no shop
navigation), so it works where payments runs as a service of its own. A
wrong key, or a payment taken by Stripe, answers 404.
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import inbound
from .errors import GatewayDisabled, NotPending, PaymentNotFound
from .gateways.builtin import OUTCOMES


@require_http_methods(["GET", "POST"])
def pay_on_test_gateway(request, payment_id, key):
    try:
        payment = inbound.payment_on_test_gateway(payment_id, key)
    except PaymentNotFound:
        raise Http404("No such payment.") from None
    except GatewayDisabled as disabled:
        return render(
            request,
            "payments/test_gateway_off.html",
            {"detail": disabled.detail, "shop_url": settings.SHOP_URL},
            status=403,
        )
    refused = None
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome in OUTCOMES:
            try:
                payment = inbound.settle_on_test_gateway(payment, outcome)
            except NotPending as exc:
                refused = exc.detail
            else:
                target = payment.return_url if outcome == "succeeded" else payment.cancel_url
                return HttpResponseRedirect(target)
        else:
            refused = "Choose Pay or Decline."
    return render(
        request,
        "payments/test_gateway.html",
        {"payment": payment, "key": key, "refused": refused},
        status=400 if refused else 200,
    )
