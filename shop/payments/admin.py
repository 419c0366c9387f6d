"""
The staff side of payments: every payment with its refunds, the gateway's
notifications and the payment's log, all read-only (the gateway is the
source of truth, and a status is only moved by what it reports), plus one
action: a refund, full or partial, confirmed on its own page and made
through ``services.refunds.refund_payment`` like any other refund.
Amounts are written with ``shop.core.money.format_money``.

Refunding needs ``payments.add_refund`` (the "Order managers" role).
"""

import uuid
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from shop.core.admin import ReadOnlyInline, ReadOnlyMixin, StateFilter
from shop.core.errors import ShopError
from shop.core.money import format_money

from .models import GatewayEvent, Payment, PaymentLogEntry, Refund
from .services import refunds


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ("created_at", "refund_amount", "status", "reason", "gateway_refund_id", "key")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payment")

    @admin.display(description="amount")
    def refund_amount(self, refund):
        return format_money(refund.amount, refund.payment.currency)


class LogInline(ReadOnlyInline):
    model = PaymentLogEntry
    fields = ("created_at", "source", "message", "status")
    verbose_name_plural = "log"


class GatewayEventInline(ReadOnlyInline):
    model = GatewayEvent
    fields = ("received_at", "type", "event_id", "processed_at", "failed_at", "outcome")
    ordering = ("received_at",)
    verbose_name_plural = "gateway notifications"


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        help_text="Leave empty to refund everything that is left.",
    )
    reason = forms.CharField(required=False, max_length=255)
    # Names this refund: submitting the page twice refunds once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, refundable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"max": refundable, "placeholder": refundable})


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "created_at",
        "paid",
        "refunded",
        "status",
        "provider",
        "flagged",
    )
    list_filter = ("status", "provider", "flagged", "created_at")
    search_fields = (
        "reference",
        "=checkout_session_id",
        "=payment_intent_id",
        "=refunds__gateway_refund_id",
    )
    search_help_text = "Reference, or a Stripe Checkout Session, PaymentIntent or refund id."
    date_hierarchy = "created_at"
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("id", "reference", "description", "user_id", "status")}),
        ("Money", {"fields": ("paid", "refunded", "currency")}),
        ("Needs attention", {"fields": ("flagged", "flag_reason", "failure_reason")}),
        (
            "Gateway",
            {
                "fields": (
                    "provider",
                    "checkout_session_id",
                    "payment_intent_id",
                    "redirect_url",
                    "return_url",
                    "cancel_url",
                )
            },
        ),
        ("Dates", {"fields": ("created_at", "settled_at", "updated_at")}),
    )
    inlines = (RefundInline, GatewayEventInline, LogInline)
    actions = ("refund",)

    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    @admin.display(description="amount", ordering="amount")
    def paid(self, payment):
        return format_money(payment.amount, payment.currency)

    @admin.display(description="refunded", ordering="refunded_amount")
    def refunded(self, payment):
        return format_money(payment.refunded_amount, payment.currency)

    def has_refund_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("payments.add_refund")

    def get_urls(self):
        refund = self.admin_site.admin_view(self.refund_view)
        return [
            path("<path:object_id>/refund/", refund, name="payments_payment_refund"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        payment = self.get_object(request, unquote(object_id))
        can_refund = (
            payment is not None
            and payment.refundable_amount > 0
            and self.has_refund_permission(request)
        )
        extra_context = {**(extra_context or {}), "can_refund": can_refund}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Refund the selected payment…", permissions=["refund"])
    def refund(self, request, queryset):
        payments = list(queryset[:2])
        if len(payments) != 1:
            self.message_user(request, "Select one payment to refund.", messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:payments_payment_refund", args=[payments[0].pk]))

    def refund_view(self, request, object_id):
        payment = self.get_object(request, unquote(object_id))
        if payment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_refund_permission(request):
            raise PermissionDenied
        change_url = reverse("admin:payments_payment_change", args=[payment.pk])
        refundable = payment.refundable_amount
        form = RefundForm(
            request.POST or None, refundable=refundable, initial={"key": uuid.uuid4().hex}
        )
        if request.method == "POST" and form.is_valid():
            try:
                refund = refunds.refund_payment(
                    reference=payment.reference,
                    key=f"admin:{form.cleaned_data['key']}",
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    source=f"admin: {request.user.get_username()}",
                )
            except ShopError as refused:
                form.add_error(None, refused.detail)
            else:
                self._report(request, payment, refund)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Refund payment {payment.reference}",
            "payment": payment,
            "refundable": refundable,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/payments/payment/refund.html", context)

    def _report(self, request, payment, refund) -> None:
        amount = format_money(refund.amount, payment.currency)
        if refund.status == Refund.Status.SUCCEEDED:
            self.message_user(request, f"Refunded {amount}.", messages.SUCCESS)
        elif refund.status == Refund.Status.FAILED:
            self.message_user(
                request,
                f"The gateway refused to refund {amount}: {refund.failure_message}",
                messages.ERROR,
            )
        else:
            self.message_user(
                request, f"The refund of {amount} is in progress at the gateway.", messages.INFO
            )


@admin.register(Refund)
class RefundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "payment",
        "refund_amount",
        "status",
        "reason",
        "gateway_refund_id",
    )
    list_filter = ("status",)
    list_select_related = ("payment",)
    search_fields = ("payment__reference", "=gateway_refund_id", "key")
    date_hierarchy = "created_at"
    actions = None

    @admin.display(description="amount", ordering="amount")
    def refund_amount(self, refund):
        return format_money(refund.amount, refund.payment.currency)


class GatewayEventStateFilter(StateFilter):
    """Waiting to be processed, processed, or given up ("failed": nobody retries it)."""

    states = {
        "waiting": ("Waiting", Q(processed_at__isnull=True, failed_at__isnull=True)),
        "processed": ("Processed", Q(processed_at__isnull=False)),
        "failed": ("Failed (staff must look)", Q(failed_at__isnull=False)),
    }


@admin.register(GatewayEvent)
class GatewayEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """
    Notifications as the gateways sent them (after their signature was
    checked). One that could not be processed is under the filter "Failed",
    with its last error; ``reconcile_payments --fix`` brings its payment up to
    date from the gateway itself.
    """

    list_display = (
        "received_at",
        "provider",
        "type",
        "event_id",
        "payment",
        "state",
        "attempts",
        "outcome",
    )
    list_filter = (GatewayEventStateFilter, "provider", "type")
    list_select_related = ("payment",)
    search_fields = ("=event_id", "payment__reference")
    date_hierarchy = "received_at"
    actions = None
