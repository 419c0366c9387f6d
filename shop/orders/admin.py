"""
The staff side of orders: find an order (by status, date, number, email or a
line's SKU), read it with its lines, shipment, history, refunds and emails,
and move it on with actions: mark shipped (a tracking number can be typed
in), mark delivered, cancel and refund, and a partial refund.

Nothing is edited in place: every field is read-only and every change goes
through ``services``, which check the status machine and record who did
what. A refusal (an illegal transition, a gateway that does not answer) is
shown as an error message next to the orders that went through.

Permissions: the actions that move an order need ``orders.change_order``;
money back needs ``payments.add_refund`` (both are in the Order managers
role). The read-only inlines show to whoever may view orders.
"""

import uuid
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from shop.accounts import public as accounts
from shop.core import admin as core_admin
from shop.core.errors import ShopError
from shop.core.money import format_money
from shop.payments import public as payments

from . import documents, refund_taxes
from .actors import staff
from .checkout.shipping import method_name
from .models import (
    MONEY,
    BoughtGiftCard,
    Order,
    OrderLine,
    OrderStatusChange,
    RefundRequest,
    SentEmail,
    Shipment,
)
from .services import lifecycle, line_refunds, refunds

# --- read-only inlines ----------------------------------------------------------------


class ReadOnlyInline(core_admin.ReadOnlyInline):
    """Shown to whoever may view orders (the inlines' own models have no view permission)."""

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("orders.view_order")


# The tax the order froze when its checkout started (decision 0021).
TAX_FIELDS = (
    "tax_country",
    "prices_include_tax",
    "net_total",
    "tax_total",
    "shipping_tax_rate",
    "shipping_net",
    "shipping_tax",
    "tax_per_rate",
)


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = (
        "sku",
        "product_name",
        "variant_name",
        "unit_price",
        "quantity",
        "tax_class",
        "tax_rate",
        "net",
        "tax",
        "discount",
        "line_total",
    )
    readonly_fields = fields

    @admin.display(description="line total")
    def line_total(self, line):
        return line.line_total


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = (
        "carrier",
        "tracking",
        "booked_at",
        "shipped_at",
        "delivered_at",
        "cancelled_at",
    )
    readonly_fields = fields

    @admin.display(description="tracking number")
    def tracking(self, shipment):
        if shipment.tracking_url:
            return format_html(
                '<a href="{}" rel="noopener noreferrer">{}</a>',
                shipment.tracking_url,
                shipment.tracking_number,
            )
        return shipment.tracking_number


class StatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    verbose_name_plural = "history"
    fields = ("at", "from_status", "to_status", "actor", "note", "internal")
    readonly_fields = fields


class RefundRequestInline(ReadOnlyInline):
    model = RefundRequest
    verbose_name_plural = "refunds requested"
    fields = (
        "requested_at",
        "amount",
        "tax",
        "tax_per_rate",
        "status",
        "key",
        "refund_id",
        "actor",
        "reason",
    )
    readonly_fields = fields

    @admin.display(description="tax per rate")
    def tax_per_rate(self, request):
        """What the customer is shown: "19 %: net €13.56, tax €2.58" per rate."""
        return (
            "; ".join(
                f"{row.rate.normalize():f} %: net {format_money(row.net)}, "
                f"tax {format_money(row.tax)}"
                for row in refund_taxes.of_request(request).rates
            )
            or "-"
        )


class BoughtGiftCardInline(ReadOnlyInline):
    """The cards bought on the order, codes masked: the full code is the buyer's alone."""

    model = BoughtGiftCard
    fields = ("masked_code", "line", "unit", "amount", "issued_at", "voided_at", "voided_amount")
    readonly_fields = fields

    @admin.display(description="code")
    def masked_code(self, card):
        return card.masked_code


class SentEmailInline(ReadOnlyInline):
    model = SentEmail
    verbose_name_plural = "emails sent"
    fields = ("sent_at", "kind", "key")
    readonly_fields = fields


# --- action forms ---------------------------------------------------------------------


class ShipForm(forms.Form):
    tracking_number = forms.CharField(
        max_length=100,
        required=False,
        help_text=(
            "Leave empty to use the carrier's booking (booked now if needed). Only for a "
            "single order: a tracking number belongs to one parcel."
        ),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Kept in the order's history and shown in the customer's email.",
    )


class RefundItemsForm(forms.Form):
    """Units to give back per line of one order (at most what is left of each)."""

    reason = forms.CharField(max_length=255, required=False, help_text="Empty: the items named.")
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, order, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [
            line
            for line in order.lines.all()
            if line.refunded_quantity < line.quantity and not line.gift_card
        ]
        for line in self.lines:
            left = line.quantity - line.refunded_quantity
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.name} ({line.sku})",
                min_value=0,
                max_value=left,
                initial=0,
                help_text=f"{left} of {line.quantity} can be refunded; "
                f"{format_money(line.line_total, order.currency)} was paid for the line.",
            )
        self.order_fields = ["reason", "key"]

    def quantities(self) -> dict[int, int]:
        return {line.pk: self.cleaned_data.get(f"line_{line.pk}") or 0 for line in self.lines}


class RefundForm(forms.Form):
    amount = forms.DecimalField(**MONEY, min_value=Decimal("0.01"))
    reason = forms.CharField(max_length=255, required=False)
    # Drawn when the form is shown: submitting it twice refunds once.
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class GiftCardRefundForm(forms.Form):
    line = forms.TypedChoiceField(coerce=int, label="Gift card line")
    reason = forms.CharField(max_length=255, required=False)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [
            (line.pk, f"{line.quantity} \N{MULTIPLICATION SIGN} {line.name}")
            for line in order.lines.filter(gift_card=True)
        ]


# --- the order ------------------------------------------------------------------------


class GuestFilter(admin.SimpleListFilter):
    """Orders bought without an account and not claimed by one (decision 0023)."""

    title = "buyer"
    parameter_name = "guest"

    def lookups(self, request, model_admin):
        return (("yes", "Guest"), ("no", "Customer account"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(user_id__isnull=self.value() == "yes")
        return queryset


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "placed_at",
        "email",
        "guest",
        "status",
        "total",
        "refunded_amount",
        "shipping_method",
    )
    list_filter = ("status", GuestFilter, "placed_at", "shipping_method")
    search_fields = ("=number", "email", "=lines__sku")
    search_help_text = "Order number, customer email (or part of it) or the exact SKU of a line."
    date_hierarchy = "placed_at"
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("number", "status", "placed_at", "customer", "email")}),
        (
            "Money",
            {
                "fields": (
                    "currency",
                    "subtotal",
                    "shipping_cost",
                    "total",
                    "voucher_code",
                    "discount_total",
                    "shipping_discount",
                    "gift_card_code",
                    "gift_card_amount",
                    "refunded_amount",
                    "gift_card_refunded",
                    "payment_reference",
                    "documents",
                )
            },
        ),
        (
            "Tax",
            {"fields": TAX_FIELDS},
        ),
        ("Delivery", {"fields": ("shipping", "address", "anonymised_at")}),
    )
    readonly_fields = (
        "number",
        "status",
        "placed_at",
        "customer",
        "email",
        "currency",
        "subtotal",
        "shipping_cost",
        "total",
        "voucher_code",
        "discount_total",
        "shipping_discount",
        "gift_card_code",
        "gift_card_amount",
        "refunded_amount",
        "gift_card_refunded",
        "payment_reference",
        "documents",
        *TAX_FIELDS,
        "shipping",
        "address",
        "anonymised_at",
    )
    inlines = (
        OrderLineInline,
        ShipmentInline,
        StatusChangeInline,
        RefundRequestInline,
        BoughtGiftCardInline,
        SentEmailInline,
    )
    actions = (
        "mark_shipped",
        "mark_delivered",
        "cancel_and_refund",
        "partial_refund",
        "refund_items",
        "refund_gift_cards",
    )

    def has_add_permission(self, request):
        return False

    @admin.display(description="tax per rate")
    def tax_per_rate(self, order):
        """ "19 %: net €100.00, tax €19.00, gross €119.00" per rate charged."""
        return (
            "; ".join(
                f"{row['rate'].normalize():f} %: net {format_money(row['net'])}, "
                f"tax {format_money(row['tax'])}, gross {format_money(row['gross'])}"
                for row in order.rate_totals
            )
            or "-"
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Nothing on the page is edited in place, so it offers no Save buttons."""
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        """Orders are the shop's books: cancelled or refunded, never deleted."""
        return False

    def has_refund_permission(self, request) -> bool:
        return request.user.has_perm("payments.add_refund")

    @admin.display(description="customer")
    def customer(self, order):
        if order.user_id is None:
            return "Guest (no account)"
        try:
            url = reverse("admin:accounts_user_change", args=[order.user_id])
        except NoReverseMatch:
            return f"User {order.user_id}"
        return format_html('<a href="{}">User {}</a>', url, order.user_id)

    @admin.display(description="invoice and credit notes")
    def documents(self, order):
        """The order's documents, each linked to the invoices admin that downloads it."""
        issued = documents.documents(order)
        if not issued:
            return "-"
        try:
            search = {
                kind: reverse(f"admin:invoices_{model}_changelist")
                for kind, model in (("invoice", "invoice"), ("credit_note", "creditnote"))
            }
        except NoReverseMatch:
            return ", ".join(document.number for document in issued)
        return format_html_join(
            ", ",
            '<a href="{}?q={}">{}</a>',
            ((search[d.kind], d.number, d.number) for d in issued),
        )

    @admin.display(description="guest", boolean=True)
    def guest(self, order):
        return order.user_id is None

    @admin.display(description="shipping method")
    def shipping(self, order):
        return method_name(order)

    @admin.display(description="shipping address")
    def address(self, order):
        address = order.shipping_address or {}
        lines = [
            (address[field.name],) for field in accounts.address_fields() if address.get(field.name)
        ]
        return format_html_join(mark_safe("<br>"), "{}", lines) or "-"

    # --- actions ----------------------------------------------------------------------

    def _apply(self, request, queryset, change, done: str) -> None:
        """Run ``change(number)`` for each order; one message for the successes, one per refusal."""
        succeeded = 0
        for number in queryset.order_by("placed_at").values_list("number", flat=True):
            try:
                change(number)
            except ShopError as refused:
                self.message_user(request, f"{number}: {refused.detail}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            noun = "order" if succeeded == 1 else "orders"
            self.message_user(request, f"{succeeded} {noun} {done}.", messages.SUCCESS)

    def _action_page(self, request, queryset, *, action, title, form, button, text=""):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "orders": queryset.order_by("placed_at"),
            "form": form,
            "action": action,
            "button": button,
            "text": text,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "orders/admin/action_form.html", context)

    @admin.action(description="Mark shipped…", permissions=["change"])
    def mark_shipped(self, request, queryset):
        form = ShipForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            tracking_number = form.cleaned_data["tracking_number"]
            if tracking_number and queryset.count() > 1:
                form.add_error("tracking_number", "Select one order to give a tracking number.")
            else:
                self._apply(
                    request,
                    queryset,
                    lambda number: lifecycle.mark_shipped(
                        number, actor=staff(request.user.pk), tracking_number=tracking_number
                    ),
                    "marked shipped",
                )
                return None
        return self._action_page(
            request,
            queryset,
            action="mark_shipped",
            title="Mark orders shipped",
            form=form,
            button="Mark shipped",
            text="The customers get an email with the tracking link.",
        )

    @admin.action(description="Mark delivered", permissions=["change"])
    def mark_delivered(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda number: lifecycle.mark_delivered(number, actor=staff(request.user.pk)),
            "marked delivered",
        )

    @admin.action(description="Cancel and refund in full…", permissions=["change"])
    def cancel_and_refund(self, request, queryset):
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(
                request,
                queryset,
                lambda number: lifecycle.cancel_order(
                    number, actor=staff(request.user.pk), reason=reason
                ),
                "cancelled; their refunds are on the way",
            )
            return None
        return self._action_page(
            request,
            queryset,
            action="cancel_and_refund",
            title="Cancel and refund these orders?",
            form=form,
            button="Yes, cancel and refund",
            text=(
                "Only orders that have not shipped can be cancelled. Their stock is put back, "
                "the whole payment is refunded and the customers are emailed. This cannot be "
                "undone."
            ),
        )

    PENDING = (
        "the payment provider did not answer. The refund is pending and payments "
        "sends it again by itself: do not refund again."
    )

    def _refund_action(self, request, queryset, *, action, form_for, refund, done, page):
        """
        The refund actions' common flow, for one order: the form (with a key
        drawn when it is shown, so submitting twice refunds once), the refund,
        a provider that did not answer (pending: payments sends it again), a
        refusal shown on the form. ``form_for(order, data, initial)``,
        ``refund(order, form)``, ``done(order, form, result)`` (the success
        message) and ``page(order)`` ({title, button, text}) say the rest.
        """
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one order to refund.", messages.ERROR)
            return None
        order = queryset.get()
        if "apply" in request.POST:
            form = form_for(order, request.POST, None)
        else:
            form = form_for(order, None, {"key": uuid.uuid4().hex})
        if form.is_bound and form.is_valid():
            try:
                result = refund(order, form)
            except payments.GatewayUnavailable:
                self.message_user(request, f"{order.number}: {self.PENDING}", messages.WARNING)
                return None
            except ShopError as refused:
                form.add_error(None, refused.detail)
            else:
                self.message_user(request, done(order, form, result), messages.SUCCESS)
                return None
        return self._action_page(request, queryset, action=action, form=form, **page(order))

    @admin.action(description="Refund returned items…", permissions=["refund"])
    def refund_items(self, request, queryset):
        return self._refund_action(
            request,
            queryset,
            action="refund_items",
            form_for=lambda order, data, initial: RefundItemsForm(order, data, initial=initial),
            refund=lambda order, form: line_refunds.refund_lines(
                order.number,
                form.quantities(),
                actor=staff(request.user.pk),
                key=form.cleaned_data["key"],
                reason=form.cleaned_data["reason"],
            ),
            done=lambda order, form, result: (
                f"{order.number}: refund of the returned items requested; the order's "
                "refunds say where the money went."
            ),
            page=lambda order: {
                "title": f"Refund returned items of order {order.number}",
                "button": "Refund the items",
                "text": (
                    "Each unit gives back what the customer paid for it, after the voucher, at "
                    "its own tax rate; the money goes back to the gift card first, then to the "
                    "payment. Delivery is not refunded here (use a partial refund)."
                ),
            },
        )

    @admin.action(description="Refund part of the payment…", permissions=["refund"])
    def partial_refund(self, request, queryset):
        def page(order):
            left = order.total - order.refunded_amount
            return {
                "title": f"Refund part of order {order.number}",
                "button": "Refund",
                "text": (
                    f"Paid {format_money(order.total, order.currency)}; refunded so far "
                    f"{format_money(order.refunded_amount, order.currency)}; at most "
                    f"{format_money(left, order.currency)} is left."
                ),
            }

        return self._refund_action(
            request,
            queryset,
            action="partial_refund",
            form_for=lambda order, data, initial: RefundForm(data, initial=initial),
            refund=lambda order, form: refunds.refund_order(
                order.number,
                form.cleaned_data["amount"],
                actor=staff(request.user.pk),
                key=form.cleaned_data["key"],
                reason=form.cleaned_data["reason"],
            ),
            done=lambda order, form, result: (
                f"{order.number}: refund of "
                f"{format_money(form.cleaned_data['amount'], order.currency)} requested."
            ),
            page=page,
        )

    @admin.action(description="Refund bought gift cards…", permissions=["refund"])
    def refund_gift_cards(self, request, queryset):
        """Void the cards of a gift card line and refund what was left on them (decision 0030)."""
        if queryset.count() == 1 and not queryset.get().lines.filter(gift_card=True).exists():
            self.message_user(
                request, f"{queryset.get().number} has no gift card line.", messages.ERROR
            )
            return None
        return self._refund_action(
            request,
            queryset,
            action="refund_gift_cards",
            form_for=lambda order, data, initial: GiftCardRefundForm(
                data, initial=initial, order=order
            ),
            refund=lambda order, form: refunds.refund_gift_card_line(
                order.number,
                form.cleaned_data["line"],
                actor=staff(request.user.pk),
                key=form.cleaned_data["key"],
                reason=form.cleaned_data["reason"],
            ),
            done=lambda order, form, result: (
                f"{order.number}: the gift cards are voided and a refund of "
                f"{format_money(result.amount, order.currency)} (what was left on them) "
                "requested."
            ),
            page=lambda order: {
                "title": f"Refund gift cards bought on order {order.number}",
                "button": "Void and refund",
                "text": (
                    "The line's cards are voided: what is left on them can no longer be spent, "
                    "and that much is refunded. A line whose cards were spent cannot be refunded."
                ),
            },
        )
