"""
``/gift-cards/balance/``: a plain form that tells a card's holder what is left
on it and until when (the code masked to its last four characters), limited
per client address (429 with ``Retry-After``). Works without JavaScript.
"""

from django import forms
from django.shortcuts import render

from . import giftcards
from .errors import GiftCardRefused
from .throttling import Refused, count_gift_card_check


class BalanceForm(forms.Form):
    code = forms.CharField(label="Gift card code", max_length=40)


def balance(request):
    form = BalanceForm(request.POST or None)
    card = refusal = throttled = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            count_gift_card_check(request)
            card = giftcards.check_gift_card(form.cleaned_data["code"])
        except Refused as refused:
            throttled, status = refused, 429
        except GiftCardRefused as refused:
            refusal, status = refused, refused.status_code
    response = render(
        request,
        "promotions/gift_card_balance.html",
        {"form": form, "card": card, "refusal": refusal, "throttled": throttled},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    if throttled:
        response["Retry-After"] = str(throttled.retry_after)
    return response
