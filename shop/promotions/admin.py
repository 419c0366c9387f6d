"""
The staff side of promotions: vouchers with their uses (read-only: a use is
held and spent by checkouts), an export of the selected vouchers as
spreadsheet-safe CSV, and ``manage.py generate_vouchers`` for batches; sales
(every save or delete is announced to catalog, ``sales.py``); gift cards
issued by staff (the code is generated and shown once, masked after),
their ledger read-only, and an email of the code to the recipient.
"""

import csv
import uuid

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.http import HttpResponse

from shop.core.exports import neutralise

from . import issuing
from .generating import CSV_COLUMNS, csv_rows
from .models import GiftCard, GiftCardEntry, Sale, Voucher, VoucherUse, mask
from .notifications import send_gift_card


class VoucherUseInline(admin.TabularInline):
    model = VoucherUse
    extra = 0
    can_delete = False
    fields = (
        "key",
        "customer",
        "status",
        "discount",
        "shipping_discount",
        "expires_at",
        "closed_at",
    )
    readonly_fields = fields
    ordering = ("-created_at",)
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "value", "valid_until", "max_uses", "used", "active", "batch")
    list_filter = ("active", "kind", "batch")
    search_fields = ("code", "batch")
    inlines = [VoucherUseInline]
    actions = ["export_csv"]
    list_select_related = ()

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(uses_committed=Count("uses", filter=Q(uses__status="committed")))
        )

    @admin.display(description="Used", ordering="uses_committed")
    def used(self, obj):
        return obj.uses_committed

    @admin.action(description="Export the selected vouchers as CSV")
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="vouchers.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for row in csv_rows(queryset.order_by("code")):
            writer.writerow([neutralise(cell) for cell in row])
        return response


@admin.register(VoucherUse)
class VoucherUseAdmin(admin.ModelAdmin):
    list_display = ("key", "voucher", "customer", "status", "discount", "expires_at")
    list_filter = ("status",)
    search_fields = ("key", "customer", "voucher__code")
    list_select_related = ("voucher",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Sale)
class SaleAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "value", "starts_at", "ends_at", "active")
    list_filter = ("active", "kind")
    search_fields = ("name",)
    date_hierarchy = "starts_at"
    fields = (
        "name",
        "kind",
        "value",
        "product_ids",
        "category_ids",
        "starts_at",
        "ends_at",
        "active",
    )


class GiftCardEntryInline(admin.TabularInline):
    model = GiftCardEntry
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "amount", "status", "key", "spend_key", "expires_at")
    readonly_fields = fields
    ordering = ("created_at", "pk")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GiftCard)
class GiftCardAdmin(admin.ModelAdmin):
    """
    Adding one takes the amount, an optional recipient, expiry and note; the
    code is generated and shown in full once, in the message after saving.
    """

    list_display = ("masked", "initial_amount", "balance", "source", "recipient_email", "active")
    list_filter = ("active", "source")
    search_fields = ("code", "recipient_email", "note", "source")
    inlines = [GiftCardEntryInline]
    actions = ["email_recipient"]

    def get_fields(self, request, obj=None):
        editable = ("recipient_email", "expires_at", "note")
        if obj is None:
            return ("initial_amount", *editable)
        return ("masked", "initial_amount", "currency", "balance", "source", "active", *editable)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("masked", "initial_amount", "currency", "balance", "source")

    def has_delete_permission(self, request, obj=None):
        return False  # its ledger is the record of money: switch it off instead

    @admin.display(description="Code")
    def masked(self, obj):
        return mask(obj.code)

    @admin.display(description="Balance")
    def balance(self, obj):
        return issuing.balance(obj)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        card = issuing.issue(
            f"staff:{uuid.uuid4().hex}",
            obj.initial_amount,
            recipient_email=obj.recipient_email,
            expires_at=obj.expires_at,
            note=obj.note,
        )
        obj.pk, obj.code, obj.currency = card.pk, card.code, card.currency
        obj._state.adding = False
        self.message_user(
            request,
            f"Gift card {card.code} issued. Copy the code now or email it to the "
            "recipient: it is shown masked from now on.",
            messages.WARNING,
        )

    @admin.action(description="Email the code to the recipient")
    def email_recipient(self, request, queryset):
        sent = sum(send_gift_card(card) for card in queryset.filter(active=True))
        skipped = queryset.count() - sent
        self.message_user(request, f"{sent} sent; {skipped} without a recipient or switched off.")
