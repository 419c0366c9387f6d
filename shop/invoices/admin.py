"""
The staff side of invoices: invoices and credit notes, read-only (a document
once issued is never edited: a mistake is corrected by a credit note), with
"Download PDF" on each. Search by document or order number. Staff need the
view permission of the document's kind (the Order managers and Support roles
have it).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from . import pdf
from .models import CreditNote, Invoice, NumberSequence


def pdf_response(document) -> HttpResponse:
    response = HttpResponse(pdf.render(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class DocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "order_number", "issued_on", "net", "tax", "gross", "download")
    list_filter = ("year", "currency")
    search_fields = ("=number", "=order_number")
    date_hierarchy = "issued_on"
    ordering = ("-year", "-sequence")
    exclude = ("lines", "charges", "totals", "seller", "buyer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude] + [
            "download",
            "seller_shown",
            "buyer_shown",
            "lines_shown",
        ]

    @admin.display(description="PDF")
    def download(self, obj):
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_pdf", args=[obj.pk])
        return format_html('<a href="{}">Download PDF</a>', url)

    @admin.display(description="seller")
    def seller_shown(self, obj):
        seller = obj.seller
        return " · ".join(
            part
            for part in (seller["name"], *seller.get("address", []), seller.get("vat_number"))
            if part
        )

    @admin.display(description="buyer")
    def buyer_shown(self, obj):
        keys = ("name", "line1", "line2", "postal_code", "city", "region", "country", "email")
        return " · ".join(obj.buyer[key] for key in keys if obj.buyer.get(key))

    @admin.display(description="lines")
    def lines_shown(self, obj):
        rows = [*obj.lines, *obj.charges]
        return format_html(
            "<br>".join(["{}"] * len(rows)),
            *(
                f"{row.get('quantity', 1)} \N{MULTIPLICATION SIGN} {row['name']}: {row['gross']} "
                f"({row['rate']} %: {row['tax']})"
                for row in rows
            ),
        )

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:pk>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="{}_{}_pdf".format(*info),
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(self.get_queryset(request), pk=pk)
        return pdf_response(document)


@admin.register(Invoice)
class InvoiceAdmin(DocumentAdmin):
    pass


@admin.register(CreditNote)
class CreditNoteAdmin(DocumentAdmin):
    list_display = ("number", "invoice", "order_number", "issued_on", "gross", "download")
    list_select_related = ("invoice",)
    search_fields = ("=number", "=order_number", "=invoice__number", "=refund_ref")


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    """The last number of each series per year (read-only: a number is given with its document)."""

    list_display = ("series", "year", "last")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
