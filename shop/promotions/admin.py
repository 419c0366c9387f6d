"""
The staff side of promotions: vouchers with their uses (read-only: a use is
held and spent by checkouts), an export of the selected vouchers as
spreadsheet-safe CSV, and ``manage.py generate_vouchers`` for batches; sales
(every save or delete is announced to catalog, ``sales.py``).
"""

import csv

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponse

from shop.core.exports import neutralise

from .generating import CSV_COLUMNS, csv_rows
from .models import Sale, Voucher, VoucherUse


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
